// Responsible for the contract of the refund ledger: one record per live idempotency key, claimed before the provider is called.
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
  /** This attempt may have reached the provider. */
  sent: boolean;
  /** UNKNOWN only: how long, on the database's clock, before the reconciler asks again. */
  retryAfterMs?: number;
}

/** A position in a wallet's history, newest first. */
export interface HistoryCursor {
  createdAt: Date;
  id: string;
}

/**
 * Every write is one conditional statement, so that replicas sharing a store never both act:
 * a claim inserts unless the key is live, a take-over and a settle name the attempt they expect.
 * Every time written or compared is the database's clock, so replicas with skewed clocks agree.
 * Records are never deleted.
 */
export interface RefundLedger {
  /** Writes `candidate` as PENDING, holding it for the lease, unless its idempotency key is live. */
  claim(candidate: RefundRecord): Promise<ClaimResult>;
  /**
   * Takes the record for a new attempt (PENDING again, attempt + 1, a new lease) if it still stands as `seen`
   * (status and attempt). A PENDING record is taken only once its lease has ended; with `onlyWhenDue` any other
   * one only once its retry is due. Null when someone else took or settled it first, or it is not due.
   */
  takeOver(seen: RefundRecord, options: { onlyWhenDue: boolean }): Promise<RefundRecord | null>;
  /** Settles `attempt`; a stale attempt changes nothing. Returns the record as it then stands. */
  settle(id: string, attempt: number, settlement: Settlement): Promise<RefundRecord>;
  get(id: string): Promise<RefundRecord | undefined>;
  /** Newest first, strictly after `after`. */
  listForWallet(walletId: string, limit: number, after?: HistoryCursor): Promise<RefundRecord[]>;
  /** PENDING and UNKNOWN records due now by the database's clock, the longest due first. */
  findDue(limit: number): Promise<RefundRecord[]>;
  /** How many records are not settled (PENDING or UNKNOWN), counting up to `limit`. */
  countUnsettled(limit: number): Promise<number>;
  /** Releases the keys of records settled more than `retentionMs` ago, so that they may name a new refund; returns how many. */
  releaseKeys(retentionMs: number): Promise<number>;
}
