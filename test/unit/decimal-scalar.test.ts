// The Decimal scalar: exact in, exact out, plain notation, and clear refusals.
import { Kind, parseValue as parseLiteralText } from "graphql";
import { describe, expect, it } from "vitest";
import { DecimalScalar } from "../../src/graphql/scalars/decimal.js";
import { Decimal, ScaledDecimal } from "../../src/money/decimal.js";

const serialize = (value: unknown) => DecimalScalar.serialize(value);
const parseValue = (value: unknown) => DecimalScalar.parseValue(value);
const parseLiteral = (source: string) => DecimalScalar.parseLiteral(parseLiteralText(source));

describe("Decimal scalar output", () => {
  it.each([
    ["keeps a provider's scale", ScaledDecimal.parse("100.0"), "100.0"],
    ["keeps every digit", ScaledDecimal.parse("31.1683"), "31.1683"],
    ["writes tiny amounts in plain notation", ScaledDecimal.parse("0.00000001"), "0.00000001"],
    [
      "writes huge amounts in plain notation",
      ScaledDecimal.parse("123456789012345678901234567890.123456789"),
      "123456789012345678901234567890.123456789",
    ],
    ["turns kopecks into a two-decimal amount", ScaledDecimal.fromMinorUnits("50000", 2), "500.00"],
    ["shows negative zero as zero", ScaledDecimal.parse("-0.00"), "0.00"],
    ["keeps negative amounts", ScaledDecimal.parse("-12.50"), "-12.50"],
    ["writes a decimal.js tiny value without exponent", new Decimal("1e-8"), "0.00000001"],
    ["writes a decimal.js huge value without exponent", new Decimal("1e30"), "1000000000000000000000000000000"],
    ["accepts a plain string", "42.10", "42.10"],
    ["accepts a safe integer", 7, "7"],
    ["accepts a bigint", 12345678901234567890n, "12345678901234567890"],
  ])("%s", (_name, value, expected) => {
    expect(serialize(value)).toBe(expected);
  });

  it.each([
    ["a float", 0.1],
    ["NaN", Number.NaN],
    ["an object", { amount: "1" }],
    ["exponent notation", "1e-8"],
    ["garbage", "twelve"],
  ])("refuses to serialize %s", (_name, value) => {
    expect(() => serialize(value)).toThrow(/Decimal cannot serialize/);
  });

  it.each([
    ["a value with ten million decimals", ScaledDecimal.of(new Decimal("1e-10000000"))],
    ["a value past decimal.js's exponent range", ScaledDecimal.of(new Decimal("1e9000000000000000"), 0)],
    ["an infinite value", ScaledDecimal.of(new Decimal(Infinity), 0)],
    ["a decimal.js value of 201 integer digits", new Decimal("1e200")],
  ])("refuses %s in its own words and at once, never with a library's message", (_name, value) => {
    const started = performance.now();
    let thrown: unknown;
    try {
      serialize(value);
    } catch (error) {
      thrown = error;
    }
    expect(performance.now() - started).toBeLessThan(100);
    expect(thrown).toMatchObject({
      message: "Decimal cannot serialize a value beyond the digits it prints",
      extensions: { code: "UNSERIALIZABLE_DECIMAL" },
    });
  });
});

describe("Decimal arithmetic stays exact", () => {
  it("0.1 + 0.2 is 0.3", () => {
    expect(serialize(parseValue("0.1").plus(parseValue("0.2")))).toBe("0.3");
  });

  it("sums 18 integer digits with 8 decimals without rounding", () => {
    const sum = parseValue("999999999999999999.99999999").plus(parseValue("0.00000001"));
    expect(serialize(sum)).toBe("1000000000000000000.00000000");
  });

  it("subtracts to the larger scale", () => {
    expect(serialize(parseValue("300.0").minus(parseValue("200")))).toBe("100.0");
  });
});

describe("Decimal input as a variable", () => {
  it.each([
    ["a decimal string", "31.1683", "31.1683"],
    ["a string with trailing zeros", "500.00", "500.00"],
    ["an integer", 200, "200"],
    ["a negative string", "-5", "-5"],
    ["a long string", "123456789012345678901234567890.000000000000000001", "123456789012345678901234567890.000000000000000001"],
  ])("accepts %s", (_name, input, expected) => {
    expect(parseValue(input).toString()).toBe(expected);
  });

  it("refuses a JSON number with a fraction, telling the caller to send a string", () => {
    expect(() => parseValue(0.1)).toThrow(/must be sent as a string/);
  });

  it("refuses an integer too large to be exact as a JSON number", () => {
    expect(() => parseValue(2 ** 60)).toThrow(/must be sent as a string/);
  });

  it.each([
    ["exponent notation", "1e-8"],
    ["words", "abc"],
    ["an empty string", ""],
    ["a leading space", " 1"],
    ["a trailing point", "1."],
    ["a leading point", ".5"],
    ["hex", "0x10"],
    ["Infinity", "Infinity"],
    ["NaN", "NaN"],
    ["a comma", "1,5"],
  ])("refuses %s", (_name, input) => {
    expect(() => parseValue(input)).toThrow(/Decimal cannot represent/);
  });

  it.each([
    ["a boolean", true],
    ["null", null],
    ["an object", {}],
  ])("refuses %s", (_name, input) => {
    expect(() => parseValue(input)).toThrow(/Decimal cannot represent/);
  });
});

describe("Decimal input as a literal", () => {
  it("accepts a string literal", () => {
    expect(parseLiteral('"0.00000001"').toString()).toBe("0.00000001");
  });

  it("accepts an integer literal of any length, exactly", () => {
    expect(parseLiteral("123456789012345678901234567890").toString()).toBe("123456789012345678901234567890");
  });

  it("refuses a float literal and points at it", () => {
    try {
      parseLiteral("0.1");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/must be sent as a string/);
      expect((error as { nodes?: { kind: string }[] }).nodes?.[0]?.kind).toBe(Kind.FLOAT);
    }
  });

  it("refuses a boolean literal", () => {
    expect(() => parseLiteral("true")).toThrow(/Decimal cannot represent a BooleanValue literal/);
  });
});
