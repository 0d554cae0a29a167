// Responsible for reading the balances of wallets' linked Nami Exchange accounts over HTTP: one signed call per (account, wallet type), however many currencies or wallets ask.
import type { AccountLink } from "../../accounts/account-links.js";
import { FailureCode, ProviderError, type ProviderFailure } from "../failure.js";
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import { parseLosslessJson } from "../json-body.js";
import { shaped, shapedQuickly } from "../kit/answer-shape.js";
import { BatchProviderClient } from "../kit/batch-client.js";
import { failuresByCause, type PartError } from "../kit/failure-groups.js";
import { SharedReads, gatherParts, type PartRead } from "../kit/shared-reads.js";
import type { AccountBalance, AccountDirectory, BalanceQuery, BalanceResult } from "../provider.js";
import {
  API_KEY_HEADER,
  AUTH_FAILURE_HTTP_STATUSES,
  BROKER_ERROR_STATUS,
  NAMI_BALANCE_PATH,
  RATE_LIMITED_HTTP_STATUS,
  UNCONFIGURED_ACCOUNT_FAILURE,
  WALLET_TYPE_CODES,
  availableOf,
  type NamiWalletType,
} from "./codes.js";
import type { NamiAccountConfig, NamiProviderConfig } from "./config.js";
import { signedQueryString } from "./signature.js";
import {
  balanceOkAnswer,
  brokerErrorAnswer,
  quickBalanceOk,
  unauthorizedAnswer,
  type BalanceOkAnswer,
  type BrokerErrorAnswer,
} from "./wire.js";

/** Lives for the process: owns the connection pool to the exchange. */
export class NamiClient extends BatchProviderClient {
  /** A wallet's Nami accounts are the store's links for it; the API keys stay in configuration. */
  readonly accounts = "linked";
  private readonly credentials: ReadonlyMap<string, NamiAccountConfig>;
  private readonly symbols: ReadonlyMap<string, string>;
  private readonly currencies: ReadonlySet<string>;

  constructor(
    private readonly config: NamiProviderConfig,
    private readonly directory: AccountDirectory,
    observer?: UpstreamObserver,
  ) {
    // The exchange has no refund call: balances only.
    super(config, "nami", false, observer);
    this.credentials = new Map(config.accounts.map((account) => [account.ref, account]));
    this.symbols = new Map(Object.entries(config.assets));
    this.currencies = new Set(this.symbols.values());
  }

  protected async load(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    const links = await this.directory
      .forWallets(this.info.id, [...new Set(queries.map((query) => query.walletId))])
      .catch((error: unknown) => {
        // Not the exchange's fault, but without the links nothing can be asked: the batch fails, saying why.
        throw new ProviderError(FailureCode.BAD_RESPONSE, "the wallets' Nami accounts could not be looked up", {
          cause: error,
          requestSent: false,
        });
      });

    // Shared by every query of the batch: one call per (account, wallet type), whoever asks and for what.
    const reads = new SharedReads<AccountBalance[]>();
    const readFor = (accountRef: string, walletType: NamiWalletType): PartRead<AccountBalance[]> => {
      // `main:futures`: how the account is named in balances and failures.
      const label = `${accountRef}:${walletType}`;
      return { part: label, read: reads.of(label, () => this.readWallet(accountRef, walletType)) };
    };

    const plans = queries.map((query) => {
      // A currency no configured asset id stands for cannot be held here: nothing to ask.
      if (query.currency !== null && !this.currencies.has(query.currency)) return [];
      return uniqueRefs(links.get(query.walletId) ?? []).flatMap((accountRef) =>
        this.config.walletTypes.map((walletType) => readFor(accountRef, walletType)),
      );
    });

    return Promise.all(
      plans.map(async (plan, index) => {
        const query = queries[index]!;
        const { values, errors } = await gatherParts(plan);
        const balances = values.flatMap(({ value }) =>
          value.filter((balance) => query.currency === null || balance.currency === query.currency),
        );
        return { balances, failures: this.failuresOf(query, errors) };
      }),
    );
  }

  /** One signed GET for every asset of one wallet type of one account. */
  private async readWallet(accountRef: string, walletType: NamiWalletType): Promise<AccountBalance[]> {
    const account = this.credentials.get(accountRef);
    if (!account) {
      throw new ProviderError(UNCONFIGURED_ACCOUNT_FAILURE, `no API key is configured for the account "${accountRef}"`, {
        requestSent: false,
      });
    }
    // No `currency` parameter: without it one call answers every asset of the wallet.
    const query = signedQueryString(account.apiSecret, [
      ["type", String(WALLET_TYPE_CODES[walletType])],
      ["timestamp", String(Date.now())],
    ]);
    // Judged inside the call, so that the resilience policy sees an HTTP 5xx or 429 as the UPSTREAM_ERROR it is.
    const ok = await this.http.send(
      {
        method: "GET",
        // The signed text is sent as it is, not rebuilt: any re-encoding would break the signature.
        path: `${NAMI_BALANCE_PATH}?${query}`,
        headers: { [API_KEY_HEADER]: account.apiKey, "content-type": "application/json" },
        credential: account.apiKey,
      },
      (answer) => this.readAnswer(answer.status, answer.body),
    );
    return this.balancesOf(accountRef, walletType, ok);
  }

  /** The documented success, or the ProviderError its answer means. */
  private readAnswer(status: number, body: string): BalanceOkAnswer {
    if (AUTH_FAILURE_HTTP_STATUSES.has(status)) {
      throw new ProviderError(
        FailureCode.AUTH_FAILED,
        `the exchange refused our API key or signature (HTTP ${status}${refusalText(body)})`,
      );
    }
    if (status >= 500) throw new ProviderError(FailureCode.UPSTREAM_ERROR, `the exchange answered HTTP ${status}`);
    if (status === RATE_LIMITED_HTTP_STATUS) {
      throw new ProviderError(FailureCode.UPSTREAM_ERROR, `the exchange is rate-limiting our calls (HTTP ${status})`);
    }

    const json = parseLosslessJson(body);
    const envelope = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
    if (envelope.status === BROKER_ERROR_STATUS) {
      const failed = shaped(brokerErrorAnswer, json);
      throw new ProviderError(FailureCode.REJECTED, `the exchange refused the request: ${brokerErrorText(failed)}`, {
        providerCode: String(failed.code),
      });
    }
    if (status !== 200) {
      // The page tabs its refusal "400" with `statusCode: 401` in the body: the body says what it is.
      const refusal = unauthorizedAnswer.safeParse(json);
      if (refusal.success && AUTH_FAILURE_HTTP_STATUSES.has(refusal.data.statusCode)) {
        throw new ProviderError(
          FailureCode.AUTH_FAILED,
          `the exchange refused our API key or signature (HTTP ${status}${refusalText(body)})`,
        );
      }
      throw new ProviderError(FailureCode.BAD_RESPONSE, `the exchange answered HTTP ${status}`);
    }
    return shapedQuickly(balanceOkAnswer, quickBalanceOk, json);
  }

  private balancesOf(accountRef: string, walletType: NamiWalletType, answer: BalanceOkAnswer): AccountBalance[] {
    const balances: AccountBalance[] = [];
    for (const [assetId, entry] of Object.entries(answer.data)) {
      // An asset id the map does not name is left out: a symbol is never invented for it.
      const currency = this.symbols.get(assetId);
      if (currency === undefined) continue;
      // The exchange lists every asset it supports, held or not: an empty one is not a balance of this wallet.
      if (entry.value.value.isZero() && entry.locked_value.value.isZero()) continue;
      balances.push({
        providerId: this.info.id,
        account: `${accountRef}:${walletType}`,
        currency,
        amount: entry.value,
        available: availableOf(entry.value, entry.locked_value),
        locked: entry.locked_value,
      });
    }
    return balances;
  }

  /**
   * A query may have several failures: one per cause, naming the accounts (`main:futures`) that
   * failed with it; the balances of the others are still shown.
   */
  private failuresOf(query: BalanceQuery, errors: readonly PartError[]): ProviderFailure[] {
    return failuresByCause(this.info.id, query.currency, errors);
  }
}

function uniqueRefs(links: readonly AccountLink[]): string[] {
  return [...new Set(links.map((link) => link.accountRef))];
}

function brokerErrorText(answer: BrokerErrorAnswer): string {
  return typeof answer.message === "string" && answer.message !== "" ? `${answer.message} (code ${answer.code})` : `code ${answer.code}`;
}

/** The refusal's own message, when it gave one, for the people reading the failure. */
function refusalText(body: string): string {
  try {
    const parsed = unauthorizedAnswer.safeParse(parseLosslessJson(body));
    const message = parsed.success ? parsed.data.message : undefined;
    return typeof message === "string" && message !== "" ? `: ${message.slice(0, 200)}` : "";
  } catch {
    return "";
  }
}
