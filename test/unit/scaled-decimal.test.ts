// ScaledDecimal keeps the text an amount arrived as only where toFixed would print the same.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, ScaledDecimal } from "../../src/money/decimal.js";

/** What toString printed before it kept the arriving text: toFixed at the text's own scale, negative zero as zero. */
function printedByToFixed(text: string): string {
  const point = text.indexOf(".");
  const scale = point < 0 ? 0 : text.length - point - 1;
  const value = new Decimal(text);
  return (value.isZero() ? new Decimal(0) : value).toFixed(scale);
}

const plainDecimal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^\d{1,30}$/), fc.option(fc.stringMatching(/^\d{1,20}$/), { nil: undefined }))
  .map(([negative, whole, fraction]) => `${negative ? "-" : ""}${whole}${fraction === undefined ? "" : `.${fraction}`}`);

describe("ScaledDecimal text", () => {
  it("prints what it parsed exactly as toFixed at its scale would, leading zeros and negative zeros included", () => {
    fc.assert(
      fc.property(plainDecimal, (text) => {
        expect(ScaledDecimal.parse(text).toString()).toBe(printedByToFixed(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ["007.50", "7.50"],
    ["-0.00", "0.00"],
    ["-0", "0"],
    ["0.000", "0.000"],
    ["-12.340", "-12.340"],
    ["100000000000000000000000.000000000000000001", "100000000000000000000000.000000000000000001"],
  ])("%s prints as %s", (text, printed) => {
    expect(ScaledDecimal.parse(text).toString()).toBe(printed);
  });

  it("prints sums and kopecks at their scale", () => {
    expect(ScaledDecimal.parse("0.1").plus(ScaledDecimal.parse("0.20")).toString()).toBe("0.30");
    expect(ScaledDecimal.fromMinorUnits("50001", 2).toString()).toBe("500.01");
  });
});
