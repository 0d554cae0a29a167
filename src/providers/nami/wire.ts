// Responsible for the Nami Exchange wire format: answers as zod schemas over losslessly parsed JSON, and the answer text the simulator writes, amounts exact both ways.
import { z } from "zod";
import { jsonNumberAmount, jsonNumberAmountOf } from "../answer-amounts.js";
import { MAX_ANSWER_ITEMS, fewKeys } from "../answer-size.js";
import { isPlainObject } from "../kit/answer-shape.js";
import { jsonInteger, jsonIntegerOf } from "../json-body.js";
import { AMOUNT_MAY_BE_DECIMAL_STRING, BROKER_ERROR_STATUS, OK_STATUS } from "./codes.js";

/* ------------------------------------------------------------------------------------------------
 * Answers, as the client reads them (over `parseLosslessJson`, so numbers arrive as their digits)
 * ---------------------------------------------------------------------------------------------- */

/** Within AMOUNT_BOUNDS; see AMOUNT_MAY_BE_DECIMAL_STRING in codes.ts. */
const AMOUNT_FORMS = { plainStrings: AMOUNT_MAY_BE_DECIMAL_STRING };
const amount = jsonNumberAmount(AMOUNT_FORMS);

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
type BalanceEntry = BalanceOkAnswer["data"][string];

/**
 * What `balanceOkAnswer` reads from an answer it accepts, read without zod; undefined for anything else (the schema
 * then says what is wrong). The answer every balance read gets: this is most of the CPU the client spends on it.
 */
export function quickBalanceOk(answer: unknown): BalanceOkAnswer | undefined {
  if (!isPlainObject(answer) || answer.status !== OK_STATUS || !isPlainObject(answer.data)) return undefined;
  const assetIds = Object.keys(answer.data);
  if (assetIds.length > MAX_ANSWER_ITEMS) return undefined;
  const data: Record<string, BalanceEntry> = {};
  for (const assetId of assetIds) {
    const entry = answer.data[assetId];
    if (!ASSET_ID_FORM.test(assetId) || !isPlainObject(entry)) return undefined;
    const value = jsonNumberAmountOf(entry.value, AMOUNT_FORMS);
    const locked = jsonNumberAmountOf(entry.locked_value, AMOUNT_FORMS);
    const type = jsonIntegerOf(entry.type);
    if (value === undefined || locked === undefined || type === undefined) return undefined;
    if (value.isNegative() || locked.isNegative() || locked.compare(value) > 0) return undefined;
    data[assetId] = { value, locked_value: locked, type };
  }
  return { status: OK_STATUS, data };
}

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
