// Responsible for the Decimal scalar: exact decimals that travel as strings in plain notation.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { Decimal, ScaledDecimal, isPlainDecimal } from "../../money/decimal.js";
import { JsonNumberText } from "./json-number-text.js";

const SEND_A_STRING =
  'Decimal must be sent as a string (for example "0.1") or an integer: a JSON number with a fraction has already lost precision';

function fromText(text: string, node?: ValueNode): ScaledDecimal {
  if (!isPlainDecimal(text)) {
    throw new GraphQLError(
      `Decimal cannot represent ${JSON.stringify(text)}: expected plain notation such as "12.50" or "-3"`,
      node ? { nodes: node } : undefined,
    );
  }
  return ScaledDecimal.parse(text);
}

/** Digits a printed amount may hold, either side of the point: the precision every sum is computed to. */
const MAX_PRINTED_DIGITS = Decimal.precision;

function fromInput(input: unknown): ScaledDecimal {
  if (typeof input === "string") return fromText(input);
  // A JSON number of the request body, as its text: the rule of a literal, an integer and never a fraction or exponent.
  if (input instanceof JsonNumberText) {
    if (/^-?\d+$/.test(input.text)) return ScaledDecimal.parse(input.text);
    throw new GraphQLError(SEND_A_STRING);
  }
  if (typeof input === "number") {
    if (Number.isSafeInteger(input)) return ScaledDecimal.parse(String(input));
    throw new GraphQLError(SEND_A_STRING);
  }
  throw new GraphQLError(`Decimal cannot represent a value of type ${input === null ? "null" : typeof input}`);
}

const CANNOT_SERIALIZE = { extensions: { code: "UNSERIALIZABLE_DECIMAL" } };

/**
 * Plain notation, or a refusal of our own words: a value too large or too fine to print (which
 * would take seconds and megabytes, or throw a library's message) never reaches the answer.
 */
function printed(value: ScaledDecimal): string {
  const decimal = value.value;
  const fits = decimal.isFinite() && value.scale <= MAX_PRINTED_DIGITS && (decimal.isZero() || Math.abs(decimal.e) < MAX_PRINTED_DIGITS);
  if (!fits) throw new GraphQLError("Decimal cannot serialize a value beyond the digits it prints", CANNOT_SERIALIZE);
  return value.toString();
}

export const DecimalScalar = new GraphQLScalarType<ScaledDecimal, string>({
  name: "Decimal",
  description:
    'An exact decimal number, written as a string in plain notation ("31.1683", "500.00", "0.00000001"). ' +
    "Input accepts a string or an integer; a number with a fraction is refused, send it as a string.",

  serialize(value: unknown): string {
    if (value instanceof ScaledDecimal) return printed(value);
    if (Decimal.isDecimal(value)) return printed(ScaledDecimal.of(value));
    if (typeof value === "string" && isPlainDecimal(value)) return printed(ScaledDecimal.parse(value));
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
    throw new GraphQLError(`Decimal cannot serialize ${JSON.stringify(String(value).slice(0, 40))}`, CANNOT_SERIALIZE);
  },

  parseValue: fromInput,

  parseLiteral(node: ValueNode): ScaledDecimal {
    switch (node.kind) {
      case Kind.STRING:
        return fromText(node.value, node);
      case Kind.INT:
        // An integer literal is exact text in the document, however long.
        return ScaledDecimal.parse(node.value);
      case Kind.FLOAT:
        throw new GraphQLError(SEND_A_STRING, { nodes: node });
      default:
        throw new GraphQLError(`Decimal cannot represent a ${node.kind} literal`, { nodes: node });
    }
  },
});
