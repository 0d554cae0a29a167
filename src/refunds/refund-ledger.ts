// Responsible for the contract of the refund ledger: one record per idempotency key, claimed before the provider is called.
import type { RefundRecord, RefundStatus, RefundErrorCode } from "./refund.js";
import type { ScaledDecimal } from "../money/decimal.js";

export type ClaimResult =
  /** The key was free: this record is new, PENDING, and the caller must call the provider. */
  | { claimed: true; refund: RefundRecord }
  /** The key is taken: here is its record as it stands. */
  | { claimed: false; refund: RefundRecord };

export interface Settlement {
  status: RefundStatus.SUCCEEDED | RefundStatus.FAILED | RefundStatus.UNKNOWN;
  balanceAfter?: ScaledDecimal;
  failureCode?: RefundErrorCode;
  failureMessage?: string;
}

export interface RefundLedger {
  /** Atomically writes `candidate` as PENDING unless its idempotency key already has a record. */
  claim(candidate: RefundRecord): Promise<ClaimResult>;
  /**
   * Atomically turns an unsettled-outcome record (UNKNOWN, or FAILED because the provider could
   * not be reached) back to PENDING for another attempt; false when another attempt got there first.
   */
  reopen(id: string, from: RefundStatus): Promise<boolean>;
  settle(id: string, settlement: Settlement): Promise<RefundRecord>;
  get(id: string): Promise<RefundRecord | undefined>;
}
