// Responsible for how large and how fine an amount may be, judged on its text before any decimal is built.
import type { ScaledDecimal } from "./decimal.js";

/** No account holds 10^18 of anything, and no provider writes more than 18 decimals. */
export const AMOUNT_BOUNDS = {
  /** Digits before the point, leading zeros aside. */
  maxIntegerDigits: 18,
  /** Decimals as written (trailing zeros count: they are part of the amount's scale). */
  maxDecimals: 18,
  /** Characters of the text, sign, point and exponent included: a longer text is refused unread. */
  maxTextLength: 64,
  /** Digits of an exponent ("1e-8", "5E+3"): more can only mean a value far beyond the bounds. */
  maxExponentDigits: 4,
} as const;

/** How an amount is written: decimal text ("31.50"), a JSON number ("1.5e-3"), or an integer count of minor units ("3150"). */
export type AmountForm = "plain" | "json-number" | "minor-units";

const FORMS: Record<AmountForm, RegExp> = {
  plain: /^-?(\d+)(?:\.(\d+))?$/,
  "json-number": /^-?(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/,
  "minor-units": /^-?(\d+)$/,
};

const FORM_NAMES: Record<AmountForm, string> = {
  plain: "a decimal in plain notation",
  "json-number": "a JSON number",
  "minor-units": "an integer count of minor units",
};

/**
 * Why `text` is not a bounded amount of this form, or null when it is. Reads only the text (at
 * most `maxTextLength` characters of it), so an answer such as `1e-1000000000` costs nothing.
 * `minorScale`: the decimals one minor unit stands for (2 for kopecks), for the minor-units form.
 */
export function amountTextProblem(text: string, form: AmountForm, minorScale = 0): string | null {
  if (text.length > AMOUNT_BOUNDS.maxTextLength) return `is ${text.length} characters long (at most ${AMOUNT_BOUNDS.maxTextLength})`;
  const match = FORMS[form].exec(text);
  if (!match) return `must be ${FORM_NAMES[form]}`;
  const [, integer = "", fraction = "", exponentText = "0"] = match;
  if (exponentText.replace(/^[+-]/, "").length > AMOUNT_BOUNDS.maxExponentDigits) return "has an exponent out of range";
  const exponent = Number(exponentText);

  const decimals = Math.max(0, fraction.length - exponent) + (form === "minor-units" ? minorScale : 0);
  if (decimals > AMOUNT_BOUNDS.maxDecimals) return `has ${decimals} decimals (at most ${AMOUNT_BOUNDS.maxDecimals})`;

  const digits = integer + fraction;
  const leadingZeros = digits.length - digits.replace(/^0+/, "").length;
  const integerDigits = Math.max(0, integer.length + exponent - leadingZeros - (form === "minor-units" ? minorScale : 0));
  if (integerDigits > AMOUNT_BOUNDS.maxIntegerDigits) {
    return `has ${integerDigits} integer digits (at most ${AMOUNT_BOUNDS.maxIntegerDigits})`;
  }
  return null;
}

/** True when a decimal already built stays within the bounds: the last check before an amount is shown. */
export function isBoundedAmount(amount: ScaledDecimal): boolean {
  const value = amount.value;
  if (!value.isFinite()) return false;
  if (amount.scale > AMOUNT_BOUNDS.maxDecimals || value.decimalPlaces() > AMOUNT_BOUNDS.maxDecimals) return false;
  // A Decimal's exponent is the power of ten of its first digit: 18 integer digits is an exponent of 17 at most.
  return value.isZero() || value.e < AMOUNT_BOUNDS.maxIntegerDigits;
}
