// Responsible for how many items one provider answer may hold, counted before any item is read.
import { z } from "zod";

/** Balances, assets or currencies in one answer: more than any account holds, far less than a hostile answer can list. */
export const MAX_ANSWER_ITEMS = 1_000;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `schema` over an object of at most MAX_ANSWER_ITEMS keys; a larger one is refused unread. */
export function fewKeys<Output>(schema: z.ZodType<Output, Record<string, unknown>>): z.ZodType<Output> {
  return z
    .custom<Record<string, unknown>>(isPlainObject, "expected an object")
    .refine((object) => Object.keys(object).length <= MAX_ANSWER_ITEMS, {
      message: `lists more than ${MAX_ANSWER_ITEMS} entries`,
      abort: true,
    })
    .pipe(schema);
}
