// Responsible for the SLOT_SPEC wire format: request bodies and answers as zod schemas, amounts as exact decimals.
import { z } from "zod";
import { ScaledDecimal, isPlainDecimal } from "../../money/decimal.js";
import { plainAmount, plainAmountOf } from "../answer-amounts.js";
import { MAX_ANSWER_ITEMS, fewKeys } from "../answer-size.js";
import { isPlainObject } from "../kit/answer-shape.js";
import { jsonInteger, jsonNumberText } from "../json-body.js";
import { CURRENCY_FORM, FAILED_ANSWER_MAY_OMIT_UUID, ID_MAX_LENGTH, ID_MIN_LENGTH, UUID_FORM, UUID_LENGTH } from "./codes.js";

/* ------------------------------------------------------------------------------------------------
 * Request bodies (the simulator validates with these too, so both sides share the documented limits)
 * ---------------------------------------------------------------------------------------------- */

const userId = z.string().min(ID_MIN_LENGTH).max(ID_MAX_LENGTH);
const currency = z.string().regex(CURRENCY_FORM);
const requestUuid = z.string().length(UUID_LENGTH).regex(UUID_FORM);

/** Decimal text in plain notation, kept as text: what is sent is exactly what the caller wrote. */
const positiveAmountText = z
  .string()
  // One check, not two: zod runs every refinement even after one failed, and parse throws on non-decimals.
  .refine((text) => isPlainDecimal(text) && ScaledDecimal.parse(text).isPositive(), "must be a positive decimal in plain notation");

export const balanceRequest = z.object({ id: userId, currency, uuid: requestUuid });
export type BalanceRequest = z.infer<typeof balanceRequest>;

export const infoRequest = z.object({ id: userId, uuid: requestUuid });
export type InfoRequest = z.infer<typeof infoRequest>;

export const refundRequest = z.object({ id: userId, currency, amount: positiveAmountText, uuid: requestUuid });
export type RefundRequestBody = z.infer<typeof refundRequest>;

/* ------------------------------------------------------------------------------------------------
 * Answers (over `parseLosslessJson`: a key written twice is refused, a number arrives as its digits)
 * ---------------------------------------------------------------------------------------------- */

/** An amount as the provider wrote it, scale kept ("100.0" stays "100.0"), within AMOUNT_BOUNDS. A JSON number is refused: it may already have lost digits. */
const amountText = plainAmount;

/** A balance: a negative one is not something this API can hold, so the answer is not trusted. */
const balanceText = amountText.refine((amount) => !amount.isNegative(), "a balance cannot be negative");

const ok = z.object({ status: z.literal("OK"), uuid: z.string() });

const failedAnswer = z.object({
  status: z.literal("Failed"),
  // Without FAILED_ANSWER_MAY_OMIT_UUID, a Failed answer lacking `uuid` is not the documented shape.
  uuid: FAILED_ANSWER_MAY_OMIT_UUID ? z.string().optional() : z.string(),
  code: jsonInteger,
  // The page types it as a number, every example carries a string: take either, it is only shown.
  reason: z.union([z.string(), jsonNumberText]).optional(),
});
export type FailedAnswer = z.output<typeof failedAnswer>;

export const balanceAnswer = z.discriminatedUnion("status", [ok.extend({ balance: balanceText }), failedAnswer]);

export const infoAnswer = z.discriminatedUnion("status", [
  ok.extend({ wallet: fewKeys(z.record(z.string().min(1), balanceText)) }),
  failedAnswer,
]);

export const refundAnswer = z.discriminatedUnion("status", [
  ok.extend({ currency: z.string(), amount: amountText, balance: balanceText }),
  failedAnswer,
]);
export type RefundAnswer = z.output<typeof refundAnswer>;

/** The documented OK answers, as the simulator writes them (amounts as decimal text). */
export interface BalanceOkBody {
  status: "OK";
  uuid: string;
  balance: string;
}
export interface InfoOkBody {
  status: "OK";
  uuid: string;
  wallet: Record<string, string>;
}
export interface RefundOkBody {
  status: "OK";
  uuid: string;
  currency: string;
  amount: string;
  balance: string;
}
export interface FailedBody {
  status: "Failed";
  uuid?: string;
  code: number;
  reason: string;
}

/* ------------------------------------------------------------------------------------------------
 * The OK answers of balance reads, read quickly: what the schemas above read from an OK answer they accept, written
 * out (a property test holds them to the schemas); undefined for anything else, which the schemas then read and name
 * ---------------------------------------------------------------------------------------------- */

type BalanceAnswer = z.output<typeof balanceAnswer>;
type InfoAnswer = z.output<typeof infoAnswer>;

/** `balanceText`, written out: a plain decimal string that is not negative. */
function balanceOf(value: unknown): ScaledDecimal | undefined {
  const amount = plainAmountOf(value);
  return amount === undefined || amount.isNegative() ? undefined : amount;
}

/** What `balanceAnswer` reads from an OK answer. */
export function quickBalanceAnswer(answer: unknown): BalanceAnswer | undefined {
  if (!isPlainObject(answer) || answer.status !== "OK" || typeof answer.uuid !== "string") return undefined;
  const balance = balanceOf(answer.balance);
  return balance === undefined ? undefined : { status: "OK", uuid: answer.uuid, balance };
}

/** What `infoAnswer` reads from an OK answer. */
export function quickInfoAnswer(answer: unknown): InfoAnswer | undefined {
  if (!isPlainObject(answer) || answer.status !== "OK" || typeof answer.uuid !== "string" || !isPlainObject(answer.wallet)) {
    return undefined;
  }
  const currencies = Object.keys(answer.wallet);
  if (currencies.length > MAX_ANSWER_ITEMS) return undefined;
  const wallet: Record<string, ScaledDecimal> = {};
  for (const currency of currencies) {
    const balance = balanceOf(answer.wallet[currency]);
    if (currency === "" || balance === undefined) return undefined;
    wallet[currency] = balance;
  }
  return { status: "OK", uuid: answer.uuid, wallet };
}
