// The one bound on provider amounts: judged on the text, so that no hostile exponent or length is ever expanded.
import { describe, expect, it } from "vitest";
import { AMOUNT_BOUNDS, amountTextProblem, isBoundedAmount, type AmountForm } from "../../src/money/amount-bounds.js";
import { Decimal, ScaledDecimal } from "../../src/money/decimal.js";

describe("amountTextProblem", () => {
  it.each([
    ["31.1683", "json-number"],
    ["1e-8", "json-number"],
    ["1.5E+3", "json-number"],
    ["123456789012345678.123456789012345678", "plain"],
    ["0.000000000000000001", "plain"],
    ["1e17", "json-number"],
    ["1e-18", "json-number"],
    ["100.0", "plain"],
    ["12345678901234567899", "minor-units"],
    ["0", "minor-units"],
  ] as const)("accepts %s as %s", (text, form) => {
    expect(amountTextProblem(text, form, form === "minor-units" ? 2 : 0)).toBeNull();
  });

  const refused: [string, AmountForm, RegExp][] = [
    ["1e-1000000000", "json-number", /exponent out of range/],
    ["1e-10000000", "json-number", /exponent out of range/],
    ["1e18", "json-number", /19 integer digits/],
    ["1e-19", "json-number", /19 decimals/],
    ["1.0e-18", "json-number", /19 decimals/],
    ["1234567890123456789", "plain", /19 integer digits/],
    ["0.0000000000000000001", "plain", /19 decimals/],
    [`0.${"1".repeat(900_000)}`, "plain", /characters long/],
    ["0".repeat(65), "plain", /characters long/],
    ["123456789012345678901", "minor-units", /19 integer digits/],
    ["1.5", "minor-units", /integer count/],
    ["1e3", "plain", /plain notation/],
    ["01", "json-number", /JSON number/],
    ["NaN", "json-number", /JSON number/],
  ];
  /** A long text is named by its start and length: the whole of it would fill the report. */
  const named = refused.map(
    ([text, form, reason]) => [text.length > 40 ? `${text.slice(0, 12)}… (${text.length} characters)` : text, form, text, reason] as const,
  );

  it.each(named)("refuses %s as %s", (_label, form, text, reason) => {
    expect(amountTextProblem(text, form, form === "minor-units" ? 2 : 0)).toMatch(reason);
  });

  it("counts integer digits after leading zeros and the exponent's shift", () => {
    expect(amountTextProblem(`0000${"9".repeat(18)}`, "plain")).toBeNull();
    expect(amountTextProblem("0.0001e21", "json-number")).toBeNull();
    expect(amountTextProblem("0.0001e22", "json-number")).toMatch(/19 integer digits/);
  });
});

describe("isBoundedAmount", () => {
  it("holds for what the text bound lets through, and not beyond", () => {
    expect(isBoundedAmount(ScaledDecimal.parse("999999999999999999.999999999999999999"))).toBe(true);
    expect(isBoundedAmount(ScaledDecimal.parse("0"))).toBe(true);
    expect(isBoundedAmount(ScaledDecimal.parse("1000000000000000000"))).toBe(false);
    expect(isBoundedAmount(ScaledDecimal.of(new Decimal("1e-19")))).toBe(false);
    expect(isBoundedAmount(ScaledDecimal.of(new Decimal(Infinity), 0))).toBe(false);
    expect(isBoundedAmount(ScaledDecimal.of(new Decimal(1), AMOUNT_BOUNDS.maxDecimals + 1))).toBe(false);
  });
});
