// Responsible for the one rule that turns an attempt's outcome into the ledger's settlement: only an answer naming our request settles.
import type { RefundOutcome } from "../providers/provider.js";
import type { Settlement } from "./refund-ledger.js";
import { RefundErrorCode, RefundStatus, type RefundRecord } from "./refund.js";

/** What one attempt came to: the provider client's outcome, or a throw from it (which proves nothing). */
export type AttemptOutcome = RefundOutcome | { status: "CRASHED"; error: unknown };

export interface RetryBackoff {
  /** The delay before the first retry of an unsettled refund. */
  firstMs: number;
  /** The longest delay between retries. */
  maxMs: number;
}

/**
 * - SUCCEEDED (an OK answer that names our uuid, currency and amount) settles as SUCCEEDED.
 * - A refusal that names our uuid settles as FAILED with its reason: the provider says it did not apply ours.
 * - A refusal without our uuid, a lost or unreadable answer, refused credentials after sending, a throw: UNKNOWN.
 * - An attempt that was not sent (connection refused, open circuit, refused before sending) proves nothing
 *   about an earlier attempt: FAILED "nothing was taken" only if no attempt of this refund was ever sent,
 *   UNKNOWN otherwise.
 * UNKNOWN is asked about again after a delay that doubles with each attempt, up to `backoff.maxMs`.
 */
export function settlementFor(refund: RefundRecord, outcome: AttemptOutcome, backoff: RetryBackoff): Settlement {
  const unknown = (sent: boolean, message: string): Settlement => ({
    status: RefundStatus.UNKNOWN,
    failureCode: RefundErrorCode.OUTCOME_UNKNOWN,
    failureMessage: `${message}; the provider is asked again with the same uuid until it answers about this refund`,
    sent,
    retryAfterMs: retryDelayMs(refund.attempt, backoff),
  });

  switch (outcome.status) {
    case "SUCCEEDED":
      return { status: RefundStatus.SUCCEEDED, balanceAfter: outcome.balanceAfter, sent: true };
    case "REJECTED": {
      const failed: Settlement = {
        status: RefundStatus.FAILED,
        failureCode: REJECTION_CODES[outcome.reason] ?? RefundErrorCode.PROVIDER_REJECTED,
        failureMessage: outcome.message,
        sent: outcome.evidence === "our-uuid",
      };
      if (outcome.evidence === "our-uuid") return failed;
      if (outcome.evidence === "before-sending" && !refund.everSent) return failed;
      if (outcome.evidence === "before-sending")
        return unknown(false, "this attempt was refused before sending, and an earlier one was sent");
      return unknown(true, `the provider refused without naming our request (${outcome.message})`);
    }
    case "NOT_SENT":
      if (refund.everSent) return unknown(false, `this attempt was not sent (${outcome.failure.message}), and an earlier one was`);
      return {
        status: RefundStatus.FAILED,
        failureCode: RefundErrorCode.PROVIDER_UNAVAILABLE,
        failureMessage: `the provider could not be reached: ${outcome.failure.message}; nothing was taken, retry with the same idempotency key`,
        sent: false,
      };
    case "UNKNOWN":
      return unknown(true, `no answer about this refund (${outcome.failure.message})`);
    case "CRASHED":
      return unknown(true, "the refund's outcome could not be read");
  }
}

/** The first delay doubled per earlier attempt, capped. */
export function retryDelayMs(attempt: number, backoff: RetryBackoff): number {
  const doublings = Math.min(Math.max(attempt - 1, 0), 30);
  return Math.min(backoff.firstMs * 2 ** doublings, backoff.maxMs);
}

const REJECTION_CODES: Partial<Record<string, RefundErrorCode>> = {
  INSUFFICIENT_FUNDS: RefundErrorCode.INSUFFICIENT_FUNDS,
  WALLET_NOT_FOUND: RefundErrorCode.WALLET_NOT_FOUND,
};
