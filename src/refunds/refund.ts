// Responsible for what a refund is: its record, its statuses, and the stable codes its user errors carry.
import type { ScaledDecimal } from "../money/decimal.js";

export enum RefundStatus {
  /** Written before the provider is called; not settled yet. */
  PENDING = "PENDING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  /** May have been applied: no answer naming our uuid yet. The reconciler asks again until one settles it. */
  UNKNOWN = "UNKNOWN",
}

/** Stable codes of `RefundPayload.userErrors`; clients switch on them. */
export enum RefundErrorCode {
  /** The caller lacks the refund scope; nothing was written or sent. */
  FORBIDDEN = "FORBIDDEN",
  INVALID_WALLET_ID = "INVALID_WALLET_ID",
  INVALID_CURRENCY = "INVALID_CURRENCY",
  INVALID_AMOUNT = "INVALID_AMOUNT",
  INVALID_IDEMPOTENCY_KEY = "INVALID_IDEMPOTENCY_KEY",
  PROVIDER_NOT_FOUND = "PROVIDER_NOT_FOUND",
  PROVIDER_CANNOT_REFUND = "PROVIDER_CANNOT_REFUND",
  WALLET_NOT_FOUND = "WALLET_NOT_FOUND",
  INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS",
  PROVIDER_REJECTED = "PROVIDER_REJECTED",
  PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE",
  OUTCOME_UNKNOWN = "OUTCOME_UNKNOWN",
  IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED",
  REFUND_IN_PROGRESS = "REFUND_IN_PROGRESS",
}

export interface RefundParameters {
  walletId: string;
  providerId: string;
  currency: string;
  amount: ScaledDecimal;
  idempotencyKey: string;
}

export interface RefundRecord extends RefundParameters {
  id: string;
  /** Hash of the parameters: a key may only ever be used for one refund. */
  parametersHash: string;
  status: RefundStatus;
  /** The account's balance after the refund, as the provider reported it. */
  balanceAfter: ScaledDecimal | null;
  failureCode: RefundErrorCode | null;
  failureMessage: string | null;
  /** Which claim of this record is current: the first call, a retry, or a reconciliation each take a new one. */
  attempt: number;
  /** An attempt may have reached the provider: the record can no longer become "nothing was taken". */
  everSent: boolean;
  /** Unsettled only: when the reconciler may take it (the current claim's lease ends, or the next retry is due). */
  dueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  settledAt: Date | null;
}

export interface RefundUserError {
  code: RefundErrorCode;
  /** Path to the input field at fault, such as ["input", "amount"]; null when no one field is. */
  field: string[] | null;
  message: string;
}
