// Responsible for the apollo-fastify peer: the same Apollo Server 5 as the product, on Fastify 5 instead of Express.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import fastifyApollo, { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify from "fastify";
import type { RequestContext } from "../../src/context.js";
import { createPeer, graphqlUrlOf, ROUTER_SECRET_REFUSAL } from "./peer-context.js";
import type { ServeOptions, ServedSubgraph } from "./serve.js";

export async function serveApolloFastify(options: ServeOptions): Promise<ServedSubgraph> {
  const peer = await createPeer(options);
  const app = Fastify();
  const apollo = new ApolloServer<RequestContext>({
    schema: peer.schema,
    introspection: false,
    validationRules: peer.protection.validationRules,
    stopOnTerminationSignals: false,
    // As in the product: graphql-armor, the _entities limit, no cache control; not its log, metrics and tracing plugins.
    plugins: [
      ...peer.protection.plugins,
      ApolloServerPluginCacheControlDisabled(),
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
  await apollo.start();

  // Only the router gets in, checked before the body is read.
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/graphql") && !peer.isRouter(request.headers)) {
      return reply.code(401).header("connection", "close").send(ROUTER_SECRET_REFUSAL);
    }
  });
  // A context that throws UNAUTHENTICATED becomes HTTP 401 in Apollo itself (extensions.http.status).
  await app.register(fastifyApollo(apollo), { context: (request) => peer.context(request.headers.authorization) });
  await app.listen({ host: options.host, port: options.port });

  return { graphqlUrl: graphqlUrlOf(app.server, options.host), stop: () => apollo.stop() };
}
