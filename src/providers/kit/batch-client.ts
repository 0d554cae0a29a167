// Responsible for what every provider client shares around its protocol: its info, its HTTP pool under the resilience policy, a batch that never rejects, status and close.
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import type { ResilienceConfig } from "../../config/provider-common.js";
import { toProviderFailure } from "../failure.js";
import { ProviderHttp, providerHttpOptions } from "../http.js";
import type { BalanceQuery, BalanceResult, ProviderInfo, WalletProvider } from "../provider.js";
import type { ProviderStatus } from "../resilience.js";

/** What the shared part reads of a protocol's configuration. */
export type BatchClientConfig = ResilienceConfig & { name: string; baseUrl: string };

/** Lives for the process: owns the connection pool to the provider's endpoint. */
export abstract class BatchProviderClient implements WalletProvider {
  readonly info: ProviderInfo;
  abstract readonly accounts: WalletProvider["accounts"];
  protected readonly http: ProviderHttp;

  constructor(config: BatchClientConfig, protocol: string, canRefund: boolean, observer: UpstreamObserver | undefined) {
    this.info = { id: config.id, name: config.name, protocol, canRefund };
    this.http = new ProviderHttp(providerHttpOptions(config, observer));
  }

  /** One DataLoader batch, answered in its order: the protocol's `load`, whose failures become every query's. */
  async loadBalances(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    try {
      return await this.load(queries);
    } catch (error) {
      // Only a bug or a failing store lands here; the contract is that a batch never rejects, so every query carries it.
      return queries.map((query) => ({ balances: [], failures: [toProviderFailure(this.info.id, query.currency, error)] }));
    }
  }

  get status(): ProviderStatus {
    return this.http.status;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  protected abstract load(queries: readonly BalanceQuery[]): Promise<BalanceResult[]>;
}
