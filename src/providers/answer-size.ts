// Responsible for how many items one provider answer may hold, counted before any item is read.
import { z } from "zod";
import { isPlainObject } from "./kit/answer-shape.js";

/** Balances, assets or currencies in one answer: more than any account holds, far less than a hostile answer can list. */
export const MAX_ANSWER_ITEMS = 1_000;

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
