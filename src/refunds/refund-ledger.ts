// Responsible for the contract of the refund ledger: one record per idempotency key, claimed before the provider is called.
import type { ScaledDecimal } from "../money/decimal.js";
import type { RefundErrorCode, RefundRecord, RefundStatus } from "./refund.js";

export type ClaimResult =
  /** The key was free: this record is new, PENDING at attempt 1, and the caller must call the provider. */
  | { claimed: true; refund: RefundRecord }
  /** The key is taken: here is its record as it stands. */
  | { claimed: false; refund: RefundRecord };

export interface Settlement {
  status: RefundStatus.SUCCEEDED | RefundStatus.FAILED | RefundStatus.UNKNOWN;
  balanceAfter?: ScaledDecimal;
  failureCode?: RefundErrorCode;
  failureMessage?: string;
}

/** A position in a wallet's history, newest first. */
export interface HistoryCursor {
  createdAt: Date;
  id: string;
}

/**
 * Every write is one conditional statement, so that replicas sharing a store never both act:
 * a claim inserts unless the key exists, a take-over and a settle name the attempt they expect.
 */
export interface RefundLedger {
  /** Writes `candidate` as PENDING unless its idempotency key already has a record. */
  claim(candidate: RefundRecord): Promise<ClaimResult>;
  /**
   * Takes the record for a new attempt if it is still `status` at `attempt` (PENDING again, attempt + 1);
   * null when someone else took or settled it first.
   */
  takeOver(id: string, status: RefundStatus, attempt: number): Promise<RefundRecord | null>;
  /** Settles `attempt`; a stale attempt changes nothing. Returns the record as it then stands. */
  settle(id: string, attempt: number, settlement: Settlement): Promise<RefundRecord>;
  get(id: string): Promise<RefundRecord | undefined>;
  /** Newest first, strictly after `after`. */
  listForWallet(walletId: string, limit: number, after?: HistoryCursor): Promise<RefundRecord[]>;
  /** PENDING and UNKNOWN records last touched before `updatedBefore`, oldest first. */
  findUnsettled(updatedBefore: Date, limit: number): Promise<RefundRecord[]>;
  /** Deletes settled records settled before `settledBefore`; returns how many. */
  prune(settledBefore: Date): Promise<number>;
}
