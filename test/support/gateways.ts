// The two gateways a platform may run in front of the subgraphs, configured as a router is: the shared secret to the wallet subgraph, the caller's token forwarded.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import type { Caller } from "../../src/auth/caller.js";
import type { VerifyCaller } from "../../src/auth/jwt-verifier.js";
import { withoutRouterAuthorization } from "./supergraph.js";

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

/** @apollo/gateway: it enforces no router-side authorization, so it is handed the supergraph without it. */
export async function startApolloGateway(supergraphSdl: string, routerSecret: string): Promise<RunningGateway> {
  const server = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: withoutRouterAuthorization(supergraphSdl),
      buildService: ({ name, url }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url,
          willSendRequest({ request, context }) {
            if (name !== "wallet") return;
            request.http?.headers.set("router-authorization", routerSecret);
            const { authorization } = context as { authorization?: string };
            if (authorization) request.http?.headers.set("authorization", authorization);
          },
        }),
    }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  return { url, stop: () => server.stop() };
}

/**
 * Hive Gateway enforces @authenticated and @requiresScopes itself, with the caller it verifies from the
 * token (as a router's JWT authentication does): a refused operation never reaches the subgraph.
 */
export async function startHiveGateway(
  supergraphSdl: string,
  routerSecret: string,
  verifyCaller: VerifyCaller,
  options: { maxCost?: number } = {},
): Promise<RunningGateway> {
  const runtime = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: false,
    // Demand control prices an operation from the supergraph's @cost and @listSize before running it.
    ...(options.maxCost === undefined ? {} : { demandControl: { maxCost: options.maxCost, includeExtensionMetadata: true } }),
    propagateHeaders: {
      fromClientToSubgraphs: ({ request, subgraphName }) =>
        subgraphName === "wallet" ? { "router-authorization": routerSecret, authorization: request.headers.get("authorization") } : {},
    },
    genericAuth: {
      mode: "protect-granular",
      resolveUserFn: async ({ request }: { request: Request }): Promise<Caller | null> => {
        const authorization = request.headers.get("authorization") ?? undefined;
        if (!authorization) return null;
        const caller = await verifyCaller(authorization).catch(() => null);
        return caller?.subject ? caller : null;
      },
      // Asked of anonymous callers too.
      extractScopes: (user) => (user ? [...(user as Caller).scopes] : []),
    },
  });
  const server = createServer((request, response) => void runtime(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await runtime.dispose();
    },
  };
}
