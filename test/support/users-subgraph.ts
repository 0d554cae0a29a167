// A small users subgraph, as the company supergraph would have one: it owns User, the wallet subgraph extends it.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

export const USERS_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@listSize"])

  type User @key(fields: "id") {
    id: ID!
    name: String!
  }

  type Query {
    users(first: Int!): [User!]! @listSize(slicingArguments: ["first"])
  }
`;

/** "tester" first, then user-1, user-2, ... */
export function userIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => (i === 0 ? "tester" : `user-${i}`));
}

export async function startUsersSubgraph(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new ApolloServer({
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(USERS_SDL),
        resolvers: {
          Query: { users: (_: unknown, { first }: { first: number }) => userIds(first).map((id) => ({ id, name: `User ${id}` })) },
          User: { __resolveReference: (reference: { id: string }) => ({ id: reference.id, name: `User ${reference.id}` }) },
        },
      },
    ]),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, stop: () => server.stop() };
}
