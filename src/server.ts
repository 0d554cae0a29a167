// Responsible for the HTTP server: GraphQL at /graphql (and Playground for browsers), its assets, the probes and metrics, and draining on stop.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginInlineTrace } from "@apollo/server/plugin/inlineTrace";
import { expressMiddleware } from "@as-integrations/express5";
import express from "express";
import { requireRouterSecret } from "./auth/router-secret.js";
import { DEFAULT_SHUTDOWN_GRACE_MS } from "./config/app-config.js";
import type { VerifyCaller } from "./auth/jwt-verifier.js";
import { createRequestContext, type RequestContext } from "./context.js";
import { bodyErrors } from "./http/body-errors.js";
import { cacheHintsPlugin, DEFAULT_CACHE_MAX_AGE_SECONDS, noStoreByDefault } from "./http/cache-hints.js";
import { losslessJsonBody } from "./http/lossless-body.js";
import { losslessVariablesPlugin } from "./graphql/lossless-variables.js";
import { DEFAULT_LIMITS, protect, tokenLimit, type RequestLimits } from "./http/request-limits.js";
import { buildWalletSchema } from "./graphql/schema.js";
import { compiledExecutionGateway } from "./graphql/compiled-execution.js";
import { playgroundAssetsRouter, playgroundLandingPage } from "./http/playground.js";
import { requestLogPlugin } from "./observability/request-log.js";
import { probesRouter, type ServingState } from "./http/probes.js";
import { operationSpans, tracingPlugin } from "./observability/tracing.js";
import type { ProcessServices } from "./services.js";

export interface ServerOptions {
  services: ProcessServices;
  port: number;
  host: string;
  playground: boolean;
  introspection: boolean;
  /** What the Playground's editor shows first. */
  playgroundQuery?: string;
  /** HTTP headers the Playground's first tab sends (the sandbox's demo token). */
  playgroundHeaders?: Record<string, string>;
  security: SecurityOptions;
  /** Cache-Control max-age of a successful read, in seconds (0: no-store); default DEFAULT_CACHE_MAX_AGE_SECONDS. */
  cacheMaxAgeSeconds?: number;
  /** How long stop() lets in-flight requests (and the refunds they carry) finish before closing their connections; default 10 s. */
  shutdownGraceMs?: number;
}

interface SecurityOptions {
  /** When set, every /graphql request must carry it in Router-Authorization. */
  routerSecret?: string;
  /** Turns the Authorization header into the caller. */
  verifyCaller: VerifyCaller;
  limits?: RequestLimits;
}

export interface RunningServer {
  /** Such as http://127.0.0.1:4001 */
  url: string;
  /** Such as http://127.0.0.1:4001/graphql */
  graphqlUrl: string;
  httpServer: Server;
  /** starting, ready, or draining (from the first moment of stop()). */
  state(): ServingState;
  /** Turns /ready to 503, stops accepting, lets in-flight requests finish within the grace period, then closes. Does not close the services. */
  stop(): Promise<void>;
}

const PLAYGROUND_ASSETS_PATH = "/playground";
/** Past the grace period, closing may take this much longer before the process gives up and exits 1. */
export const SHUTDOWN_HARD_STOP_MARGIN_MS = 15_000;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = express();
  app.disable("x-powered-by");
  // An ETag is a hash of every answer body, for conditional GETs that GraphQL POSTs never make.
  app.disable("etag");
  const httpServer = createServer(app);
  let state: ServingState = "starting";
  const { services } = options;

  const limits = options.security.limits ?? DEFAULT_LIMITS;
  // Field suggestions map the schema for whoever cannot introspect it: off with introspection.
  const protection = protect({ ...limits, fieldSuggestions: limits.fieldSuggestions && options.introspection });
  const apollo = new ApolloServer<RequestContext>({
    // Queries run as compiled code once seen again; everything else on graphql-js (compiled-execution.ts).
    gateway: compiledExecutionGateway(await buildWalletSchema(services.supergraph)),
    introspection: options.introspection,
    validationRules: protection.validationRules,
    // The process entry owns signals and stops the server, then the services, in order.
    stopOnTerminationSignals: false,
    plugins: [
      losslessVariablesPlugin(),
      ...protection.plugins,
      // Balances are per user and change at the providers at any time: one private hint per answer (cache-hints.ts).
      // Apollo's own cache-control plugin would wrap every field resolver of every request to compute it.
      ApolloServerPluginCacheControlDisabled(),
      cacheHintsPlugin(options.cacheMaxAgeSeconds ?? DEFAULT_CACHE_MAX_AGE_SECONDS),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS }),
      requestLogPlugin(services.logger),
      services.metrics.plugin(),
      tracingPlugin(),
      // Federated traces are built only when the router asks for them (apollo-federation-include-trace).
      ApolloServerPluginInlineTrace(),
      options.playground
        ? playgroundLandingPage({
            assetsPath: PLAYGROUND_ASSETS_PATH,
            defaultQuery: options.playgroundQuery,
            headers: options.playgroundHeaders,
          })
        : ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  // While draining, connections close after their response, and a request that arrives on an old keep-alive
  // connection is refused before any work: the client may not get that answer, so nothing may be done for it.
  app.use((request, response, next) => {
    if (state !== "draining") return next();
    response.setHeader("connection", "close");
    if (request.path === "/ready" || request.path === "/health") return next();
    response.status(503).json({ errors: [{ message: "the server is shutting down", extensions: { code: "SHUTTING_DOWN" } }] });
  });
  // Probes and metrics are for the orchestrator and Prometheus: outside the router secret.
  app.use(probesRouter({ state: () => state, db: services.store.db, metrics: services.metrics }));
  if (options.playground) app.use(PLAYGROUND_ASSETS_PATH, playgroundAssetsRouter());
  app.use("/graphql", noStoreByDefault());
  // Only the router gets in, checked before the body is read.
  if (options.security.routerSecret) app.use("/graphql", requireRouterSecret(options.security.routerSecret));
  app.use(
    "/graphql",
    operationSpans(),
    // Never JSON.parse: a number in variables reaches the Decimal scalar as the text that was sent.
    ...losslessJsonBody(limits.maxBodyBytes),
    tokenLimit(limits.maxTokens),
    expressMiddleware(apollo, {
      // The loader reports its batch sizes to the metrics.
      context: async ({ req }) =>
        createRequestContext(services, await options.security.verifyCaller(req.headers.authorization), services.metrics.balanceBatch),
    }),
  );
  app.use("/graphql", bodyErrors());

  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(options.port, options.host, () => {
      httpServer.off("error", reject);
      resolve();
    });
  });
  const { port } = httpServer.address() as AddressInfo;
  state = "ready";
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    httpServer,
    state: () => state,
    stop: () => {
      state = "draining";
      return apollo.stop();
    },
  };
}
