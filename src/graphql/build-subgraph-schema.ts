// Responsible for turning the type-graphql schema into a federation subgraph schema (with @link, @key and the router's directives).
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { mergeResolvers } from "@graphql-tools/merge";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { applyRouterDirectives } from "./supergraph/apply-router-directives.js";
import type { SupergraphSettings } from "./supergraph/supergraph-settings.js";

/**
 * The federation version this subgraph speaks, and the directives it uses from it: 2.9, the newest
 * that @apollo/subgraph, @apollo/gateway and both composers (Apollo's and The Guild's) all accept.
 */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes", "@cost", "@listSize", "@tag"])`;

/**
 * Every object type declares `simpleResolvers: true`: its plain fields are read by graphql-js's
 * default resolver, not wrapped one by one in a type-graphql resolver (no middlewares are used).
 *
 * type-graphql builds the types and resolvers; its printed SDL keeps the `@key` directives, the
 * router's directives are written in from their table, and `buildSubgraphSchema` adds `_service`,
 * `_entities` and the reference resolvers.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, "skipCheck">,
  referenceResolvers: GraphQLResolverMap<unknown>,
  settings: SupergraphSettings,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ ...options, skipCheck: true });
  const typeDefs = applyRouterDirectives(parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`), settings);
  const resolvers = mergeResolvers([createResolversMap(schema), referenceResolvers]) as GraphQLResolverMap<unknown>;
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
