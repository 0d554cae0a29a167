// Responsible for the mercurius-jit peer: Mercurius 16 on Fastify 5, compiling each query with graphql-jit on its first repeat.
import Fastify, { type FastifyRequest } from "fastify";
import mercurius from "mercurius";
import type { RequestContext } from "../../src/context.js";
import { createPeer, graphqlUrlOf, isUnauthenticated, ROUTER_SECRET_REFUSAL } from "./peer-context.js";
import type { ServeOptions, ServedSubgraph } from "./serve.js";

export async function serveMercurius(options: ServeOptions): Promise<ServedSubgraph> {
  const peer = await createPeer(options);
  const app = Fastify();
  // Built in a hook, not in Mercurius' context function: an error thrown there is answered with HTTP 500.
  const contexts = new WeakMap<FastifyRequest, RequestContext>();

  // Only the router gets in, checked before the body is read.
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.startsWith("/graphql") && !peer.isRouter(request.headers)) {
      return reply.code(401).header("connection", "close").send(ROUTER_SECRET_REFUSAL);
    }
  });
  app.addHook("preHandler", async (request, reply) => {
    if (!request.url.startsWith("/graphql")) return;
    try {
      contexts.set(request, await peer.context(request.headers.authorization));
    } catch (error) {
      if (!isUnauthenticated(error)) throw error;
      return reply.code(401).send({ errors: [error.toJSON()] });
    }
  });
  await app.register(mercurius, {
    schema: peer.schema,
    path: "/graphql",
    graphiql: false,
    jit: 1,
    validationRules: peer.protection.validationRules,
    context: (request) => contexts.get(request)!,
    // As Apollo Server: an operation that never ran (a bad variable) answers no `data`, not `data: null`.
    errorFormatter: (execution, context) => {
      const { statusCode, response } = mercurius.defaultErrorFormatter(execution, context);
      return { statusCode, response: execution.data === undefined ? { errors: response.errors } : response };
    },
  });
  // A document graphql-jit would run unlike graphql-js (peer-context.ts) is "modified", which Mercurius never compiles.
  app.graphql.addHook("preExecution", async (_schema, document) => (peer.jitRuns(document) ? undefined : { document }));
  await app.listen({ host: options.host, port: options.port });

  return { graphqlUrl: graphqlUrlOf(app.server, options.host), stop: () => app.close() };
}
