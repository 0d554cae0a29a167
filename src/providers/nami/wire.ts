// Responsible for the Nami Exchange wire format: answers as zod schemas over losslessly parsed JSON, and the answer text the simulator writes, amounts exact both ways.
import { z } from "zod";
import { jsonNumberAmount } from "../answer-amounts.js";
import { fewKeys } from "../answer-size.js";
import { jsonInteger } from "../json-body.js";
import { AMOUNT_MAY_BE_DECIMAL_STRING, BROKER_ERROR_STATUS, OK_STATUS } from "./codes.js";

/* ------------------------------------------------------------------------------------------------
 * Answers, as the client reads them (over `parseLosslessJson`, so numbers arrive as their digits)
 * ---------------------------------------------------------------------------------------------- */

/** Within AMOUNT_BOUNDS; see AMOUNT_MAY_BE_DECIMAL_STRING in codes.ts. */
const amount = jsonNumberAmount({ plainStrings: AMOUNT_MAY_BE_DECIMAL_STRING });

/** An asset id as the exchange writes its keys: digits. */
export const ASSET_ID_FORM = /^\d+$/;

const balanceEntry = z
  .object({
    value: amount,
    locked_value: amount,
    // INFERRED: it echoes the wallet type asked (the page shows 0 for spot). Nothing relies on that, so only its shape is checked.
    type: jsonInteger,
  })
  // A wallet cannot hold less than nothing, nor lock more than it holds: such an answer is not trusted as money.
  .refine((entry) => !entry.value.isNegative() && !entry.locked_value.isNegative(), "an amount cannot be negative")
  .refine((entry) => entry.locked_value.compare(entry.value) <= 0, "locked_value cannot exceed value");

export const balanceOkAnswer = z.object({
  status: z.literal(OK_STATUS),
  data: fewKeys(z.record(z.string().regex(ASSET_ID_FORM, "an asset id must be digits"), balanceEntry)),
});
export type BalanceOkAnswer = z.output<typeof balanceOkAnswer>;

export const brokerErrorAnswer = z.object({
  status: z.literal(BROKER_ERROR_STATUS),
  code: z.union([jsonInteger, z.string().min(1)]),
  data: z.unknown().optional(),
  // Only shown to people: whatever it is, it is not trusted to be a string.
  message: z.unknown().optional(),
});
export type BrokerErrorAnswer = z.output<typeof brokerErrorAnswer>;

/** NestJS's refusal body: `{"statusCode":401,"message":"...","error":"Unauthorized"}`. */
export const unauthorizedAnswer = z.object({
  statusCode: jsonInteger,
  message: z.unknown().optional(),
  error: z.unknown().optional(),
});

/* ------------------------------------------------------------------------------------------------
 * Answers, as the simulator writes them: JSON text built by hand so amounts go out as the digits held
 * ---------------------------------------------------------------------------------------------- */

/** One asset of a wallet: amounts as JSON number text ("1234.56789012", "1e-7"), written as they are. */
export interface WrittenEntry {
  assetId: string;
  value: string;
  lockedValue: string;
  type: number;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** True when `text` can be written as a JSON number as it is. */
export function isJsonNumberText(text: string): boolean {
  return JSON_NUMBER.test(text);
}

/**
 * `{"status":"ok","data":{"22":{"value":1234.5,"locked_value":0,"type":0}}}`. With `asStrings`,
 * amounts are written as JSON strings of the same digits.
 */
export function writeBalanceOk(entries: readonly WrittenEntry[], options: { asStrings?: boolean } = {}): string {
  const number = (text: string): string => {
    if (!isJsonNumberText(text)) throw new RangeError(`not a JSON number: ${JSON.stringify(text)}`);
    return options.asStrings ? JSON.stringify(text) : text;
  };
  const data = entries.map(
    (entry) =>
      `${JSON.stringify(entry.assetId)}:{"value":${number(entry.value)},"locked_value":${number(entry.lockedValue)},"type":${entry.type}}`,
  );
  return `{"status":${JSON.stringify(OK_STATUS)},"data":{${data.join(",")}}}`;
}

export function writeBrokerError(code: number, message: string, data: Record<string, unknown> = {}): string {
  return JSON.stringify({ status: BROKER_ERROR_STATUS, code, data, message });
}

export function writeNestError(statusCode: number, message: string, error: string): string {
  return JSON.stringify({ statusCode, message, error });
}
