// Responsible for reading provider bodies as JSON without passing any number through a binary float.
import { isLosslessNumber, parse, type LosslessNumber } from "lossless-json";
import { z } from "zod";
import { FailureCode, ProviderError } from "./failure.js";

/**
 * Characters inside the strings of one answer, keys included. Balance answers carry a few hundred; the
 * lossless parser reads strings a character at a time (about 0.3 s for a megabyte), so more is refused first.
 */
const MAX_ANSWER_TEXT = 64 * 1024;

/**
 * Parses `text` keeping every JSON number as the digits that arrived (a LosslessNumber), so that
 * 31.1683 or a 26-digit balance stays exact. Not JSON, a key written twice with two values, or more
 * text than MAX_ANSWER_TEXT: a BAD_RESPONSE provider error.
 */
export function parseLosslessJson(text: string): unknown {
  // The strings of a text never hold more characters than the text itself: a short answer (every balance answer) is parsed once.
  if (text.length > MAX_ANSWER_TEXT) refuseLongStrings(text);
  try {
    return parse(text);
  } catch (error) {
    // A repeated key with two values, or nesting deeper than the parser goes.
    throw new ProviderError(FailureCode.BAD_RESPONSE, "the answer is not valid JSON", { cause: error });
  }
}

/** A BAD_RESPONSE when `text` is not JSON or its strings hold more than MAX_ANSWER_TEXT characters. */
function refuseLongStrings(text: string): void {
  let plain: unknown;
  try {
    // The platform's parser checks the syntax and measures the text in a few milliseconds, whatever the body.
    plain = JSON.parse(text);
  } catch (error) {
    throw new ProviderError(FailureCode.BAD_RESPONSE, "the answer is not valid JSON", { cause: error });
  }
  const where = whereTextExceeds(plain, MAX_ANSWER_TEXT);
  if (where !== null) {
    throw new ProviderError(FailureCode.BAD_RESPONSE, `the answer holds more than ${MAX_ANSWER_TEXT} characters of text${where}`);
  }
}

/**
 * Null when the strings of `value` (keys included) hold at most `max` characters; else where the total
 * went over (" at data.0.error"). Walked without recursion, so nesting depth costs nothing more.
 */
function whereTextExceeds(value: unknown, max: number): string | null {
  let total = 0;
  const pending: [unknown, string][] = [[value, ""]];
  while (pending.length > 0) {
    const [next, path] = pending.pop()!;
    if (typeof next === "string") total += next.length;
    else if (Array.isArray(next)) next.forEach((item, index) => pending.push([item, childPath(path, String(index))]));
    else if (typeof next === "object" && next !== null) {
      for (const [key, entry] of Object.entries(next)) {
        total += key.length;
        pending.push([entry, childPath(path, key)]);
      }
    }
    if (total > max) return path === "" ? "" : ` at ${path}`;
  }
  return null;
}

/** A path for a message: it stops growing at about 100 characters, however deep or long the keys. */
function childPath(path: string, key: string): string {
  if (path.length >= PATH_SHOWN) return path;
  return (path === "" ? key : `${path}.${key}`).slice(0, PATH_SHOWN);
}
const PATH_SHOWN = 100;

/** In a zod schema over a losslessly parsed body: any JSON number, as the text that arrived (for words only shown, never money). */
export const jsonNumberText = z
  .custom<LosslessNumber>((raw) => isLosslessNumber(raw), "expected a JSON number")
  .transform((number) => number.value);

/** What `jsonInteger` reads from `value`, or undefined where it would not (for a protocol's quick reading). */
export function jsonIntegerOf(value: unknown): number | undefined {
  if (!isLosslessNumber(value) || !/^-?\d+$/.test(value.value)) return undefined;
  const integer = Number(value.value);
  return Number.isSafeInteger(integer) ? integer : undefined;
}

/** In a zod schema over a losslessly parsed body: a JSON number that must be a safe integer (an id, a code). */
export const jsonInteger = z
  .custom<LosslessNumber>((raw) => isLosslessNumber(raw) && /^-?\d+$/.test(raw.value), "expected an integer")
  .transform((integer) => Number(integer.value))
  .refine((integer) => Number.isSafeInteger(integer), "integer out of range");
