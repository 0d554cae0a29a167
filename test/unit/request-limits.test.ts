// The _entities limit counts each request's own representations, inline or in variables, though it walks a document once.
import { ApolloServer } from "@apollo/server";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS, protect } from "../../src/http/request-limits.js";

const typeDefs = "type Query { _entities(representations: [Int!]!): [Int] }";
const resolvers = { Query: { _entities: (_: unknown, args: { representations: number[] }) => args.representations } };

async function serverWithLimit(maxRepresentations: number): Promise<ApolloServer> {
  const protection = protect({ ...DEFAULT_LIMITS, maxRepresentations });
  const server = new ApolloServer({ typeDefs, resolvers, plugins: protection.plugins, validationRules: protection.validationRules });
  await server.start();
  return server;
}

async function codeOf(server: ApolloServer, query: string, variables?: Record<string, unknown>): Promise<string | undefined> {
  const { body } = await server.executeOperation({ query, variables });
  if (body.kind !== "single") throw new Error("expected a single result");
  return body.singleResult.errors?.[0]?.extensions?.code as string | undefined;
}

describe("the _entities limit", () => {
  it("counts the representations of each request, whatever the same document carried before", async () => {
    const server = await serverWithLimit(3);
    const query = "query ($r: [Int!]!) { _entities(representations: $r) }";
    expect(await codeOf(server, query, { r: [1, 2, 3] })).toBeUndefined();
    expect(await codeOf(server, query, { r: [1, 2, 3, 4] })).toBe("TOO_MANY_REPRESENTATIONS");
    expect(await codeOf(server, query, { r: [1] })).toBeUndefined();
    await server.stop();
  });

  it("adds up every _entities field, written inline or given as variables", async () => {
    const server = await serverWithLimit(3);
    expect(await codeOf(server, "{ a: _entities(representations: [1, 2]) b: _entities(representations: [3]) }")).toBeUndefined();
    expect(await codeOf(server, "{ a: _entities(representations: [1, 2]) b: _entities(representations: [3, 4]) }")).toBe(
      "TOO_MANY_REPRESENTATIONS",
    );
    const mixed = "query ($r: [Int!]!) { a: _entities(representations: [1, 2]) b: _entities(representations: $r) }";
    expect(await codeOf(server, mixed, { r: [3] })).toBeUndefined();
    expect(await codeOf(server, mixed, { r: [3, 4] })).toBe("TOO_MANY_REPRESENTATIONS");
    await server.stop();
  });
});
