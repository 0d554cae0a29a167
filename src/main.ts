// Process entry: read the configuration, start tracing and the subgraph (or the sandbox without one), drain and stop cleanly on a signal.
import "reflect-metadata";
import { startApp } from "./app.js";
import { readAppConfig, type AppConfig } from "./config/app-config.js";
import { ConfigError } from "./config/config-error.js";
import { loadProvidersFile } from "./config/providers-file.js";
import { startSandbox } from "./sandbox.js";
import { SHUTDOWN_HARD_STOP_MARGIN_MS } from "./server.js";
import { startTracing } from "./observability/tracing.js";

/** The server settings the configuration gives both the subgraph and the sandbox. */
function serverOptions(config: AppConfig) {
  return {
    port: config.port,
    host: config.host,
    playground: config.playground,
    introspection: config.introspection,
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    shutdownGraceMs: config.shutdownGraceMs,
  };
}

async function startSubgraph(config: AppConfig, providersFile: string): Promise<() => Promise<void>> {
  const file = await loadProvidersFile(providersFile);
  if (config.auth.mode === "off") console.warn("wallet-subgraph: WALLET_AUTH=off: every caller may read every wallet and refund");
  const app = await startApp({
    providers: file.providers,
    storeUrl: config.storeUrl,
    ledger: config.ledger,
    scopes: config.scopes,
    auth: config.auth.mode === "jwt" ? config.auth : { mode: "off" },
    routerSecret: config.routerSecret,
    limits: config.limits,
    logLevel: config.logLevel,
    redis: config.redis,
    server: serverOptions(config),
  });
  console.log(`wallet-subgraph: ${file.providers.length} providers from ${providersFile}; store ${app.services.store.description}`);
  console.log(`wallet-subgraph ready at ${app.server.graphqlUrl}`);
  return () => app.stop();
}

async function startSandboxProcess(config: AppConfig): Promise<() => Promise<void>> {
  const sandbox = await startSandbox({
    ...serverOptions(config),
    storeUrl: config.storeUrl,
    ledger: config.ledger,
    routerSecret: config.routerSecret,
    limits: config.limits,
    auth: config.auth.mode === "off" ? "off" : "issuer",
    logLevel: config.logLevel,
  });
  console.log(
    `wallet-subgraph: sandbox mode (no WALLET_PROVIDERS_FILE): provider simulators on loopback; store ${sandbox.services.store.description}`,
  );
  console.log("wallet-subgraph: demo tokens, valid 12 hours (send as  Authorization: Bearer <token>):");
  console.log(`  tester (reads its own wallet):          ${sandbox.auth.tokens.tester}`);
  console.log(`  operator (reads all, refunds, links):   ${sandbox.auth.tokens.operator}`);
  console.log(`wallet-subgraph ready at ${sandbox.graphqlUrl}  (open it in a browser for GraphQL Playground)`);
  return () => sandbox.stop();
}

async function main(): Promise<void> {
  const config = readAppConfig();
  const tracing = startTracing(config.tracing);
  const stop = config.providersFile ? await startSubgraph(config, config.providersFile) : await startSandboxProcess(config);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = performance.now();
    console.log(`wallet-subgraph: ${signal} received, draining (grace ${config.shutdownGraceMs} ms)`);
    // Bounded: should closing hang past the grace period and a margin, the process leaves anyway, non-zero.
    setTimeout(() => {
      console.error("wallet-subgraph: could not stop in time, exiting");
      process.exit(1);
    }, config.shutdownGraceMs + SHUTDOWN_HARD_STOP_MARGIN_MS).unref();
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
