// Responsible for serving the subgraph's schema with the product's server or one of its peers, so the benchmark can compare them.
import "reflect-metadata";
import type { VerifyCaller } from "../../src/auth/jwt-verifier.js";
import { startServer } from "../../src/server.js";
import type { ProcessServices } from "../../src/services.js";
import { serveApolloFastify } from "./apollo-fastify.js";
import { serveMercurius } from "./mercurius.js";
import { serveYoga } from "./yoga.js";

export type ServerKind = "apollo-express" | "apollo-fastify" | "yoga" | "yoga-jit" | "mercurius-jit";
export const SERVER_KINDS: readonly ServerKind[] = ["apollo-express", "apollo-fastify", "yoga", "yoga-jit", "mercurius-jit"];

export interface ServeOptions {
  services: ProcessServices;
  verifyCaller: VerifyCaller;
  routerSecret: string;
  host: string;
  port: number;
}

export interface ServedSubgraph {
  graphqlUrl: string;
  /** Stops the server only: the services are the caller's. */
  stop(): Promise<void>;
}

export async function serve(kind: ServerKind, options: ServeOptions): Promise<ServedSubgraph> {
  switch (kind) {
    case "apollo-express": {
      // The product itself, as it runs in production: no Playground, no introspection, default limits.
      const server = await startServer({
        services: options.services,
        host: options.host,
        port: options.port,
        playground: false,
        introspection: false,
        security: { routerSecret: options.routerSecret, verifyCaller: options.verifyCaller },
      });
      return { graphqlUrl: server.graphqlUrl, stop: () => server.stop() };
    }
    case "apollo-fastify":
      return serveApolloFastify(options);
    case "yoga":
      return serveYoga(options, { jit: false });
    case "yoga-jit":
      return serveYoga(options, { jit: true });
    case "mercurius-jit":
      return serveMercurius(options);
  }
}
