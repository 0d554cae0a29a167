// Responsible for settling the JSON numbers of a request's variables by their types: the Decimal scalar sees the text, every other type the number JSON.parse makes.
import type { ApolloServerPlugin } from "@apollo/server";
import {
  GraphQLID,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { isLosslessNumber } from "lossless-json";
import { plainNumbers } from "../http/lossless-body.js";
import { DecimalScalar } from "./scalars/decimal.js";
import { JsonNumberText } from "./scalars/json-number-text.js";

/** Runs once the operation is known and before its variables are coerced (losslessJsonBody keeps their numbers as text). */
export function losslessVariablesPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, operation, schema }) {
          if (!request.variables || !operation) return;
          request.variables = settleVariables(schema, operation, request.variables);
        },
      };
    },
  };
}

function settleVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const types = new Map<string, GraphQLInputType | undefined>();
  for (const definition of operation.variableDefinitions ?? []) {
    types.set(definition.variable.name.value, typeFromAST(schema, definition.type) as GraphQLInputType | undefined);
  }
  const settled: Record<string, unknown> = {};
  for (const name of Object.keys(variables)) {
    Object.defineProperty(settled, name, {
      value: settle(variables[name], types.get(name)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return settled;
}

function settle(value: unknown, type: GraphQLInputType | undefined): unknown {
  if (type === undefined) return plainNumbers(value);
  if (isLosslessNumber(value)) return numberFor(value.value, type);
  const nullable = isNonNullType(type) ? type.ofType : type;
  if (Array.isArray(value)) return value.map((item) => settle(item, isListType(nullable) ? nullable.ofType : undefined));
  if (typeof value === "object" && value !== null) {
    // A list type given one value takes it as its one item; a scalar given an object (such as _Any) takes it as it is.
    const named = getNamedType(nullable);
    const fields = isInputObjectType(named) ? named.getFields() : undefined;
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = settle(object[key], fields?.[key]?.type);
    return object;
  }
  return value;
}

/** A number for its target: the text for Decimal, the exact digits of a large integer ID, else what JSON.parse would make. */
function numberFor(text: string, type: GraphQLInputType): unknown {
  const named = getNamedType(type);
  if (named.name === DecimalScalar.name) return new JsonNumberText(text);
  const number = Number(text);
  if (named.name === GraphQLID.name && /^-?\d+$/.test(text) && !Number.isSafeInteger(number)) return text;
  return number;
}
