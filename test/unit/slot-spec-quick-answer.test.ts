// SLOT_SPEC's quick reading of its OK balance answers: whatever it accepts, the documented schemas accept and read the same.
import fc from "fast-check";
import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { parseLosslessJson } from "../../src/providers/json-body.js";
import { balanceAnswer, infoAnswer, quickBalanceAnswer, quickInfoAnswer } from "../../src/providers/slot-spec/wire.js";

/** Any value with its amounts as text: what two readings must agree on. */
function comparable(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ScaledDecimal) return value.toString();
  return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, comparable(entry)]));
}

const amount = fc.oneof(
  fc.constantFrom<unknown>("0", "0.00", "100.0", "31.1683", "-1", "-0.00", "1e5", "", "abc", "0123", "1234567890123456789"),
  fc.tuple(fc.nat({ max: 10 ** 6 }), fc.nat({ max: 9999 })).map(([whole, fraction]) => `${whole}.${fraction}`),
  fc.constantFrom<unknown>(new LosslessNumber("5"), null, 5, {}),
);
const status = fc.constantFrom<unknown>("OK", "Failed", "ok", undefined);
const uuid = fc.constantFrom<unknown>("0f8b2c3e-1d4a-4b5c-9e6f-7a8b9c0d1e2f", "", 7, undefined);
const balance = fc.record({ status, uuid, balance: amount, extra: fc.string() }, { requiredKeys: ["status", "uuid", "balance"] });
const info = fc.record({
  status,
  uuid,
  wallet: fc.oneof(
    fc.dictionary(fc.oneof(fc.constantFrom("USD", "EUR", ""), fc.string({ maxLength: 4 })), amount, { maxKeys: 5 }),
    fc.constantFrom<unknown>(null, [], "x"),
  ),
});

describe("SLOT_SPEC quick readers", () => {
  it("read the usual answers as the schemas do", () => {
    const single = parseLosslessJson('{"status":"OK","uuid":"0f8b2c3e-1d4a-4b5c-9e6f-7a8b9c0d1e2f","balance":"100.0"}');
    expect(comparable(quickBalanceAnswer(single))).toEqual(comparable(balanceAnswer.parse(single)));
    expect(comparable(quickBalanceAnswer(single))).toMatchObject({ balance: "100.0" });
    const wallet = parseLosslessJson('{"status":"OK","uuid":"u","wallet":{"USD":"31.50","EUR":"0"}}');
    expect(comparable(quickInfoAnswer(wallet))).toEqual(comparable(infoAnswer.parse(wallet)));
  });

  it("accept nothing the schemas refuse, and read what they accept the same", () => {
    let accepted = 0;
    fc.assert(
      fc.property(balance, info, (single, wallet) => {
        const quickSingle = quickBalanceAnswer(single);
        if (quickSingle !== undefined) {
          accepted++;
          expect(comparable(balanceAnswer.parse(single))).toEqual(comparable(quickSingle));
        }
        const quickWallet = quickInfoAnswer(wallet);
        if (quickWallet !== undefined) {
          accepted++;
          expect(comparable(infoAnswer.parse(wallet))).toEqual(comparable(quickWallet));
        }
      }),
      { numRuns: 3000 },
    );
    // The property says something only if some candidates are read quickly.
    expect(accepted).toBeGreaterThan(20);
  });

  it("leave refusals and negative balances to the schemas", () => {
    expect(quickBalanceAnswer({ status: "Failed", uuid: "u", code: new LosslessNumber("3"), reason: "no" })).toBeUndefined();
    expect(quickBalanceAnswer({ status: "OK", uuid: "u", balance: "-1.00" })).toBeUndefined();
    expect(balanceAnswer.safeParse({ status: "OK", uuid: "u", balance: "-1.00" }).success).toBe(false);
  });
});
