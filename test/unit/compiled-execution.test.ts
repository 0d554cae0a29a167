// The compiled executor answers as graphql-js does, and leaves to graphql-js what compiled code would answer otherwise.
import { GraphQLError, GraphQLScalarType, Kind, buildSchema, execute, getOperationAST, parse, type DocumentNode } from "graphql";
import { HeaderMap } from "@apollo/server";
import type { GatewayGraphQLRequestContext } from "@apollo/server-gateway-interface";
import { describe, expect, it, vi } from "vitest";
import { compiledExecutor, runsCompiled } from "../../src/graphql/compiled-execution.js";
import { buildWalletSchema } from "../../src/graphql/schema.js";
import { supergraphSettings } from "../../src/graphql/supergraph/supergraph-settings.js";

/** An exact amount as a resolver sees it: parsed by the scalar, never a plain string or object. */
class Amount {
  constructor(readonly text: string) {}
}

const AmountScalar = new GraphQLScalarType<Amount, string>({
  name: "Amount",
  serialize: (value) => (value as Amount).text,
  parseValue: (value) => {
    if (typeof value !== "string") throw new GraphQLError("an Amount must be sent as a string");
    return new Amount(value);
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING) throw new GraphQLError("an Amount must be sent as a string");
    return new Amount(node.value);
  },
});

function testSchema() {
  const schema = buildSchema(`
    scalar Amount
    type Query { echo(amount: Amount!): String!, item(id: ID!): Item, items: [Item!]! }
    type Mutation { take(amount: Amount!): String! }
    type Item { id: ID!, name: String!, price: Amount }
  `);
  Object.assign(schema.getType("Amount")!, {
    serialize: AmountScalar.serialize,
    parseValue: AmountScalar.parseValue,
    parseLiteral: AmountScalar.parseLiteral,
  });
  const fields = schema.getQueryType()!.getFields();
  const resolved = vi.fn();
  /** Which executor ran each `item` resolver: graphql-js's own stack frames name it. */
  const engines: string[] = [];
  fields.echo!.resolve = (_source, args: { amount: unknown }) => {
    resolved(args.amount);
    return args.amount instanceof Amount ? `Amount ${args.amount.text}` : `not an Amount: ${JSON.stringify(args.amount)}`;
  };
  fields.item!.resolve = (_source, args: { id: string }) => {
    engines.push(new Error().stack?.includes("executeField") ? "graphql-js" : "compiled");
    if (args.id === "refused") throw new GraphQLError("not yours", { extensions: { code: "FORBIDDEN" } });
    return { id: args.id, name: `item ${args.id}`, price: new Amount("1.50") };
  };
  fields.items!.resolve = () =>
    Promise.resolve([
      { id: "a", name: "A", price: null },
      { id: "b", name: null },
    ]);
  schema.getMutationType()!.getFields().take!.resolve = () => "taken";
  return { schema, resolved, engines };
}

function run(executor: ReturnType<typeof compiledExecutor>, document: DocumentNode, variables?: Record<string, unknown>, headers = {}) {
  return executor({
    document,
    operation: getOperationAST(document)!,
    operationName: null,
    request: { variables, http: { headers: new HeaderMap(Object.entries(headers)), method: "POST", search: "" } },
    context: {},
  } as unknown as GatewayGraphQLRequestContext);
}

describe("which operations run compiled", () => {
  const { schema } = testSchema();
  const compiled = (source: string) => {
    const document = parse(source);
    return runsCompiled(schema, document, getOperationAST(document)!);
  };

  it("runs queries compiled, with built-in literals and with variables of any type", () => {
    expect(compiled('{ item(id: "a") { id name } }')).toBe(true);
    expect(compiled("query ($amount: Amount!) { echo(amount: $amount) }")).toBe(true);
    expect(compiled('query ($id: ID! = "a") { item(id: $id) { price } }')).toBe(true);
  });

  it("leaves mutations, introspection and literals of custom scalars to graphql-js", () => {
    expect(compiled('mutation { take(amount: "1") }')).toBe(false);
    expect(compiled("{ __schema { queryType { name } } }")).toBe(false);
    expect(compiled('{ __type(name: "Item") { name } }')).toBe(false);
    expect(compiled('{ echo(amount: "0.10") }')).toBe(false);
    expect(compiled('query ($amount: Amount! = "0.10") { echo(amount: $amount) }')).toBe(false);
  });

  it("leaves a literal _entities representation (a custom scalar) to graphql-js, and runs one sent as a variable compiled", async () => {
    const wallet = await buildWalletSchema(supergraphSettings([]));
    const literal = parse('{ _entities(representations: [{ __typename: "Wallet", id: "w" }]) { __typename } }');
    const variable = parse("query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }");
    expect(runsCompiled(wallet, literal, getOperationAST(literal)!)).toBe(false);
    expect(runsCompiled(wallet, variable, getOperationAST(variable)!)).toBe(true);
  });
});

describe("the compiled executor", () => {
  it("answers a query, its errors and nulls included, as graphql-js does", async () => {
    const { schema, engines } = testSchema();
    const executor = compiledExecutor(schema);
    const document = parse('{ a: item(id: "a") { id name price } refused: item(id: "refused") { id } items { id name } }');
    const expected = await execute({ schema, document, contextValue: {} });
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await run(executor, document);
      expect(JSON.parse(JSON.stringify(answer))).toEqual(JSON.parse(JSON.stringify(expected)));
    }
    expect(expected.errors?.map((error) => error.message)).toEqual(["not yours", "Cannot return null for non-nullable field Item.name."]);
    expect(engines).toEqual(["graphql-js", "graphql-js", "compiled", "compiled", "compiled", "compiled"]);
  });

  it("reports errors as graphql-js's own GraphQLError, which the plugins after execution may rewrite", async () => {
    const { schema } = testSchema();
    const answer = await run(compiledExecutor(schema), parse('{ item(id: "refused") { id } }'));
    const [error] = answer.errors ?? [];
    expect(Object.getPrototypeOf(error)).toBe(GraphQLError.prototype);
    expect(error?.extensions).toEqual({ code: "FORBIDDEN" });
    expect(error?.toJSON()).toEqual({
      message: "not yours",
      locations: [{ line: 1, column: 3 }],
      path: ["item"],
      extensions: { code: "FORBIDDEN" },
    });
    // As the request limits' plugin masks field suggestions.
    (error as { message: string }).message = "masked";
    expect(error?.message).toBe("masked");
  });

  it("refuses a bad variable in graphql-js's words, before any resolver runs", async () => {
    const { schema, resolved } = testSchema();
    const executor = compiledExecutor(schema);
    const document = parse("query ($amount: Amount!) { echo(amount: $amount) }");
    const expected = await execute({ schema, document, variableValues: { amount: 0.1 } });
    const answer = await run(executor, document, { amount: 0.1 });
    expect(answer).toEqual(expected);
    expect(answer.errors?.[0]?.message).toBe('Variable "$amount" got invalid value 0.1; an Amount must be sent as a string');
    expect(resolved).not.toHaveBeenCalled();
  });

  it("hands a resolver a variable of a custom scalar parsed by the scalar", async () => {
    const { schema, resolved } = testSchema();
    const answer = await run(compiledExecutor(schema), parse("query ($amount: Amount!) { echo(amount: $amount) }"), { amount: "0.10" });
    expect(answer).toEqual({ data: { echo: "Amount 0.10" } });
    expect(resolved).toHaveBeenCalledWith(new Amount("0.10"));
  });

  it("hands a resolver a literal of a custom scalar parsed by the scalar (on graphql-js)", async () => {
    const { schema } = testSchema();
    const answer = await run(compiledExecutor(schema), parse('{ echo(amount: "0.10") }'));
    expect(answer).toEqual({ data: { echo: "Amount 0.10" } });
  });

  it("runs a request that asks for a federated trace on graphql-js, whose resolvers the trace plugin wraps", async () => {
    const { schema, engines } = testSchema();
    const executor = compiledExecutor(schema);
    const document = parse('{ item(id: "a") { id } }');
    expect(await run(executor, document)).toEqual({ data: { item: { id: "a" } } });
    expect(await run(executor, document, undefined, { "apollo-federation-include-trace": "ftv1" })).toEqual({
      data: { item: { id: "a" } },
    });
    expect(engines).toEqual(["compiled", "graphql-js"]);
  });
});
