// Responsible for what every peer server of the benchmark does per request as the product does: the router secret, the caller, the request context and graphql-armor's rules.
import "reflect-metadata";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  BREAK,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  Kind,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type ValueNode,
} from "graphql";
import { ROUTER_SECRET_HEADER, ROUTER_SECRET_REFUSAL, routerSecretMatcher } from "../../src/auth/router-secret.js";
import { createRequestContext, type RequestContext } from "../../src/context.js";
import { buildWalletSchema } from "../../src/graphql/schema.js";
import { DEFAULT_LIMITS, protect, type Protection } from "../../src/http/request-limits.js";
import type { ServeOptions } from "./serve.js";

export { ROUTER_SECRET_REFUSAL };

export interface Peer {
  schema: GraphQLSchema;
  /** graphql-armor as the product runs it with introspection off: no field suggestions. */
  protection: Protection;
  /** Whether the request carries the router secret (compared in constant time). */
  isRouter(headers: IncomingHttpHeaders): boolean;
  /** The product's request context for this Authorization header; throws an UNAUTHENTICATED GraphQLError (HTTP 401). */
  context(authorization: string | undefined): Promise<RequestContext>;
  /** Whether graphql-jit runs this document as graphql-js does (see jitKeepsLiterals); remembered per document. */
  jitRuns(document: DocumentNode): boolean;
}

export async function createPeer({ services, verifyCaller, routerSecret }: ServeOptions): Promise<Peer> {
  const matches = routerSecretMatcher(routerSecret);
  const schema = await buildWalletSchema(services.supergraph);
  const jitVerdicts = new WeakMap<DocumentNode, boolean>();
  return {
    schema,
    protection: protect({ ...DEFAULT_LIMITS, fieldSuggestions: false }),
    isRouter: (headers) => matches(headers[ROUTER_SECRET_HEADER]),
    // As src/server.ts builds it: the loader reports its batch sizes to the metrics.
    context: async (authorization) => createRequestContext(services, await verifyCaller(authorization), services.metrics.balanceBatch),
    jitRuns(document) {
      let verdict = jitVerdicts.get(document);
      if (verdict === undefined) jitVerdicts.set(document, (verdict = jitKeepsLiterals(schema, document)));
      return verdict;
    },
  };
}

export function isUnauthenticated(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === "UNAUTHENTICATED";
}

/** The GraphQL URL of a listening server, written as src/server.ts writes it. */
export function graphqlUrlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(":") ? `[${host}]` : host;
  return `http://${shown === "0.0.0.0" ? "127.0.0.1" : shown}:${port}/graphql`;
}

/**
 * graphql-jit writes each literal argument into the code it generates as JSON, and parses a scalar literal without the
 * variables (zalando-incubator/graphql-jit#157, #266): a Decimal literal (`amount: "20.0"`) reaches the resolver as the
 * string "20.0", not a ScaledDecimal, and `$id` inside an `_Any` literal is lost. Such a document runs on graphql-js.
 */
function jitKeepsLiterals(schema: GraphQLSchema, document: DocumentNode): boolean {
  const typeInfo = new TypeInfo(schema);
  let keeps = true;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        if (argument && !literalKept(node.value, argument.type)) {
          keeps = false;
          return BREAK;
        }
        return false;
      },
    }),
  );
  return keeps;
}

function literalKept(node: ValueNode, type: GraphQLInputType): boolean {
  if (node.kind === Kind.VARIABLE || node.kind === Kind.NULL) return true;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    return node.kind === Kind.LIST ? node.values.every((item) => literalKept(item, nullable.ofType)) : literalKept(node, nullable.ofType);
  }
  if (isInputObjectType(nullable)) {
    const fields = nullable.getFields();
    return (
      node.kind !== Kind.OBJECT ||
      node.fields.every((field) => !fields[field.name.value] || literalKept(field.value, fields[field.name.value]!.type))
    );
  }
  // A scalar or an enum: its parsed value must survive JSON, and hold no variable.
  let variable = false;
  visit(node, { Variable: () => ((variable = true), BREAK) });
  return !variable && isJson(valueFromAST(node, nullable));
}

function isJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value !== "object") return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(isJson);
}
