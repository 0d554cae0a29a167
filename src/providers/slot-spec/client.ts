// Responsible for reading balances from, and refunding at, one SLOT_SPEC partner account (Kyren, Lucky Monaco) over HTTP.
import { createHash, randomUUID } from "node:crypto";
import type { z } from "zod";
import { ScaledDecimal } from "../../money/decimal.js";
import { amountProblem } from "../answer-checks.js";
import { parseLosslessJson } from "../json-body.js";
import { FailureCode, ProviderError, toProviderFailure, type ProviderFailure } from "../failure.js";
import type { HttpAnswer } from "../http.js";
import { shaped, shapedQuickly } from "../kit/answer-shape.js";
import { BatchProviderClient } from "../kit/batch-client.js";
import { failuresByCause, type PartError } from "../kit/failure-groups.js";
import { SharedReads, gatherParts, type PartRead } from "../kit/shared-reads.js";
import type { CallKind } from "../resilience.js";
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import type { AccountBalance, BalanceQuery, BalanceResult, RefundOutcome, RefundRejection, RefundRequest } from "../provider.js";
import {
  AUTH_FAILURE_CODES,
  AUTH_FAILURE_HTTP_STATUSES,
  ID_MAX_LENGTH,
  SLOT_SPEC_PATHS,
  SlotSpecFailureCode,
  UUID_FORM,
  isPossibleCurrency,
  isPossibleWalletId,
  type SlotSpecPath,
} from "./codes.js";
import type { SlotSpecProviderConfig } from "./config.js";
import {
  balanceAnswer,
  infoAnswer,
  quickBalanceAnswer,
  quickInfoAnswer,
  refundAnswer,
  type BalanceRequest,
  type FailedAnswer,
  type InfoRequest,
  type RefundAnswer,
  type RefundRequestBody,
} from "./wire.js";

/** Lives for the process: owns the connection pool to its partner's endpoint. */
export class SlotSpecClient extends BatchProviderClient {
  /** SLOT_SPEC partners keep one account per user id: the wallet id is the account. */
  readonly accounts = "per-user";
  /** Present only where the configuration allows refunds, as `WalletProvider` asks. */
  readonly refund?: (request: RefundRequest) => Promise<RefundOutcome>;
  private readonly currencies: ReadonlySet<string>;

  /** `?partner_id=…&token=…`, the same on every request: encoded once. */
  private readonly credentials: string;

  constructor(
    private readonly config: SlotSpecProviderConfig,
    observer?: UpstreamObserver,
  ) {
    super(config, "slot-spec", config.canRefund, observer);
    this.currencies = new Set(config.currencies);
    this.credentials = `?${new URLSearchParams({ partner_id: config.partnerId, token: config.token }).toString()}`;
    if (config.canRefund) this.refund = (request) => this.refundOnce(request);
  }

  protected load(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    return this.config.userInfo ? this.loadByInfo(queries) : this.loadByBalance(queries);
  }

  /** One /user/balance call per distinct (wallet, currency) pair of the whole batch, all at once. */
  private async loadByBalance(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    const reads = new SharedReads<ScaledDecimal | null>();
    const plans = queries.map((query): PartRead<ScaledDecimal | null>[] => {
      if (!isPossibleWalletId(query.walletId)) return [];
      // The partner holds only its configured currencies: asking it about another would be a wasted call.
      const currencies = query.currency === null ? this.config.currencies : this.config.currencies.filter((c) => c === query.currency);
      return [...new Set(currencies)].filter(isPossibleCurrency).map((currency) => ({
        part: currency,
        read: reads.of(JSON.stringify([query.walletId, currency]), () => this.readBalance(query.walletId, currency)),
      }));
    });

    return Promise.all(
      plans.map(async (plan, index) => {
        const query = queries[index]!;
        const { values, errors } = await gatherParts(plan);
        const balances: AccountBalance[] = [];
        for (const { part: currency, value } of values) {
          if (value !== null) balances.push(this.balance(query.walletId, currency, value));
        }
        return { balances, failures: this.failuresOf(query, errors) };
      }),
    );
  }

  /** One /user/info call per distinct wallet of the whole batch; it answers every currency of that wallet. */
  private async loadByInfo(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    const reads = new SharedReads<Record<string, ScaledDecimal> | null>();
    const plans = queries.map((query) => {
      if (!isPossibleWalletId(query.walletId)) return undefined;
      if (query.currency !== null && !isPossibleCurrency(query.currency)) return undefined;
      return reads.of(query.walletId, () => this.readWallet(query.walletId));
    });

    return Promise.all(
      plans.map(async (read, index) => {
        const query = queries[index]!;
        if (!read) return { balances: [], failures: [] };
        const settled = await read;
        if (!settled.ok) {
          return { balances: [], failures: [toProviderFailure(this.info.id, query.currency, settled.error)] };
        }
        const wallet = settled.value ?? {};
        // Only the currencies the partner is configured for (or the one asked) are its balances; the rest is not read as money.
        const wanted = (currency: string) => (query.currency === null ? this.currencies.has(currency) : currency === query.currency);
        const entries = Object.entries(wallet).filter(([currency]) => wanted(currency));
        return { balances: entries.map(([currency, amount]) => this.balance(query.walletId, currency, amount)), failures: [] };
      }),
    );
  }

  private async readBalance(walletId: string, currency: string): Promise<ScaledDecimal | null> {
    const body: BalanceRequest = { id: walletId, currency, uuid: randomUUID() };
    const answer = await this.call(SLOT_SPEC_PATHS.balance, body, balanceAnswer, "read", quickBalanceAnswer);
    if (answer.status === "OK") return answer.balance;
    // "Have no Wallet" is the provider's way of saying this user holds nothing in that currency.
    if (answer.code === SlotSpecFailureCode.HAVE_NO_WALLET) return null;
    throw rejected(answer);
  }

  private async readWallet(walletId: string): Promise<Record<string, ScaledDecimal> | null> {
    const body: InfoRequest = { id: walletId, uuid: randomUUID() };
    const answer = await this.call(SLOT_SPEC_PATHS.info, body, infoAnswer, "read", quickInfoAnswer);
    if (answer.status === "OK") return answer.wallet;
    if (answer.code === SlotSpecFailureCode.HAVE_NO_WALLET) return null;
    throw rejected(answer);
  }

  private async refundOnce(request: RefundRequest): Promise<RefundOutcome> {
    if (!isPossibleWalletId(request.walletId) || !isPossibleCurrency(request.currency)) {
      return {
        status: "REJECTED",
        reason: "WALLET_NOT_FOUND",
        evidence: "before-sending",
        message: `no SLOT_SPEC wallet can exist for this id and currency (ids have 1 to ${ID_MAX_LENGTH} characters, currencies 3 or 4)`,
      };
    }
    if (!request.amount.isPositive()) {
      return { status: "REJECTED", reason: "INVALID_PARAMETER", evidence: "before-sending", message: "a refund amount must be positive" };
    }
    const body: RefundRequestBody = {
      id: request.walletId,
      currency: request.currency,
      amount: request.amount.toString(),
      uuid: requestUuidFor(request.idempotencyKey),
    };

    let answer: RefundAnswer;
    try {
      // Sent once: a lost answer is settled by the ledger's reconciler, never by a blind second request.
      answer = await this.call(SLOT_SPEC_PATHS.refund, body, refundAnswer, request.by === "reconciler" ? "reconcile" : "write");
    } catch (error) {
      return this.unsettled(request, error);
    }

    if (answer.status === "Failed") {
      return {
        status: "REJECTED",
        reason: REJECTIONS[answer.code] ?? "PROVIDER_REFUSED",
        message: reasonText(answer),
        providerCode: String(answer.code),
        // FAILED_ANSWER_MAY_OMIT_UUID: a refusal without our uuid may be anyone's, and proves nothing about ours.
        evidence: answer.uuid !== undefined && sameUuid(answer.uuid, body.uuid) ? "our-uuid" : "none",
      };
    }
    // An OK about another currency or amount is not proof that ours happened.
    if (answer.currency !== request.currency || answer.amount.compare(request.amount) !== 0) {
      return this.unsettled(
        request,
        new ProviderError(FailureCode.BAD_RESPONSE, "the refund answer names another currency or amount than was sent"),
      );
    }
    // The balance after is stored and shown: it passes the same checks as a balance read.
    const problem = amountProblem(answer.balance);
    if (problem !== null) {
      return this.unsettled(request, new ProviderError(FailureCode.BAD_RESPONSE, `the refund answer's balance is ${problem}`));
    }
    return { status: "SUCCEEDED", account: request.walletId, balanceAfter: answer.balance };
  }

  private unsettled(request: RefundRequest, error: unknown): RefundOutcome {
    const failure: ProviderFailure = toProviderFailure(this.info.id, request.currency, error);
    // Only a request that certainly never left proves nothing moved; refused credentials after sending do not.
    const notSent = error instanceof ProviderError && !error.requestSent;
    return notSent ? { status: "NOT_SENT", failure } : { status: "UNKNOWN", failure };
  }

  /** One POST; answers that are not the documented envelope, or not about our request, are ProviderErrors. */
  private async call<T extends { status: "OK"; uuid: string } | FailedAnswer>(
    path: SlotSpecPath,
    body: { uuid: string },
    schema: z.ZodType<T>,
    kind: CallKind = "read",
    /** The schema's reading of the usual answer, written out (see wire.ts); none: the schema reads every answer. */
    quick?: (answer: unknown) => T | undefined,
  ): Promise<T> {
    // Judged inside the call, so that the resilience policy sees an HTTP 5xx as the UPSTREAM_ERROR it is.
    return this.http.send(
      {
        method: "POST",
        path: `${path}${this.credentials}`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        kind,
      },
      (answer) => this.judge(answer, body, schema, quick),
    );
  }

  private judge<T extends { status: "OK"; uuid: string } | FailedAnswer>(
    answer: HttpAnswer,
    body: { uuid: string },
    schema: z.ZodType<T>,
    quick: ((answer: unknown) => T | undefined) | undefined,
  ): T {
    if (AUTH_FAILURE_HTTP_STATUSES.has(answer.status)) {
      throw new ProviderError(FailureCode.AUTH_FAILED, `the provider refused our partner id or token (HTTP ${answer.status})`);
    }
    if (answer.status >= 500) {
      throw new ProviderError(FailureCode.UPSTREAM_ERROR, `the provider answered HTTP ${answer.status}`);
    }
    if (answer.status !== 200) {
      throw new ProviderError(FailureCode.BAD_RESPONSE, `the provider answered HTTP ${answer.status}`);
    }

    // Amounts are JSON strings in this protocol; a JSON number where an amount belongs fails the schema below and
    // is never used as money. Read losslessly all the same: a key written twice (two balances for one currency) is
    // refused rather than decided by whichever came last.
    const json = parseLosslessJson(answer.body);
    const data = quick ? shapedQuickly(schema, quick, json) : shaped(schema, json);
    // A mixed-up answer (another request's, a proxy's cache) must not be read as ours.
    if (data.uuid !== undefined && !sameUuid(data.uuid, body.uuid)) {
      throw new ProviderError(FailureCode.BAD_RESPONSE, "the answer carries another request's uuid");
    }
    if (data.status === "Failed" && AUTH_FAILURE_CODES.has(data.code)) {
      throw new ProviderError(FailureCode.AUTH_FAILED, `the provider refused our partner id or token: ${reasonText(data)}`, {
        providerCode: String(data.code),
      });
    }
    return data;
  }

  private balance(walletId: string, currency: string, amount: ScaledDecimal): AccountBalance {
    return {
      providerId: this.info.id,
      account: walletId,
      currency,
      amount,
      available: amount,
      // This API has no notion of a hold.
      locked: ScaledDecimal.zero(amount.scale),
    };
  }

  /**
   * A query for one currency has at most one failure. A query for every currency may have one per
   * currency: those with the same cause become one failure naming its currencies.
   */
  private failuresOf(query: BalanceQuery, errors: readonly PartError[]): ProviderFailure[] {
    if (query.currency !== null) return errors.map(({ error }) => toProviderFailure(this.info.id, query.currency, error));
    return failuresByCause(this.info.id, null, errors);
  }
}

const REJECTIONS: Readonly<Record<number, RefundRejection>> = {
  [SlotSpecFailureCode.NOT_ENOUGH_BALANCE]: "INSUFFICIENT_FUNDS",
  [SlotSpecFailureCode.HAVE_NO_WALLET]: "WALLET_NOT_FOUND",
  [SlotSpecFailureCode.INVALID_PARAMETER]: "INVALID_PARAMETER",
};

/** UUIDs are the same whatever the case of their hex digits (RFC 9562). */
function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function rejected(answer: FailedAnswer): ProviderError {
  return new ProviderError(FailureCode.REJECTED, `the provider refused the request: ${reasonText(answer)}`, {
    providerCode: String(answer.code),
  });
}

function reasonText(answer: FailedAnswer): string {
  return answer.reason === undefined ? `code ${answer.code}` : `${answer.reason} (code ${answer.code})`;
}

// Fixed namespace for keys that are not uuids; changing it would make old keys new requests.
const IDEMPOTENCY_NAMESPACE = Buffer.from("b7cad7cdbabe482dbdca7432bfd9149b", "hex");

/**
 * The provider takes only a uuid as request id. A key that is one is sent as it is; any other key
 * becomes a name-based uuid (RFC 9562 version 5), so the same key is always the same request: asking
 * again about a refund is safe only because the provider answers a repeated uuid again
 * (REPEATED_REFUND_UUID_ANSWERED_AGAIN in codes.ts).
 */
export function requestUuidFor(idempotencyKey: string): string {
  if (UUID_FORM.test(idempotencyKey)) return idempotencyKey;
  const hash = createHash("sha1").update(IDEMPOTENCY_NAMESPACE).update(idempotencyKey, "utf8").digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
