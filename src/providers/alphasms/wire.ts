// Responsible for the AlphaSMS JSON API wire format: the request body, and answers as zod schemas over a losslessly parsed body.
import { isLosslessNumber, type LosslessNumber } from "lossless-json";
import { z } from "zod";
import { CURRENCY_CODE_FORM, currencyCode } from "../../config/provider-common.js";
import type { ScaledDecimal } from "../../money/decimal.js";
import { jsonNumberAmount, jsonNumberAmountOf } from "../answer-amounts.js";
import { isPlainObject } from "../kit/answer-shape.js";
import { AMOUNT_MAY_BE_DECIMAL_STRING, BALANCE_ITEM_TYPE, NEGATIVE_AMOUNT_ACCEPTED, SUCCESS_FLAG_MAY_BE_INTEGER } from "./codes.js";

/* ------------------------------------------------------------------------------------------------
 * Request
 * ---------------------------------------------------------------------------------------------- */

interface BalanceItemRequest {
  type: typeof BALANCE_ITEM_TYPE;
}

interface JsonApiRequest {
  /** The API key. */
  auth: string;
  data: BalanceItemRequest[];
}

/** `count` balance items under one key: the provider answers them one by one, in the same order. */
export function balanceRequestBody(apiKey: string, count: number): string {
  const body: JsonApiRequest = { auth: apiKey, data: Array.from({ length: count }, () => ({ type: BALANCE_ITEM_TYPE })) };
  return JSON.stringify(body);
}

/** What the simulator reads of a request (it carries no amounts, so plain JSON.parse is fine there). */
export const jsonApiRequest = z.object({
  auth: z.string(),
  data: z.array(z.looseObject({ type: z.unknown().optional() })).min(1),
});

/* ------------------------------------------------------------------------------------------------
 * Answers (over `parseLosslessJson`: every JSON number arrives as a LosslessNumber)
 * ---------------------------------------------------------------------------------------------- */

const integerFlag = z
  .custom<LosslessNumber>((value) => isLosslessNumber(value) && (value.value === "0" || value.value === "1"), "expected true or false")
  .transform((value) => value.value === "1");

/** `success`: a boolean as the examples write it, or 1/0 as the page's table types it (see codes.ts). */
const successFlag = SUCCESS_FLAG_MAY_BE_INTEGER ? z.union([z.boolean(), integerFlag]) : z.boolean();

/** The account's balance, every digit as sent (31.1683 stays 31.1683, never a binary float), within AMOUNT_BOUNDS. */
const AMOUNT_FORMS = { plainStrings: AMOUNT_MAY_BE_DECIMAL_STRING };
const amountValue = jsonNumberAmount(AMOUNT_FORMS).refine(
  (amount) => NEGATIVE_AMOUNT_ACCEPTED || !amount.isNegative(),
  "a balance cannot be negative",
);

/** The provider's currency code, uppercased; anything that is not a code is not trusted. */
const answerCurrency = z
  .string()
  .transform((code) => code.toUpperCase())
  .pipe(currencyCode);

const balanceData = z.object({ amount: amountValue, currency: answerCurrency });

export type BalanceItemAnswer = { success: true; amount: ScaledDecimal; currency: string } | { success: false; error: string };

export type JsonApiAnswer = { success: true; data: unknown[] } | { success: false; error: string };

/**
 * An object whose `success` flag decides which shape the rest must have. Written by hand rather
 * than as a union so that a shape error names the field that is wrong, not "invalid union".
 */
function flagged<Ok, Failed>(ok: z.ZodType<Ok>, failed: z.ZodType<Failed>): z.ZodType<Ok | Failed> {
  return z.looseObject({ success: successFlag }).transform((value, context): Ok | Failed => {
    const parsed = value.success ? ok.safeParse(value) : failed.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        context.addIssue({ code: "custom", path: issue.path, message: issue.message });
      }
      return z.NEVER;
    }
    return parsed.data;
  });
}

const failedShape = z.object({ error: z.string() }).transform(({ error }) => ({ success: false as const, error }));

/** One result of the `data` array answering a `{"type":"balance"}` item. */
export const balanceItemAnswer: z.ZodType<BalanceItemAnswer> = flagged(
  z.object({ data: balanceData }).transform(({ data }) => ({ success: true as const, ...data })),
  failedShape,
);

/** The envelope; its items are read separately, with `balanceItemAnswer`, once their count is checked. */
export const jsonApiAnswer: z.ZodType<JsonApiAnswer> = flagged(
  z.object({ data: z.array(z.unknown()) }).transform(({ data }) => ({ success: true as const, data })),
  failedShape,
);

/* ------------------------------------------------------------------------------------------------
 * The usual answers read quickly: what the schemas above read from an answer they accept, written out (a property
 * test holds them to the schemas); undefined for anything else, which the schemas then read and name
 * ---------------------------------------------------------------------------------------------- */

/** `successFlag` read as true. */
function succeeded(flag: unknown): boolean {
  return flag === true || (SUCCESS_FLAG_MAY_BE_INTEGER && isLosslessNumber(flag) && flag.value === "1");
}

/** What `jsonApiAnswer` reads from a successful envelope; undefined for anything else. */
export function quickJsonApiAnswer(answer: unknown): JsonApiAnswer | undefined {
  if (!isPlainObject(answer) || !succeeded(answer.success) || !Array.isArray(answer.data)) return undefined;
  return { success: true, data: answer.data as unknown[] };
}

/** What `balanceItemAnswer` reads from a balance result; undefined for anything else (a refused item among them). */
export function quickBalanceItem(item: unknown): BalanceItemAnswer | undefined {
  if (!isPlainObject(item) || !succeeded(item.success) || !isPlainObject(item.data)) return undefined;
  const amount = jsonNumberAmountOf(item.data.amount, AMOUNT_FORMS);
  const currency = typeof item.data.currency === "string" ? item.data.currency.toUpperCase() : undefined;
  if (amount === undefined || currency === undefined || !CURRENCY_CODE_FORM.test(currency)) return undefined;
  if (!NEGATIVE_AMOUNT_ACCEPTED && amount.isNegative()) return undefined;
  return { success: true, amount, currency };
}
