// Process entry: read the configuration, start tracing and the subgraph (or the sandbox without one), drain and stop cleanly on a signal.
import "reflect-metadata";
import { TRUSTED } from "./auth/caller.js";
import { createJwtVerifier, type VerifyCaller } from "./auth/jwt-verifier.js";
import { readAppConfig } from "./config/app-config.js";
import { createLogger, secretsOf } from "./observability/logger.js";
import { ConfigError } from "./config/config-error.js";
import { loadProvidersFile } from "./config/providers-file.js";
import { startSandbox } from "./sandbox.js";
import { DEFAULT_SHUTDOWN_GRACE_MS, SHUTDOWN_HARD_STOP_MARGIN_MS, startServer } from "./server.js";
import { createServices } from "./services.js";
import { startTracing } from "./observability/tracing.js";

/** WALLET_SHUTDOWN_GRACE_MS: how long in-flight requests and refunds may take to finish after SIGTERM. */
function readShutdownGraceMs(): number {
  const text = process.env.WALLET_SHUTDOWN_GRACE_MS;
  if (text === undefined || text === "") return DEFAULT_SHUTDOWN_GRACE_MS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value > 600_000) {
    throw new ConfigError(`WALLET_SHUTDOWN_GRACE_MS must be a whole number of milliseconds up to 600000, not "${text}"`);
  }
  return value;
}

/** OTEL_EXPORTER_OTLP_ENDPOINT: an http(s) URL, or nothing for no tracing at all. */
function readOtlpEndpoint(): string | undefined {
  const text = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, not "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, not "${text}"`);
  }
  return text;
}

async function main(): Promise<void> {
  const config = readAppConfig();
  const shutdownGraceMs = readShutdownGraceMs();
  const tracing = startTracing({ endpoint: readOtlpEndpoint(), serviceName: process.env.OTEL_SERVICE_NAME || "wallet-subgraph" });
  const serverOptions = {
    port: config.port,
    host: config.host,
    playground: config.playground,
    introspection: config.introspection,
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
  };

  let stop: () => Promise<void>;
  if (config.providersFile) {
    const file = await loadProvidersFile(config.providersFile);
    const logger = createLogger({
      level: config.logLevel,
      secrets: () => secretsOf([file.providers, { routerSecret: config.routerSecret }]),
    });
    const services = await createServices(file.providers, config.storeUrl, config.ledger, config.scopes, logger, config.redis);
    const verifyCaller: VerifyCaller = config.auth.mode === "jwt" ? await createJwtVerifier(config.auth.jwt) : async () => TRUSTED;
    if (config.auth.mode === "off") console.warn("wallet-subgraph: WALLET_AUTH=off: every caller may read every wallet and refund");
    const server = await startServer({
      ...serverOptions,
      services,
      security: { routerSecret: config.routerSecret, verifyCaller, limits: config.limits },
      shutdownGraceMs,
    });
    console.log(`wallet-subgraph: ${file.providers.length} providers from ${config.providersFile}; store ${services.store.description}`);
    console.log(`wallet-subgraph ready at ${server.graphqlUrl}`);
    stop = async () => {
      // /ready turns 503 at once; in-flight requests (and the refunds they carry) finish within the grace period.
      await server.stop();
      // Then the reconciler's round, the providers' pools and the store close.
      await services.close();
    };
  } else {
    const sandbox = await startSandbox({
      ...serverOptions,
      storeUrl: config.storeUrl,
      ledger: config.ledger,
      routerSecret: config.routerSecret,
      limits: config.limits,
      auth: config.auth.mode === "off" ? "off" : "issuer",
    });
    console.log(
      `wallet-subgraph: sandbox mode (no WALLET_PROVIDERS_FILE): provider simulators on loopback; store ${sandbox.services.store.description}`,
    );
    console.log("wallet-subgraph: demo tokens, valid 12 hours (send as  Authorization: Bearer <token>):");
    console.log(`  tester (reads its own wallet):          ${sandbox.auth.tokens.tester}`);
    console.log(`  operator (reads all, refunds, links):   ${sandbox.auth.tokens.operator}`);
    console.log(`wallet-subgraph ready at ${sandbox.graphqlUrl}  (open it in a browser for GraphQL Playground)`);
    stop = () => sandbox.stop();
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    console.log(`wallet-subgraph: ${signal} received, draining (grace ${shutdownGraceMs} ms)`);
    // Bounded: should closing hang past the grace period and a margin, the process leaves anyway, non-zero.
    setTimeout(() => {
      console.error("wallet-subgraph: could not stop in time, exiting");
      process.exit(1);
    }, shutdownGraceMs + SHUTDOWN_HARD_STOP_MARGIN_MS).unref();
    stop()
      .then(() => tracing?.shutdown())
      .then(
        () => {
          console.log(`wallet-subgraph: stopped in ${Math.round(performance.now() - started)} ms`);
          process.exit(0);
        },
        (error: unknown) => {
          console.error("wallet-subgraph: error while stopping", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`wallet-subgraph: ${error.message}`);
  } else {
    console.error("wallet-subgraph: failed to start", error);
  }
  process.exit(1);
});
