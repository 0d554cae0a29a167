// AlphaSMS's quick reading of its envelope and balance results: whatever it accepts, the documented schemas accept and read the same.
import fc from "fast-check";
import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { parseLosslessJson } from "../../src/providers/json-body.js";
import { balanceItemAnswer, jsonApiAnswer, quickBalanceItem, quickJsonApiAnswer } from "../../src/providers/alphasms/wire.js";

/** A result as plain data, its amount as text: what two readings must agree on. */
function comparable(item: ReturnType<typeof balanceItemAnswer.parse>) {
  return item.success ? { success: true, amount: item.amount.toString(), currency: item.currency } : item;
}

/** The text as a JSON number where it is one (LosslessNumber refuses the rest), else 1. */
function losslessOr1(text: string): LosslessNumber {
  try {
    return new LosslessNumber(text);
  } catch {
    return new LosslessNumber("1");
  }
}

const amountText = fc.oneof(
  fc.constantFrom("0", "0.00", "31.1683", "1e-7", "-5", "-0", "1e99999", "123456789012345678901", "", "x"),
  fc.tuple(fc.integer({ min: -1000, max: 100000 }), fc.nat({ max: 9999 })).map(([whole, fraction]) => `${whole}.${fraction}`),
);
const flag = fc.constantFrom<unknown>(
  true,
  false,
  new LosslessNumber("1"),
  new LosslessNumber("0"),
  new LosslessNumber("2"),
  "true",
  1,
  undefined,
);
const item = fc.oneof(
  fc.record({
    success: flag,
    data: fc.oneof(
      fc.record({
        amount: fc.oneof(amountText.map(losslessOr1), amountText, fc.constantFrom<unknown>(null, 5)),
        currency: fc.oneof(fc.constantFrom<unknown>("uah", "USD", "usdt", "EURO12", "U$D", "", 3), fc.string({ maxLength: 6 })),
      }),
      fc.constantFrom<unknown>(null, [], "data"),
    ),
  }),
  fc.record({ success: flag, error: fc.oneof(fc.string(), fc.constantFrom<unknown>(7, null)) }),
  fc.constantFrom<unknown>(null, [], "x", 3),
);
const envelope = fc.record({
  success: flag,
  data: fc.oneof(fc.array(item, { maxLength: 3 }), fc.constantFrom<unknown>(null, {}, "x")),
  error: fc.string(),
});

describe("AlphaSMS quick readers", () => {
  it("read the usual answer as the schemas do", () => {
    const json = parseLosslessJson('{"success":true,"data":[{"success":true,"data":{"amount":31.1683,"currency":"uah"}}]}');
    const quick = quickJsonApiAnswer(json);
    expect(quick).toEqual(jsonApiAnswer.parse(json));
    const result = quick!.success ? quick!.data[0] : undefined;
    expect(comparable(quickBalanceItem(result)!)).toEqual(comparable(balanceItemAnswer.parse(result)));
    expect(comparable(quickBalanceItem(result)!)).toEqual({ success: true, amount: "31.1683", currency: "UAH" });
  });

  it("accept nothing the schemas refuse, and read what they accept the same", () => {
    let accepted = 0;
    fc.assert(
      fc.property(envelope, (candidate) => {
        const quick = quickJsonApiAnswer(candidate);
        if (quick !== undefined) {
          accepted++;
          expect(jsonApiAnswer.parse(candidate)).toEqual(quick);
        }
        for (const result of Array.isArray(candidate.data) ? candidate.data : []) {
          const quickItem = quickBalanceItem(result);
          if (quickItem === undefined) continue;
          accepted++;
          expect(comparable(balanceItemAnswer.parse(result))).toEqual(comparable(quickItem));
        }
      }),
      { numRuns: 3000 },
    );
    // The property says something only if some candidates are read quickly.
    expect(accepted).toBeGreaterThan(100);
  });

  it("leave refusals and stray results to the schemas", () => {
    expect(quickJsonApiAnswer({ success: false, error: "Invalid key" })).toBeUndefined();
    expect(quickBalanceItem({ success: false, error: "no such account" })).toBeUndefined();
    expect(quickBalanceItem({ success: true, data: { amount: new LosslessNumber("-1"), currency: "UAH" } })).toBeUndefined();
    expect(balanceItemAnswer.safeParse({ success: true, data: { amount: new LosslessNumber("-1"), currency: "UAH" } }).success).toBe(false);
  });
});
