// Responsible for reading every amount a provider writes: its text is bounded first, then it becomes an exact decimal.
import { isLosslessNumber, type LosslessNumber } from "lossless-json";
import { z } from "zod";
import { AMOUNT_BOUNDS, amountTextProblem, type AmountForm } from "../money/amount-bounds.js";
import { ScaledDecimal } from "../money/decimal.js";

/** The text as its form allows, within AMOUNT_BOUNDS, as an exact decimal; else what is wrong with it. */
function amountOf(text: string, form: AmountForm, minorScale: number): ScaledDecimal | { problem: string } {
  const scale = form === "minor-units" ? minorScale : 0;
  // "0", the amount providers write most (accounts list what they do not hold at zero): a shared zero, no Decimal built.
  if (text === "0" && scale <= AMOUNT_BOUNDS.maxDecimals) return ScaledDecimal.zero(scale);
  const problem = amountTextProblem(text, form, minorScale);
  if (problem !== null) return { problem };
  if (form === "minor-units") return ScaledDecimal.fromMinorUnits(text, minorScale);
  return form === "plain" ? ScaledDecimal.parse(text) : ScaledDecimal.fromJsonNumberText(text);
}

/** A JSON number read from its digits; a string (where the protocol allows one) in plain notation. */
function jsonAmountOf(value: LosslessNumber | string): ScaledDecimal | { problem: string } {
  return typeof value === "string" ? amountOf(value, "plain", 0) : amountOf(value.value, "json-number", 0);
}

/** An amount inside a zod schema: what is wrong with it becomes the schema's issue. */
function issueUnless(amount: ScaledDecimal | { problem: string }, context: z.RefinementCtx): ScaledDecimal {
  if (amount instanceof ScaledDecimal) return amount;
  context.addIssue({ code: "custom", message: `the amount ${amount.problem}` });
  return z.NEVER;
}

/**
 * What `jsonNumberAmount(options)` reads from `value`, or undefined where it would not: for a protocol's quick
 * reading of its usual answer, which leaves whatever it does not recognise to the schema and its message.
 */
export function jsonNumberAmountOf(value: unknown, options: { plainStrings: boolean }): ScaledDecimal | undefined {
  if (!isLosslessNumber(value) && !(options.plainStrings && typeof value === "string")) return undefined;
  const amount = jsonAmountOf(value);
  return amount instanceof ScaledDecimal ? amount : undefined;
}

/** What `plainAmount` reads from `value`, or undefined where it would not (for a protocol's quick reading). */
export function plainAmountOf(value: unknown): ScaledDecimal | undefined {
  if (typeof value !== "string") return undefined;
  const amount = amountOf(value, "plain", 0);
  return amount instanceof ScaledDecimal ? amount : undefined;
}

/** A JSON number of a losslessly parsed body, or (where the protocol allows it) a string. */
function numberOrString(strings: boolean, expected: string) {
  return z.custom<LosslessNumber | string>((value) => isLosslessNumber(value) || (strings && typeof value === "string"), expected);
}

/** A decimal string in plain notation ("100.0"), scale kept. */
export const plainAmount = z.string().transform((text, context) => issueUnless(amountOf(text, "plain", 0), context));

/**
 * In a schema over a losslessly parsed body: a JSON number ("31.1683", "1e-8") read from its digits;
 * with `plainStrings`, a decimal string in plain notation too.
 */
export function jsonNumberAmount(options: { plainStrings: boolean }) {
  return numberOrString(
    options.plainStrings,
    options.plainStrings ? "expected a JSON number or a decimal string" : "expected a JSON number",
  ).transform((value, context) => issueUnless(jsonAmountOf(value), context));
}

/** An integer count of minor units (a JSON integer; with `digitStrings`, a string of digits too) as an amount with `scale` decimals. */
export function minorUnitsAmount(scale: number, options: { digitStrings: boolean }) {
  return numberOrString(
    options.digitStrings,
    options.digitStrings ? "expected a JSON integer or a string of digits" : "expected a JSON integer",
  ).transform((value, context) => issueUnless(amountOf(typeof value === "string" ? value : value.value, "minor-units", scale), context));
}
