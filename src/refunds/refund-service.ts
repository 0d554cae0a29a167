// Responsible for taking money back at a provider exactly once per idempotency key, with every outcome a user error, never a throw.
import { createHash, randomUUID } from "node:crypto";
import { scaleOf } from "../money/currency-scale.js";
import type { ScaledDecimal } from "../money/decimal.js";
import type { RefundOutcome } from "../providers/provider.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { isCurrencyCode, isWalletId, MAX_WALLET_ID_LENGTH } from "../wallet/identifiers.js";
import type { RefundLedger, Settlement } from "./refund-ledger.js";
import {
  RefundErrorCode,
  RefundStatus,
  type RefundParameters,
  type RefundRecord,
  type RefundUserError,
} from "./refund.js";

export interface RefundResult {
  refund: RefundRecord | null;
  userErrors: RefundUserError[];
}

/** The largest refund accepted, in integer digits, and the most decimals; beyond them input is refused. */
export const MAX_AMOUNT_INTEGER_DIGITS = 18;
export const MAX_AMOUNT_DECIMALS = 18;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Which input field each provider-side outcome points at.
const FIELD_OF: Partial<Record<RefundErrorCode, string[]>> = {
  [RefundErrorCode.WALLET_NOT_FOUND]: ["input", "walletId"],
  [RefundErrorCode.INSUFFICIENT_FUNDS]: ["input", "amount"],
  [RefundErrorCode.IDEMPOTENCY_KEY_REUSED]: ["input", "idempotencyKey"],
  [RefundErrorCode.REFUND_IN_PROGRESS]: ["input", "idempotencyKey"],
};

export interface RefundServiceOptions {
  /** A PENDING record untouched this long was abandoned (its process died): it may be taken over. */
  staleAfterMs: number;
}

/** Lives for the process. */
export class RefundService {
  constructor(
    private readonly providers: ProviderRegistry,
    readonly ledger: RefundLedger,
    private readonly options: RefundServiceOptions,
  ) {}

  async refund(input: RefundParameters): Promise<RefundResult> {
    const userErrors = this.validate(input);
    if (userErrors.length > 0) return { refund: null, userErrors };

    const parameters = { ...input, idempotencyKey: input.idempotencyKey.toLowerCase() };
    const parametersHash = hashParameters(parameters);
    const now = new Date();
    const claim = await this.ledger.claim({
      ...parameters,
      id: randomUUID(),
      parametersHash,
      status: RefundStatus.PENDING,
      balanceAfter: null,
      failureCode: null,
      failureMessage: null,
      attempt: 1,
      createdAt: now,
      updatedAt: now,
      settledAt: null,
    });
    if (claim.claimed) return answerFor(await this.attempt(claim.refund));

    const existing = claim.refund;
    if (existing.parametersHash !== parametersHash) {
      return failure(
        null,
        RefundErrorCode.IDEMPOTENCY_KEY_REUSED,
        "this idempotency key was already used for a refund with other parameters",
      );
    }
    // A settled answer is given again without asking the provider; an unsettled one is asked again.
    if (!this.mayAttemptAgain(existing)) {
      if (existing.status === RefundStatus.PENDING) {
        return failure(existing, RefundErrorCode.REFUND_IN_PROGRESS, "a refund with this idempotency key is in progress");
      }
      return answerFor(existing);
    }
    const taken = await this.ledger.takeOver(existing.id, existing.status, existing.attempt);
    if (!taken) {
      return failure(existing, RefundErrorCode.REFUND_IN_PROGRESS, "a refund with this idempotency key is in progress");
    }
    return answerFor(await this.attempt(taken));
  }

  /**
   * Asks the provider for a record this caller holds the current attempt of, and settles it.
   * The request carries the refund's idempotency key, so a repeat is applied once by the provider.
   */
  async attempt(refund: RefundRecord): Promise<RefundRecord> {
    const outcome = await this.callProvider(refund);
    return this.ledger.settle(refund.id, refund.attempt, settlementOf(outcome));
  }

  private mayAttemptAgain(refund: RefundRecord): boolean {
    switch (refund.status) {
      case RefundStatus.UNKNOWN:
        return true;
      case RefundStatus.FAILED:
        return refund.failureCode === RefundErrorCode.PROVIDER_UNAVAILABLE;
      case RefundStatus.PENDING:
        return Date.now() - refund.updatedAt.getTime() > this.options.staleAfterMs;
      case RefundStatus.SUCCEEDED:
        return false;
    }
  }

  private async callProvider(refund: RefundParameters): Promise<RefundOutcome | { status: "CRASHED"; error: unknown }> {
    const provider = this.providers.get(refund.providerId);
    try {
      if (!provider?.refund) throw new Error(`provider "${refund.providerId}" cannot refund any more`);
      return await provider.refund({
        walletId: refund.walletId,
        currency: refund.currency,
        amount: refund.amount,
        idempotencyKey: refund.idempotencyKey,
      });
    } catch (error) {
      return { status: "CRASHED", error };
    }
  }

  /** Every reason to refuse the input, before anything is written or sent. */
  private validate(input: RefundParameters): RefundUserError[] {
    const errors: RefundUserError[] = [];
    const refuse = (code: RefundErrorCode, field: string, message: string) =>
      errors.push({ code, field: ["input", field], message });

    if (!isWalletId(input.walletId)) {
      refuse(RefundErrorCode.INVALID_WALLET_ID, "walletId", `a wallet id has 1 to ${MAX_WALLET_ID_LENGTH} printable characters`);
    }
    const provider = this.providers.get(input.providerId);
    if (!provider) {
      refuse(RefundErrorCode.PROVIDER_NOT_FOUND, "providerId", `no provider "${input.providerId.slice(0, 40)}" is configured`);
    } else if (!provider.info.canRefund || !provider.refund) {
      refuse(RefundErrorCode.PROVIDER_CANNOT_REFUND, "providerId", `${provider.info.name} does not allow refunds`);
    }
    if (!isCurrencyCode(input.currency)) {
      refuse(RefundErrorCode.INVALID_CURRENCY, "currency", "a currency code is 3 to 5 uppercase letters or digits, such as USD");
    }
    const amountProblem = problemWithAmount(input.amount, isCurrencyCode(input.currency) ? input.currency : null);
    if (amountProblem) refuse(RefundErrorCode.INVALID_AMOUNT, "amount", amountProblem);
    if (!UUID.test(input.idempotencyKey)) {
      refuse(
        RefundErrorCode.INVALID_IDEMPOTENCY_KEY,
        "idempotencyKey",
        "the idempotency key must be a UUID (it is sent to the provider as the request's uuid)",
      );
    }
    return errors;
  }
}

function problemWithAmount(amount: ScaledDecimal, currency: string | null): string | null {
  if (!amount.isPositive()) return "the amount must be greater than zero";
  // The decimals as written count, trailing zeros too: they are sent to the provider and kept in the ledger.
  const maxDecimals = currency ? Math.min(scaleOf(currency), MAX_AMOUNT_DECIMALS) : MAX_AMOUNT_DECIMALS;
  if (amount.scale > maxDecimals) return `the amount has more than ${maxDecimals} decimals${currency ? ` (${currency}'s scale)` : ""}`;
  if (amount.value.truncated().toFixed().length > MAX_AMOUNT_INTEGER_DIGITS) {
    return `the amount has more than ${MAX_AMOUNT_INTEGER_DIGITS} integer digits`;
  }
  return null;
}

/** The same money written "200" or "200.0" is the same refund. */
function hashParameters(parameters: RefundParameters): string {
  const canonical = JSON.stringify([
    parameters.walletId,
    parameters.providerId,
    parameters.currency,
    parameters.amount.value.toFixed(),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

function settlementOf(outcome: RefundOutcome | { status: "CRASHED"; error: unknown }): Settlement {
  switch (outcome.status) {
    case "SUCCEEDED":
      return { status: RefundStatus.SUCCEEDED, balanceAfter: outcome.balanceAfter };
    case "REJECTED":
      return {
        status: RefundStatus.FAILED,
        failureCode:
          outcome.reason === "INSUFFICIENT_FUNDS"
            ? RefundErrorCode.INSUFFICIENT_FUNDS
            : outcome.reason === "WALLET_NOT_FOUND"
              ? RefundErrorCode.WALLET_NOT_FOUND
              : RefundErrorCode.PROVIDER_REJECTED,
        failureMessage: outcome.message,
      };
    case "NOT_SENT":
      return {
        status: RefundStatus.FAILED,
        failureCode: RefundErrorCode.PROVIDER_UNAVAILABLE,
        failureMessage: `the provider could not be reached: ${outcome.failure.message}; nothing was taken, retry with the same idempotency key`,
      };
    case "UNKNOWN":
      return {
        status: RefundStatus.UNKNOWN,
        failureCode: RefundErrorCode.OUTCOME_UNKNOWN,
        failureMessage: `the provider's answer was lost (${outcome.failure.message}); retry with the same idempotency key to learn the outcome`,
      };
    case "CRASHED":
      return {
        status: RefundStatus.UNKNOWN,
        failureCode: RefundErrorCode.OUTCOME_UNKNOWN,
        failureMessage: "the refund's outcome could not be read; retry with the same idempotency key to learn it",
      };
  }
}

function answerFor(refund: RefundRecord): RefundResult {
  if (refund.status === RefundStatus.SUCCEEDED) return { refund, userErrors: [] };
  return failure(refund, refund.failureCode ?? RefundErrorCode.OUTCOME_UNKNOWN, refund.failureMessage ?? "the refund did not succeed");
}

function failure(refund: RefundRecord | null, code: RefundErrorCode, message: string): RefundResult {
  return { refund, userErrors: [{ code, field: FIELD_OF[code] ?? null, message }] };
}
