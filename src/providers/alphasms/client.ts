// Responsible for reading the balances of linked AlphaSMS accounts over its JSON API, batching every account of one API key into one call.
import type { AccountLink } from "../../accounts/account-links.js";
import { ScaledDecimal } from "../../money/decimal.js";
import { FailureCode, ProviderError, type ProviderFailure } from "../failure.js";
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import { parseLosslessJson } from "../json-body.js";
import { shapedQuickly } from "../kit/answer-shape.js";
import { BatchProviderClient } from "../kit/batch-client.js";
import { failuresByCause, type PartError } from "../kit/failure-groups.js";
import { gatherParts } from "../kit/shared-reads.js";
import type { AccountBalance, AccountDirectory, BalanceQuery, BalanceResult } from "../provider.js";
import {
  ALPHASMS_PATH,
  AUTH_FAILURE_HTTP_STATUSES,
  ERROR_TEXT_MAX_LENGTH,
  ONE_ITEM_PER_ACCOUNT,
  REQUIRED_CONTENT_TYPE,
  UNCONFIGURED_ACCOUNT_FAILURE,
  WHOLE_CALL_FAILS_ON_BAD_ITEM,
  isAuthErrorText,
} from "./codes.js";
import type { AlphaSmsProviderConfig } from "./config.js";
import {
  balanceItemAnswer,
  balanceRequestBody,
  jsonApiAnswer,
  quickBalanceItem,
  quickJsonApiAnswer,
  type BalanceItemAnswer,
} from "./wire.js";
import { settle, type Settled } from "../settled.js";

/** What one balance item told about one account. */
interface AccountRead {
  currency: string;
  amount: ScaledDecimal;
}

/** Lives for the process: owns the connection pool to the provider's endpoint. */
export class AlphaSmsClient extends BatchProviderClient {
  /** Accounts are API keys in configuration, linked to wallets in the store by their ref. */
  readonly accounts = "linked";
  /** Account ref -> API key. */
  private readonly apiKeys: ReadonlyMap<string, string>;

  constructor(
    private readonly config: AlphaSmsProviderConfig,
    private readonly directory: AccountDirectory,
    observer?: UpstreamObserver,
  ) {
    super(config, "alphasms", false, observer);
    this.apiKeys = new Map(config.accounts.map((account) => [account.ref, account.apiKey]));
  }

  protected async load(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    if (queries.length === 0) return [];
    const links = await this.directory.forWallets(this.info.id, [...new Set(queries.map((query) => query.walletId))]);
    const accountsOf = (query: BalanceQuery): AccountLink[] => uniqueByRef(links.get(query.walletId) ?? []);

    const refs = [...new Set(queries.flatMap((query) => accountsOf(query).map((link) => link.accountRef)))];
    const reads = this.readAccounts(refs);

    return Promise.all(
      queries.map(async (query) => {
        const plan = accountsOf(query).map((link) => ({ part: link.accountRef, read: reads.get(link.accountRef)! }));
        const { values, errors } = await gatherParts(plan);
        const balances = values
          // The account's currency is only known from its answer: a query for another currency finds nothing here.
          .filter(({ value }) => query.currency === null || value.currency === query.currency)
          .map(({ part, value }) => this.balance(part, value));
        return { balances, failures: this.failuresOf(query, errors) };
      }),
    );
  }

  /**
   * One item per account; the accounts of one API key travel together, `maxItemsPerCall` at a
   * time, and every call of the batch is made at once.
   */
  private readAccounts(refs: readonly string[]): Map<string, Promise<Settled<AccountRead>>> {
    const reads = new Map<string, Promise<Settled<AccountRead>>>();
    const byKey = new Map<string, string[]>();
    for (const ref of refs) {
      const apiKey = this.apiKeys.get(ref);
      if (apiKey === undefined) {
        reads.set(
          ref,
          Promise.resolve({
            ok: false,
            error: new ProviderError(
              UNCONFIGURED_ACCOUNT_FAILURE,
              "the linked account is not configured at this provider (no API key for it)",
              { requestSent: false },
            ),
          }),
        );
        continue;
      }
      const group = byKey.get(apiKey);
      if (group) group.push(ref);
      else byKey.set(apiKey, [ref]);
    }

    // ONE_ITEM_PER_ACCOUNT: each account has its own item, hence its own position; else the key's one item answers them all.
    const accountsPerCall = ONE_ITEM_PER_ACCOUNT ? this.config.maxItemsPerCall : Number.POSITIVE_INFINITY;
    for (const [apiKey, group] of byKey) {
      for (let start = 0; start < group.length; start += accountsPerCall) {
        const chunk = group.slice(start, start + accountsPerCall);
        const call = settle(this.readBalances(apiKey, ONE_ITEM_PER_ACCOUNT ? chunk.length : 1));
        chunk.forEach((ref, index) => {
          const position = ONE_ITEM_PER_ACCOUNT ? index : 0;
          reads.set(
            ref,
            call.then((settled): Settled<AccountRead> => (settled.ok ? settled.value[position]! : settled)),
          );
        });
      }
    }
    return reads;
  }

  /**
   * One POST with `count` balance items; answers the results by position. An envelope error or an
   * answer that cannot be matched to what was sent throws: it is every item's failure.
   */
  private async readBalances(apiKey: string, count: number): Promise<Settled<AccountRead>[]> {
    const answer = await this.http.send(
      {
        method: "POST",
        path: ALPHASMS_PATH,
        headers: { "content-type": REQUIRED_CONTENT_TYPE },
        body: balanceRequestBody(apiKey, count),
        credential: apiKey,
      },
      // Judged inside the call, so that the resilience policy sees an HTTP 5xx as the UPSTREAM_ERROR it is.
      (answer) => {
        if (answer.status >= 500) throw new ProviderError(FailureCode.UPSTREAM_ERROR, `the provider answered HTTP ${answer.status}`);
        return answer;
      },
    );
    if (AUTH_FAILURE_HTTP_STATUSES.has(answer.status)) {
      throw new ProviderError(FailureCode.AUTH_FAILED, `the provider refused our API key (HTTP ${answer.status})`);
    }
    if (answer.status !== 200) {
      throw new ProviderError(FailureCode.BAD_RESPONSE, `the provider answered HTTP ${answer.status}`);
    }

    // `amount` is a JSON number: it must never pass through a binary float, so no JSON.parse here.
    const envelope = shapedQuickly(jsonApiAnswer, quickJsonApiAnswer, parseLosslessJson(answer.body));
    if (!envelope.success) {
      const error = errorText(envelope.error);
      if (isAuthErrorText(envelope.error)) {
        throw new ProviderError(FailureCode.AUTH_FAILED, `the provider refused our API key: ${error}`, { providerCode: error });
      }
      throw new ProviderError(FailureCode.REJECTED, `the provider refused the request: ${error}`, { providerCode: error });
    }
    if (WHOLE_CALL_FAILS_ON_BAD_ITEM) {
      // Results are matched by position only: a count that differs, or one stray result, means no position can be trusted.
      if (envelope.data.length !== count) {
        throw new ProviderError(
          FailureCode.BAD_RESPONSE,
          `the answer holds ${envelope.data.length} results for the ${count} requests sent`,
        );
      }
      const items: BalanceItemAnswer[] = envelope.data.map((item, index) =>
        shapedQuickly(balanceItemAnswer, quickBalanceItem, item, { at: ["data", index] }),
      );
      return items.map(readOf);
    }
    // Each position stands alone: a missing or stray result fails only the account at that position.
    return Array.from({ length: count }, (_, index): Settled<AccountRead> => {
      if (index >= envelope.data.length) {
        return {
          ok: false,
          error: new ProviderError(FailureCode.BAD_RESPONSE, `the answer holds no result for request ${index + 1} of ${count}`),
        };
      }
      try {
        return readOf(shapedQuickly(balanceItemAnswer, quickBalanceItem, envelope.data[index], { at: ["data", index] }));
      } catch (error) {
        return { ok: false, error };
      }
    });
  }

  private balance(account: string, read: AccountRead): AccountBalance {
    return {
      providerId: this.info.id,
      account,
      currency: read.currency,
      amount: read.amount,
      available: read.amount,
      // This API has no notion of a hold.
      locked: ScaledDecimal.zero(read.amount.scale),
    };
  }

  /**
   * A query's accounts that could not be read, one failure per cause, naming its accounts: a query
   * with several linked accounts may lose some of them and keep the others' balances.
   */
  private failuresOf(query: BalanceQuery, errors: readonly PartError[]): ProviderFailure[] {
    const named = (accounts: readonly string[]) => `${accounts.length === 1 ? "account" : "accounts"} ${accounts.join(", ")}`;
    return failuresByCause(this.info.id, query.currency, errors, named);
  }
}

/** One balance item's result: its account's currency and amount, or the provider's refusal of that item. */
function readOf(item: BalanceItemAnswer): Settled<AccountRead> {
  if (item.success) return { ok: true, value: { currency: item.currency, amount: item.amount } };
  const error = errorText(item.error);
  return {
    ok: false,
    error: new ProviderError(FailureCode.REJECTED, `the provider refused the balance request: ${error}`, { providerCode: error }),
  };
}

function errorText(error: string): string {
  return error.length > ERROR_TEXT_MAX_LENGTH ? `${error.slice(0, ERROR_TEXT_MAX_LENGTH)}…` : error;
}

/** Links of one wallet, one per account: a duplicate would show its balance twice. */
function uniqueByRef(links: readonly AccountLink[]): AccountLink[] {
  const seen = new Set<string>();
  return links.filter((link) => {
    if (seen.has(link.accountRef)) return false;
    seen.add(link.accountRef);
    return true;
  });
}
