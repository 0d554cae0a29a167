// Responsible for the built-in sandbox: the demo providers' simulators, the store with the demo links, and the subgraph in front of them.
import type { ProviderConfig } from "./config/providers-file.js";
import { TRUSTED } from "./auth/caller.js";
import { createJwtVerifier, type VerifyCaller } from "./auth/jwt-verifier.js";
import type { RequestLimits } from "./http/request-limits.js";
import { createLogger, secretsOf, type Logger } from "./observability/logger.js";
import { createDemoAuth, type DemoAuth } from "./sandbox/demo-auth.js";
import { startDemoProviders, type DemoProviders } from "./sandbox/demo-providers.js";
import { startServer, type RunningServer } from "./server.js";
import { DEFAULT_STORE_URL, readLogLevel } from "./config/app-config.js";
import { createServices, type LedgerSettings, type ProcessServices } from "./services.js";

/** The query the README and the Playground open with. */
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
  /** Where logs go; by default JSON lines on stdout at WALLET_LOG_LEVEL (info). */
  logger?: Logger;
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
  const verifyCaller: VerifyCaller = options.auth === "off" ? async () => TRUSTED : await createJwtVerifier(auth.jwt);
  const logger =
    options.logger ??
    createLogger({ level: readLogLevel(), secrets: () => secretsOf([demo.providers, { routerSecret: options.routerSecret }]) });
  const services = await createServices({ providers: demo.providers, storeUrl: options.storeUrl ?? DEFAULT_STORE_URL, ledger: options.ledger, logger });
  for (const link of demo.links) {
    const { userErrors } = await services.accountLinks.link(link, link.details);
    if (userErrors.length > 0) throw new Error(`the sandbox could not link its demo account: ${JSON.stringify(userErrors)}`);
  }
  const server = await startServer({
    services,
    port: options.port ?? 4001,
    host: options.host ?? "127.0.0.1",
    playground: options.playground ?? true,
    introspection: options.introspection ?? true,
    playgroundQuery: EXAMPLE_QUERY.trim(),
    // The Playground opens as the demo user, reading its own wallet.
    playgroundHeaders: { Authorization: `Bearer ${auth.tokens.tester}` },
    security: { routerSecret: options.routerSecret, verifyCaller, limits: options.limits },
    cacheMaxAgeSeconds: options.cacheMaxAgeSeconds,
  });

  return {
    graphqlUrl: server.graphqlUrl,
    url: server.url,
    server,
    services,
    simulators: demo.simulators,
    providers: demo.providers,
    auth,
    async stop() {
      await server.stop();
      await services.close();
      await demo.stop();
    },
  };
}
