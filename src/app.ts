// Responsible for starting the subgraph from its settings (logger, caller verifier, services, server) and stopping it in order.
import { TRUSTED } from "./auth/caller.js";
import { createJwtVerifier, type JwtSettings, type VerifyCaller } from "./auth/jwt-verifier.js";
import type { RequestLimits } from "./http/request-limits.js";
import { createLogger, secretsOf, type Logger } from "./observability/logger.js";
import { startServer, type RunningServer, type ServerOptions } from "./server.js";
import { createServices, type ProcessServices, type ServicesOptions } from "./services.js";

/** Callers are verified by their JWTs, or ("off", for development only) every caller may do everything. */
type CallerAuth = { mode: "jwt"; jwt: JwtSettings } | { mode: "off" };

export interface AppOptions extends Omit<ServicesOptions, "logger"> {
  /** Where the server listens and what it shows (Playground, introspection, cache hints, drain grace). */
  server: Omit<ServerOptions, "services" | "security">;
  auth: CallerAuth;
  /** When set, every /graphql request must carry it in Router-Authorization. */
  routerSecret?: string;
  limits?: RequestLimits;
  /** Where logs go; by default JSON lines on stdout at `logLevel` (info), every configured secret scrubbed. */
  logger?: Logger;
  logLevel?: string;
  /** Runs once the services are open, before the server listens: the sandbox links its demo accounts here. */
  prepare?: (services: ProcessServices) => Promise<void>;
}

export interface App {
  server: RunningServer;
  services: ProcessServices;
  /** Drains the server (in-flight requests and their refunds finish within the grace period), then closes the services. */
  stop(): Promise<void>;
}

export async function startApp(options: AppOptions): Promise<App> {
  const { providers, routerSecret } = options;
  const logger =
    options.logger ?? createLogger({ level: options.logLevel ?? "info", secrets: () => secretsOf([providers, { routerSecret }]) });
  const verifyCaller: VerifyCaller = options.auth.mode === "jwt" ? await createJwtVerifier(options.auth.jwt) : async () => TRUSTED;
  const services = await createServices({
    providers,
    storeUrl: options.storeUrl,
    ledger: options.ledger,
    scopes: options.scopes,
    logger,
    redis: options.redis,
  });
  let server: RunningServer;
  try {
    await options.prepare?.(services);
    server = await startServer({ ...options.server, services, security: { routerSecret, verifyCaller, limits: options.limits } });
  } catch (error) {
    // The reconciler is running and the store is open: a failed start must not leave them behind.
    await services.close();
    throw error;
  }
  return {
    server,
    services,
    async stop() {
      await server.stop();
      // Then the reconciler's round, the providers' pools and the store close.
      await services.close();
    },
  };
}
