// Responsible for refunds as callers see them: taking money back at a provider exactly once per idempotency key (every outcome a user error, never a throw), and the ledger read for a caller allowed to.
import { createHash, randomUUID } from "node:crypto";
import { scaleOf } from "../money/currency-scale.js";
import type { ScaledDecimal } from "../money/decimal.js";
import { FailureCode, ProviderError, toProviderFailure } from "../providers/failure.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { ReadableWallet, WalletAccess } from "../auth/wallet-access.js";
import { isCurrencyCode, isWalletId, MAX_WALLET_ID_LENGTH } from "../wallet/identifiers.js";
import type { HistoryCursor, RefundLedger } from "./refund-ledger.js";
import { settlementFor, type AttemptOutcome, type RetryBackoff } from "./settlement-rule.js";
import { RefundErrorCode, RefundStatus, type RefundParameters, type RefundRecord, type RefundUserError } from "./refund.js";

export interface RefundResult {
  refund: RefundRecord | null;
  userErrors: RefundUserError[];
}

/** A page of a wallet's history, newest first. */
export interface RefundPage {
  refunds: RefundRecord[];
  hasNextPage: boolean;
}

/** The ledger's ids are UUIDs: anything longer than this is not looked up. */
const MAX_REFUND_ID_LENGTH = 64;

/** The largest refund accepted, in integer digits, and the most decimals; beyond them input is refused. */
const MAX_AMOUNT_INTEGER_DIGITS = 18;
const MAX_AMOUNT_DECIMALS = 18;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Which input field each provider-side outcome points at.
const FIELD_OF: Partial<Record<RefundErrorCode, string[]>> = {
  [RefundErrorCode.WALLET_NOT_FOUND]: ["input", "walletId"],
  [RefundErrorCode.INSUFFICIENT_FUNDS]: ["input", "amount"],
  [RefundErrorCode.IDEMPOTENCY_KEY_REUSED]: ["input", "idempotencyKey"],
  [RefundErrorCode.REFUND_IN_PROGRESS]: ["input", "idempotencyKey"],
};

export interface RefundServiceOptions {
  /** How long a claim holds a record (WALLET_RECONCILE_AFTER_MS): after it, another attempt may take it over. */
  leaseMs: number;
  /** The longest a provider call can take (the slowest refund provider's timeout). */
  callMs: number;
  /** When unsettled refunds are asked about again. */
  backoff: RetryBackoff;
}

/**
 * The least a claim's lease must exceed the provider call by: the configuration demands it. Half is the time a claim
 * may take to start its call (the write's round trip, a busy event loop); past it the call is not made. The other half
 * is for the end of a timed-out call to reach the provider (its connection closed) before the lease runs out.
 */
export const TAKEOVER_MARGIN_MS = 1_000;

/** Lives for the process. */
export class RefundService {
  constructor(
    private readonly providers: ProviderRegistry,
    private readonly ledger: RefundLedger,
    private readonly options: RefundServiceOptions,
  ) {}

  /** Null when there is no such refund; a caller who may not read its wallet gets that wallet's FORBIDDEN error. */
  async get(access: WalletAccess, id: string): Promise<RefundRecord | null> {
    if (id.length > MAX_REFUND_ID_LENGTH) return null;
    const record = await this.ledger.get(id);
    if (!record) return null;
    access.reader(record.walletId);
    return record;
  }

  async history(wallet: ReadableWallet, first: number, after?: HistoryCursor): Promise<RefundPage> {
    // One more than asked tells whether another page follows.
    const records = await this.ledger.listForWallet(wallet.id, first + 1, after);
    return { refunds: records.slice(0, first), hasNextPage: records.length > first };
  }

  async refund(access: WalletAccess, input: RefundParameters): Promise<RefundResult> {
    if (!access.mayRefund) return failure(null, RefundErrorCode.FORBIDDEN, "refunds need the refund scope");
    const userErrors = this.validate(input);
    if (userErrors.length > 0) return { refund: null, userErrors };

    const parameters = { ...input, idempotencyKey: input.idempotencyKey.toLowerCase() };
    const parametersHash = hashParameters(parameters);
    const now = new Date();
    // Measured before the claim is written: the lease starts no earlier on the database's clock.
    const leaseStarted = performance.now();
    const claim = await this.ledger.claim({
      ...parameters,
      id: randomUUID(),
      parametersHash,
      status: RefundStatus.PENDING,
      balanceAfter: null,
      failureCode: null,
      failureMessage: null,
      attempt: 1,
      everSent: false,
      dueAt: null,
      createdAt: now,
      updatedAt: now,
      settledAt: null,
    });
    if (claim.claimed) return answerFor(await this.attempt(claim.refund, leaseStarted));

    const existing = claim.refund;
    if (existing.parametersHash !== parametersHash) {
      return failure(
        null,
        RefundErrorCode.IDEMPOTENCY_KEY_REUSED,
        "this idempotency key was already used for a refund with other parameters",
      );
    }
    // A settled answer is given again without asking the provider; an unsettled one is asked again.
    if (!mayAttemptAgain(existing)) return answerFor(existing);
    const takeOverStarted = performance.now();
    // A PENDING record is taken only once its lease has ended, judged by the database.
    const taken = await this.ledger.takeOver(existing, { onlyWhenDue: false });
    if (!taken) {
      return failure(existing, RefundErrorCode.REFUND_IN_PROGRESS, "a refund with this idempotency key is in progress");
    }
    return answerFor(await this.attempt(taken, takeOverStarted));
  }

  /**
   * Asks the provider for a record this caller holds the current attempt of (claimed or taken over at
   * `leaseStarted`, a performance.now() read before that write), and settles it. The request carries the refund's
   * idempotency key, so a repeat is applied once by the provider.
   */
  async attempt(refund: RefundRecord, leaseStarted: number, by: "caller" | "reconciler" = "caller"): Promise<RefundRecord> {
    const outcome = await this.callProvider(refund, leaseStarted, by);
    return this.ledger.settle(refund.id, refund.attempt, settlementFor(refund, outcome, this.options.backoff));
  }

  private async callProvider(refund: RefundRecord, leaseStarted: number, by: "caller" | "reconciler"): Promise<AttemptOutcome> {
    // The call must end (its timeout included) before the lease does, with the margin's second half to spare.
    const sendBy = leaseStarted + this.options.leaseMs - this.options.callMs - TAKEOVER_MARGIN_MS / 2;
    if (performance.now() > sendBy) {
      const failure = new ProviderError(FailureCode.TIMEOUT, "the claim was too old to send safely", { requestSent: false });
      return { status: "NOT_SENT", failure: toProviderFailure(refund.providerId, refund.currency, failure) };
    }
    const provider = this.providers.get(refund.providerId);
    try {
      if (!provider?.refund) throw new Error(`provider "${refund.providerId}" cannot refund any more`);
      return await provider.refund({
        walletId: refund.walletId,
        currency: refund.currency,
        amount: refund.amount,
        idempotencyKey: refund.idempotencyKey,
        by,
      });
    } catch (error) {
      return { status: "CRASHED", error };
    }
  }

  /** Every reason to refuse the input, before anything is written or sent. */
  private validate(input: RefundParameters): RefundUserError[] {
    const errors: RefundUserError[] = [];
    const refuse = (code: RefundErrorCode, field: string, message: string) => errors.push({ code, field: ["input", field], message });

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
  const canonical = JSON.stringify([parameters.walletId, parameters.providerId, parameters.currency, parameters.amount.value.toFixed()]);
  return createHash("sha256").update(canonical).digest("hex");
}

function mayAttemptAgain(refund: RefundRecord): boolean {
  switch (refund.status) {
    case RefundStatus.PENDING:
    case RefundStatus.UNKNOWN:
      return true;
    case RefundStatus.FAILED:
      // Only "nothing was taken" may be tried again; any other refusal named our request.
      return refund.failureCode === RefundErrorCode.PROVIDER_UNAVAILABLE;
    case RefundStatus.SUCCEEDED:
      return false;
  }
}

function answerFor(refund: RefundRecord): RefundResult {
  if (refund.status === RefundStatus.SUCCEEDED) return { refund, userErrors: [] };
  return failure(refund, refund.failureCode ?? RefundErrorCode.OUTCOME_UNKNOWN, refund.failureMessage ?? "the refund did not succeed");
}

function failure(refund: RefundRecord | null, code: RefundErrorCode, message: string): RefundResult {
  return { refund, userErrors: [{ code, field: FIELD_OF[code] ?? null, message }] };
}
