// Responsible for the baseline: a bare @apollo/server on the same Express integration, the subgraph's SDL, and the answers from memory.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { expressMiddleware } from "@as-integrations/express5";
import { buildSubgraphSchema } from "@apollo/subgraph";
import express from "express";
import { GraphQLScalarType, Kind, parse } from "graphql";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { profilingMethods } from "../lib/profiler.js";
import { processUsage } from "../lib/usage.js";

export interface BareApolloOptions {
  /** The wallets exactly as the subgraph answered them, by id: served as they are. */
  wallets: Record<string, unknown>;
}

async function start(options: BareApolloOptions) {
  const printed = parse(readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8"));
  // schema.graphql is the whole printed schema: what federation adds (_entities, _Any, @key, link__*...) is added again by buildSubgraphSchema.
  const added = (name: string) => name.startsWith("_") || name.startsWith("link__") || name.startsWith("federation__");
  const typeDefs = {
    ...printed,
    definitions: printed.definitions.filter((definition) => {
      if (definition.kind === Kind.DIRECTIVE_DEFINITION) return false;
      if (definition.kind === Kind.OBJECT_TYPE_EXTENSION) return !definition.fields?.every((field) => added(field.name.value));
      return !("name" in definition && definition.name && added(definition.name.value));
    }),
  };
  const wallets = new Map(Object.entries(options.wallets));
  const schema = buildSubgraphSchema([
    {
      typeDefs,
      resolvers: {
        // The answer already holds the Decimal text: nothing to convert.
        Decimal: new GraphQLScalarType({ name: "Decimal", serialize: (value) => value }),
        Wallet: { __resolveReference: (reference: { id: string }) => wallets.get(reference.id) ?? null },
      } as never,
    },
  ]);
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginLandingPageDisabled()] });
  await apollo.start();
  const app = express();
  app.disable("x-powered-by");
  // As the subgraph: no ETag (a hash of every answer) on GraphQL answers, so that the ratio is about the GraphQL layer.
  app.disable("etag");
  app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(apollo, { context: async () => ({}) }));
  const httpServer = createServer(app);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  serveMethods(
    { graphqlUrl: `http://127.0.0.1:${port}/graphql` },
    {
      usage: processUsage,
      ...profilingMethods,
    },
    async () => {
      await apollo.stop();
      httpServer.close();
    },
  );
}

start(benchOptions<BareApolloOptions>()).catch(failStart);
