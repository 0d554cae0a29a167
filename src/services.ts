// Responsible for the objects that live for the whole process: provider clients, the store, the refund ledger and its reconciler.
import { AccountLinkService } from "./accounts/account-link-service.js";
import { AccountLinkStore } from "./accounts/account-links.js";
import { AccessPolicy, DEFAULT_SCOPES, type ScopeNames } from "./auth/caller.js";
import { ConfigError } from "./config/config-error.js";
import type { ProviderConfig } from "./config/providers-file.js";
import { supergraphSettings, type SupergraphSettings } from "./graphql/supergraph/supergraph-settings.js";
import type { Services } from "./context.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { WalletMetrics } from "./observability/metrics.js";
import { withUpstreamSpans } from "./observability/tracing.js";
import { buildProviderRegistry } from "./providers/build-providers.js";
import { RefundReconciler } from "./refunds/reconciler.js";
import { RefundService, TAKEOVER_MARGIN_MS } from "./refunds/refund-service.js";
import type { RefundLedger } from "./refunds/refund-ledger.js";
import { SqlRefundLedger } from "./refunds/sql-ledger.js";
import type { RedisSettings } from "./scale-out/config.js";
import { ScaleOut } from "./scale-out/scale-out.js";
import { openStore, type Store } from "./store/open-store.js";

export interface LedgerSettings {
  /** A claim's lease, and the first retry delay of an UNKNOWN refund. */
  reconcileAfterMs: number;
  reconcileIntervalMs: number;
  /** How long a settled refund's idempotency key stays live; the refund is kept for ever. */
  retentionMs: number;
  /** The longest delay between two retries of one UNKNOWN refund. */
  maxRetryDelayMs?: number;
}

const DEFAULT_LEDGER_SETTINGS: LedgerSettings = {
  reconcileAfterMs: 60_000,
  reconcileIntervalMs: 30_000,
  retentionMs: 24 * 60 * 60 * 1000,
  maxRetryDelayMs: 900_000,
};

export interface ProcessServices extends Services {
  store: Store;
  /** The refund service's ledger, for the reconciler and for audits; requests read it through the service. */
  ledger: RefundLedger;
  reconciler: RefundReconciler;
  /** This process's Prometheus registry and the hooks that feed it. */
  metrics: WalletMetrics;
  /** What the schema tells the router: scope names, provider calls per wallet, list lengths. */
  supergraph: SupergraphSettings;
  close(): Promise<void>;
}

export interface ServicesOptions {
  providers: readonly ProviderConfig[];
  /** sqlite:<file> or postgres://...: where refunds and account links are kept. */
  storeUrl: string;
  /** Default DEFAULT_LEDGER_SETTINGS. */
  ledger?: LedgerSettings;
  /** The token scopes that grant reading every wallet, refunding and linking; default DEFAULT_SCOPES. */
  scopes?: ScopeNames;
  /** Default: silent. */
  logger?: Logger;
  /** Shared rate limits and balance cache; without it each process keeps its own. */
  redis?: RedisSettings | undefined;
}

/** Opens the store (migrating it), builds the clients, and starts the reconciler, which looks once at start. */
export async function createServices(options: ServicesOptions): Promise<ProcessServices> {
  const {
    providers,
    storeUrl,
    ledger: settings = DEFAULT_LEDGER_SETTINGS,
    scopes = DEFAULT_SCOPES,
    logger = createLogger({ level: "silent" }),
    redis,
  } = options;
  const slowest = Math.max(...providers.map((provider) => provider.timeoutMs));
  if (settings.reconcileAfterMs < slowest + TAKEOVER_MARGIN_MS) {
    // Otherwise a take-over could send a refund while the claim it takes over still has its request open.
    throw new ConfigError(
      `WALLET_RECONCILE_AFTER_MS (${settings.reconcileAfterMs}) must be at least the slowest provider timeout (${slowest} ms) plus ${TAKEOVER_MARGIN_MS} ms`,
    );
  }
  const maxRetryDelayMs = settings.maxRetryDelayMs ?? DEFAULT_LEDGER_SETTINGS.maxRetryDelayMs!;
  if (maxRetryDelayMs < settings.reconcileAfterMs) {
    throw new ConfigError(
      `WALLET_RECONCILE_MAX_DELAY_MS (${maxRetryDelayMs}) must be at least WALLET_RECONCILE_AFTER_MS (${settings.reconcileAfterMs})`,
    );
  }
  const store = await openStore(storeUrl);
  const links = new AccountLinkStore(store.db);
  const metrics = new WalletMetrics();
  // Upstream calls and circuit states feed the metrics and, when tracing is on, the spans.
  const scaleOut = new ScaleOut({ redis, registry: metrics.registry, logger });
  const registry = buildProviderRegistry(providers, { accounts: links, observer: withUpstreamSpans(metrics.upstream) }, scaleOut);
  metrics.declareProviders(registry.all.map((provider) => provider.info.id));
  scaleOut.declareProviders(registry.all.map((provider) => provider.info.id));
  // Shared limits from the first call on: the first requests must not each take a replica's local allowance.
  await scaleOut.ready();
  const ledger = metrics.observeLedger(new SqlRefundLedger(store.db, store.dialect, { leaseMs: settings.reconcileAfterMs }));
  const refunds = new RefundService(registry, ledger, {
    leaseMs: settings.reconcileAfterMs,
    callMs: slowest,
    backoff: { firstMs: settings.reconcileAfterMs, maxMs: maxRetryDelayMs },
  });
  const reconciler = new RefundReconciler(ledger, refunds, {
    intervalMs: settings.reconcileIntervalMs,
    keyRetentionMs: settings.retentionMs,
    onError: (error) => logger.error({ err: error }, "refund reconciliation failed"),
  });
  reconciler.start();

  return {
    providers: registry,
    refunds,
    accountLinks: new AccountLinkService(registry, links),
    access: new AccessPolicy(scopes),
    logger,
    store,
    ledger,
    reconciler,
    metrics,
    supergraph: supergraphSettings(providers, scopes),
    async close() {
      await reconciler.stop();
      await registry.close();
      await scaleOut.close();
      await store.close();
    },
  };
}
