// Responsible for making many replicas behave as one toward each provider: the shared (or local) rate limits, coalescing and the balance cache, put around each provider client.
import type { Registry } from "prom-client";
import { createLogger, type Logger } from "../observability/logger.js";
import type { WalletProvider } from "../providers/provider.js";
import { withBalanceCache } from "./balance-cache.js";
import { LocalBalanceStore, RedisBalanceStore, type BalanceStore } from "./balance-store.js";
import type { RateLimitConfig, RedisSettings } from "./config.js";
import { ProviderAdmission, type Admission } from "./provider-admission.js";
import { RedisLink } from "./redis-link.js";
import { ScaleOutMetrics } from "./scale-out-metrics.js";
import { FallbackWindowLog, type WindowLog } from "./sliding-window.js";

export interface ScaleOutOptions {
  /** The shared Redis; without it each process limits and caches on its own. */
  redis?: RedisSettings | undefined;
  /** Where the scale-out metrics are registered; none: not exported. */
  registry?: Registry;
  logger?: Logger;
}

/** The scale-out fields of one provider's configuration. */
export interface ScaledProviderConfig {
  id: string;
  timeoutMs: number;
  rateLimit?: RateLimitConfig | undefined;
  balanceMaxAgeMs?: number | undefined;
}

/** Lives for the process: one Redis connection (if any) for every provider. */
export class ScaleOut {
  readonly metrics: ScaleOutMetrics;
  readonly redis: RedisLink | undefined;
  private readonly windows: WindowLog;
  private readonly store: BalanceStore;

  constructor(options: ScaleOutOptions = {}) {
    this.metrics = new ScaleOutMetrics(options.registry);
    const logger = options.logger ?? createLogger({ level: "silent" });
    this.redis = options.redis ? new RedisLink(options.redis, logger, this.metrics) : undefined;
    this.windows = new FallbackWindowLog(this.redis);
    this.store = this.redis ? new RedisBalanceStore(this.redis) : new LocalBalanceStore();
  }

  /**
   * The configuration with the provider's admission attached: the client hands its configuration to
   * `providerHttpOptions`, which passes the admission on to the provider's resilience policy.
   */
  admitted<T extends ScaledProviderConfig>(config: T): T & { admission: Admission } {
    return { ...config, admission: new ProviderAdmission(config.id, config.rateLimit, this.windows, this.metrics) };
  }

  /** The client with coalescing and its balance cache in front. */
  wrap(provider: WalletProvider, config: ScaledProviderConfig): WalletProvider {
    return withBalanceCache(provider, {
      maxAgeMs: config.balanceMaxAgeMs ?? 0,
      callMs: config.timeoutMs,
      store: this.store,
      metrics: this.metrics,
    });
  }

  /** Resolves once Redis is connected, or once it has had its connect timeout: a replica never waits longer for it. */
  async ready(): Promise<void> {
    await this.redis?.firstConnection;
  }

  declareProviders(providerIds: readonly string[]): void {
    this.metrics.declareProviders(providerIds);
  }

  async close(): Promise<void> {
    await this.redis?.close();
  }
}
