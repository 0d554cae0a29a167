// Reading providers' amounts: every form, zeros shared without being changeable, and the forms still refused.
import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { jsonNumberAmount, minorUnitsAmount, plainAmount } from "../../src/providers/answer-amounts.js";

const json = jsonNumberAmount({ plainStrings: true });

describe("amount readers", () => {
  it("read a zero in every form with the scale its form gives it", () => {
    expect(plainAmount.parse("0").toString()).toBe("0");
    expect(plainAmount.parse("0.00").toString()).toBe("0.00");
    expect(json.parse(new LosslessNumber("0")).toString()).toBe("0");
    expect(json.parse(new LosslessNumber("0e-3")).toString()).toBe("0");
    expect(json.parse("0").toString()).toBe("0");
    expect(minorUnitsAmount(2, { digitStrings: false }).parse(new LosslessNumber("0")).toString()).toBe("0.00");
    expect(minorUnitsAmount(0, { digitStrings: true }).parse("0").toString()).toBe("0");
  });

  it("give zeros that later arithmetic cannot change for the next reader", () => {
    const first = minorUnitsAmount(2, { digitStrings: false }).parse(new LosslessNumber("0"));
    expect(first.plus(json.parse(new LosslessNumber("31.5"))).toString()).toBe("31.50");
    const second = minorUnitsAmount(2, { digitStrings: false }).parse(new LosslessNumber("0"));
    expect(second.toString()).toBe("0.00");
    expect(second.value.isZero()).toBe(true);
  });

  it("still refuse what is not an amount of the form", () => {
    expect(plainAmount.safeParse("-0x0").success).toBe(false);
    expect(plainAmount.safeParse("00").success).toBe(true);
    expect(json.safeParse(new LosslessNumber("1e-99999")).success).toBe(false);
    expect(minorUnitsAmount(2, { digitStrings: false }).safeParse("0").success).toBe(false);
  });

  it("read other amounts exactly", () => {
    expect(json.parse(new LosslessNumber("1234.56789012")).toString()).toBe("1234.56789012");
    expect(minorUnitsAmount(2, { digitStrings: true }).parse("3150").toString()).toBe("31.50");
    expect(plainAmount.parse("100.0").toString()).toBe("100.0");
  });
});
