// Responsible for the built-in sandbox: the demo providers' simulators, the store with the demo links, and the subgraph in front of them.
import type { ProviderConfig } from "./config/providers-file.js";
import { startApp, type App } from "./app.js";
import { DEFAULT_STORE_URL, readLogLevel } from "./config/app-config.js";
import type { RequestLimits } from "./http/request-limits.js";
import type { Logger } from "./observability/logger.js";
import { createDemoAuth, type DemoAuth } from "./sandbox/demo-auth.js";
import { startDemoProviders, type DemoLink, type DemoProviders } from "./sandbox/demo-providers.js";
import type { RunningServer } from "./server.js";
import type { LedgerSettings, ProcessServices } from "./services.js";

/** The query the README and the Playground open with, kept as the README shows it (a test compares them). */
// prettier-ignore
export const EXAMPLE_QUERY = /* GraphQL */ `
query ExampleWallet {
  wallet(id: "tester") {
    id
    total(currency: "USD")
    totalUAH: total(currency: "UAH")
    balances {
      id
      provider { name }
      account
      currency
      amount
      available
      locked
    }
    failures { provider { name } code retryable }
  }
}
`;

export interface SandboxOptions {
  port?: number;
  host?: string;
  playground?: boolean;
  introspection?: boolean;
  /** Each provider call's budget; tests shorten it to watch timeouts. */
  providerTimeoutMs?: number;
  /** Where refunds and account links are kept; by default a SQLite file under data/. */
  storeUrl?: string;
  ledger?: LedgerSettings;
  routerSecret?: string;
  limits?: RequestLimits;
  /** Cache-Control max-age of a successful read; default DEFAULT_CACHE_MAX_AGE_SECONDS. */
  cacheMaxAgeSeconds?: number;
  /** Default: the sandbox's own token issuer ("issuer"); "off" lets every caller do everything. */
  auth?: "issuer" | "off";
  /** Where logs go; by default JSON lines on stdout at `logLevel`. */
  logger?: Logger;
  /** Default: WALLET_LOG_LEVEL (info). */
  logLevel?: string;
  /** How long stop() lets in-flight requests finish; default DEFAULT_SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
}

export interface Sandbox {
  graphqlUrl: string;
  url: string;
  server: RunningServer;
  services: ProcessServices;
  simulators: DemoProviders["simulators"];
  providers: ProviderConfig[];
  /** The sandbox's token issuer and its ready-made tokens. */
  auth: DemoAuth;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const [demo, auth] = await Promise.all([startDemoProviders({ timeoutMs: options.providerTimeoutMs ?? 3_000 }), createDemoAuth()]);
  let app: App;
  try {
    app = await startApp({
      providers: demo.providers,
      storeUrl: options.storeUrl ?? DEFAULT_STORE_URL,
      ledger: options.ledger,
      auth: options.auth === "off" ? { mode: "off" } : { mode: "jwt", jwt: auth.jwt },
      routerSecret: options.routerSecret,
      limits: options.limits,
      logger: options.logger,
      logLevel: options.logger ? undefined : (options.logLevel ?? readLogLevel()),
      prepare: (services) => linkDemoAccounts(services, demo.links),
      server: {
        port: options.port ?? 4001,
        host: options.host ?? "127.0.0.1",
        playground: options.playground ?? true,
        introspection: options.introspection ?? true,
        playgroundQuery: EXAMPLE_QUERY.trim(),
        // The Playground opens as the demo user, reading its own wallet.
        playgroundHeaders: { Authorization: `Bearer ${auth.tokens.tester}` },
        cacheMaxAgeSeconds: options.cacheMaxAgeSeconds,
        shutdownGraceMs: options.shutdownGraceMs,
      },
    });
  } catch (error) {
    await demo.stop();
    throw error;
  }
  const { server, services } = app;

  return {
    graphqlUrl: server.graphqlUrl,
    url: server.url,
    server,
    services,
    simulators: demo.simulators,
    providers: demo.providers,
    auth,
    async stop() {
      await app.stop();
      await demo.stop();
    },
  };
}

async function linkDemoAccounts(services: ProcessServices, links: readonly DemoLink[]): Promise<void> {
  for (const link of links) {
    const { userErrors } = await services.accountLinks.link(link, link.details);
    if (userErrors.length > 0) throw new Error(`the sandbox could not link its demo account: ${JSON.stringify(userErrors)}`);
  }
}
