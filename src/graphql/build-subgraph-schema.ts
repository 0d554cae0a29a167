// Responsible for turning the type-graphql schema into a federation subgraph schema (with @link and @key).
import { buildSubgraphSchema, type GraphQLResolverMap } from "@apollo/subgraph";
import { mergeResolvers } from "@graphql-tools/merge";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { parse, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";

/** The federation version this subgraph speaks, and the directives it uses from it. */
export const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])`;

/**
 * Every object type declares `simpleResolvers: true`: its plain fields are read by graphql-js's
 * default resolver, not wrapped one by one in a type-graphql resolver (no middlewares are used).
 *
 * type-graphql builds the types and resolvers; its printed SDL keeps the `@key` directives, and
 * `buildSubgraphSchema` adds `_service`, `_entities` and the reference resolvers.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, "skipCheck">,
  referenceResolvers: GraphQLResolverMap<unknown>,
): Promise<GraphQLSchema> {
  const schema = await buildSchema({ ...options, skipCheck: true });
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  const resolvers = mergeResolvers([createResolversMap(schema), referenceResolvers]) as GraphQLResolverMap<unknown>;
  return buildSubgraphSchema([{ typeDefs, resolvers }]);
}
