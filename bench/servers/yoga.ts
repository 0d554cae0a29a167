// Responsible for the yoga and yoga-jit peers: GraphQL Yoga 5 on node:http, executing with graphql-js or with graphql-jit.
import { createServer } from "node:http";
import { useValidationRule } from "@envelop/core";
import { useGraphQlJit } from "@envelop/graphql-jit";
import { createYoga } from "graphql-yoga";
import { DEFAULT_LIMITS } from "../../src/http/request-limits.js";
import { createPeer, graphqlUrlOf, ROUTER_SECRET_REFUSAL } from "./peer-context.js";
import type { ServeOptions, ServedSubgraph } from "./serve.js";

export async function serveYoga(options: ServeOptions, { jit }: { jit: boolean }): Promise<ServedSubgraph> {
  const peer = await createPeer(options);
  // A document graphql-jit would run unlike graphql-js (peer-context.ts) runs on graphql-js.
  const jitPlugins = jit ? [useGraphQlJit({}, { enableIf: ({ document }) => peer.jitRuns(document) })] : [];
  const yoga = createYoga({
    schema: peer.schema,
    // A context that throws UNAUTHENTICATED becomes HTTP 401 (extensions.http.status).
    context: ({ request }) => peer.context(request.headers.get("authorization") ?? undefined),
    plugins: [...peer.protection.validationRules.map(useValidationRule), ...jitPlugins],
    graphqlEndpoint: "/graphql",
    graphiql: false,
    landingPage: false,
    // As Apollo Server: errors as thrown, and no CORS.
    maskedErrors: false,
    cors: false,
    logging: false,
    maxRequestBodySize: DEFAULT_LIMITS.maxBodyBytes,
  });

  const server = createServer((request, response) => {
    // Only the router gets in, checked before the body is read.
    if (request.url?.startsWith("/graphql") && !peer.isRouter(request.headers)) {
      response.writeHead(401, { "content-type": "application/json; charset=utf-8", connection: "close" });
      response.end(JSON.stringify(ROUTER_SECRET_REFUSAL));
      return;
    }
    void yoga(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    graphqlUrl: graphqlUrlOf(server, options.host),
    async stop() {
      const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      server.closeIdleConnections();
      await closed;
      await yoga.dispose();
    },
  };
}
