// Responsible for reading provider bodies as JSON without passing any number through a binary float.
import { isLosslessNumber, parse, type LosslessNumber } from "lossless-json";
import { z } from "zod";
import { FailureCode, ProviderError } from "./failure.js";

/**
 * Parses `text` keeping every JSON number as the digits that arrived (a LosslessNumber), so that
 * 31.1683 or a 26-digit balance stays exact. Not JSON: a BAD_RESPONSE provider error.
 */
export function parseLosslessJson(text: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw new ProviderError(FailureCode.BAD_RESPONSE, "the answer is not valid JSON", undefined, { cause: error });
  }
}

/** In a zod schema over a losslessly parsed body: a JSON number that must be a safe integer (an id, a code). */
export const jsonInteger = z
  .custom<LosslessNumber>((raw) => isLosslessNumber(raw) && /^-?\d+$/.test(raw.value), "expected an integer")
  .transform((integer) => Number(integer.value))
  .refine((integer) => Number.isSafeInteger(integer), "integer out of range");
