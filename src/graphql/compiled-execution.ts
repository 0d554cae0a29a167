// Responsible for executing operations: queries as graphql-jit's compiled code, compiled once per parsed document, and whatever compiled code would not run exactly as graphql-js does on graphql-js.
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from "@apollo/server-gateway-interface";
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  TypeInfo,
  execute,
  getNamedType,
  getVariableValues,
  isScalarType,
  isSpecifiedScalarType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

/** The header with which the router asks for a federated trace: the trace plugin wraps resolvers, on graphql-js. */
const TRACE_HEADER = "apollo-federation-include-trace";

/** One operation of one parsed document: its compiled query, or null where it runs on graphql-js. */
type Plan = CompiledQuery | null;

/**
 * Apollo Server has no executor option; its gateway interface hands it a schema and an executor. This one serves the
 * subgraph's own schema and executes each operation itself. Apollo keeps one parsed (and validated) document per
 * query text, so a document seen again is the same object: plans are kept per document, and go with it.
 */
export function compiledExecutionGateway(schema: GraphQLSchema): GatewayInterface {
  let onSchema: Parameters<GatewayInterface["onSchemaLoadOrUpdate"]>[0] | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      onSchema = callback;
      return () => {
        onSchema = undefined;
      };
    },
    async load() {
      onSchema?.({ apiSchema: schema, coreSupergraphSdl: "" });
      return { executor: compiledExecutor(schema) };
    },
    async stop() {},
  };
}

/**
 * The executor: each operation's compiled query, or graphql-js's `execute`. A document is compiled the first time it
 * runs, as GraphQL Yoga's graphql-jit plugin does: the documents this subgraph gets are its router's query plans, and
 * every one of them has passed the request limits (tokens, depth, aliases) that bound what compiling it costs.
 */
export function compiledExecutor(schema: GraphQLSchema): GatewayExecutor {
  const plans = new WeakMap<DocumentNode, Map<string | undefined, Plan>>();
  const planOf = (document: DocumentNode, operation: OperationDefinitionNode): Plan => {
    let byName = plans.get(document);
    if (!byName) plans.set(document, (byName = new Map<string | undefined, Plan>()));
    const name = operation.name?.value;
    let plan = byName.get(name);
    if (plan === undefined) byName.set(name, (plan = runsCompiled(schema, document, operation) ? compile(schema, document, name) : null));
    return plan;
  };

  return async (requestContext: GatewayGraphQLRequestContext) => {
    const { document, operation, request, context } = requestContext;
    const variables = request.variables ?? {};
    // Apollo's HeaderMap answers null for a header that is absent.
    const traced = Boolean(request.http?.headers.get(TRACE_HEADER));
    // Without an operation (none, or none by the name asked), graphql-js says what is wrong, as it does everywhere.
    const compiled = traced || !operation ? null : planOf(document, operation);
    if (!compiled) {
      return execute({ schema, document, contextValue: context, variableValues: variables, operationName: request.operationName });
    }
    // Variables are coerced by graphql-js first, so that a bad one is refused in its words, as on every other path;
    // the compiled query coerces them again (the same scalars' parseValue), which costs little for a few variables.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await compiled.query(undefined, context, variables);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLJsError) } : result;
  };
}

/**
 * graphql-jit reports errors as its own GraphQLError look-alike, whose message cannot be changed and which lacks parts
 * of graphql-js's: every plugin after execution (the request limits mask field suggestions in place; Apollo formats
 * and logs) expects graphql-js's own class. The same message, locations, path, original error and extensions.
 */
function asGraphQLJsError(error: GraphQLError): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const original = error.originalError ?? undefined;
  const converted = new GraphQLError(error.message, { path: error.path, originalError: original, extensions: error.extensions });
  // graphql-js derives locations from the AST nodes, which graphql-jit no longer has: it gives them as it found them.
  return Object.defineProperty(converted, "locations", {
    value: error.locations,
    enumerable: error.locations !== undefined,
    writable: true,
  });
}

function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): CompiledQuery | null {
  try {
    const compiled = compileQuery(schema, document, operationName);
    return isCompiledQuery(compiled) ? compiled : null;
  } catch {
    // Whatever graphql-jit cannot compile, graphql-js runs.
    return null;
  }
}

/**
 * Whether compiled code runs `operation` exactly as graphql-js would. Not for: mutations, which move money and run
 * one field after another (kept on the reference executor); introspection; and a literal of a custom scalar anywhere
 * (a Decimal amount, an _Any representation), since graphql-jit writes parsed literals into its code as JSON and the
 * value reaches the resolver without its type. Variables of those scalars are fine: they are parsed per request.
 */
export function runsCompiled(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return false;
  const typeInfo = new TypeInfo(schema);
  let compilable = true;
  const customLiteral = () => {
    const type = typeInfo.getInputType();
    const named = type ? getNamedType(type) : undefined;
    if (named === undefined || (isScalarType(named) && !isSpecifiedScalarType(named))) compilable = false;
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === "__schema" || node.name.value === "__type") compilable = false;
      },
      [Kind.STRING]: customLiteral,
      [Kind.INT]: customLiteral,
      [Kind.FLOAT]: customLiteral,
      [Kind.BOOLEAN]: customLiteral,
      [Kind.OBJECT]: customLiteral,
      [Kind.LIST]: customLiteral,
      [Kind.ENUM]: customLiteral,
    }),
  );
  return compilable;
}
