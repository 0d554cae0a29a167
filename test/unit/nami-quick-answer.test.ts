// Nami's quick reading of its balance answer: whatever it accepts, the documented schema accepts and reads the same.
import fc from "fast-check";
import { LosslessNumber } from "lossless-json";
import { describe, expect, it } from "vitest";
import { parseLosslessJson } from "../../src/providers/json-body.js";
import { balanceOkAnswer, quickBalanceOk, writeBalanceOk } from "../../src/providers/nami/wire.js";

/** An answer as plain data, amounts as their text: what two readings must agree on. */
function comparable(answer: ReturnType<typeof balanceOkAnswer.parse>) {
  return {
    status: answer.status,
    data: Object.entries(answer.data).map(([assetId, entry]) => [
      assetId,
      entry.value.toString(),
      entry.locked_value.toString(),
      entry.type,
    ]),
  };
}

const amountText = fc.oneof(
  fc.constantFrom("0", "0.0", "1", "1234.56789012", "31.1683", "1e-7", "1E+3", "-1", "-0", "00", "1.", ".5", "1e99999", "", "abc"),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
  fc.tuple(fc.nat(), fc.nat({ max: 10 ** 9 })).map(([whole, fraction]) => `${whole}.${fraction}`),
);
/** The text as a JSON number where it is one (LosslessNumber refuses the rest), else 1. */
function losslessOr1(text: string): LosslessNumber {
  try {
    return new LosslessNumber(text);
  } catch {
    return new LosslessNumber("1");
  }
}
const amount = fc.oneof(amountText.map(losslessOr1), amountText, fc.constantFrom(null, true, 7, [] as unknown[], {}));
const entry = fc.oneof(
  fc.record({ value: amount, locked_value: amount, type: fc.constantFrom<unknown>(new LosslessNumber("0"), new LosslessNumber("1")) }),
  fc.record({
    value: amount,
    locked_value: amount,
    type: fc.constantFrom<unknown>(new LosslessNumber("1.5"), new LosslessNumber("99999999999999999999"), "0", undefined),
    extra: fc.string(),
  }),
  fc.constantFrom<unknown>(null, [], "x"),
);
const assetId = fc.oneof(fc.constantFrom("1", "9", "22", "72"), fc.string({ maxLength: 4 }));
const answer = fc.record({
  status: fc.constantFrom<unknown>("ok", "OK", "error", undefined),
  data: fc.oneof(fc.dictionary(assetId, entry, { maxKeys: 8 }), fc.constantFrom<unknown>(null, [], "data")),
});

describe("quickBalanceOk", () => {
  it("reads the usual answer as the schema does", () => {
    const body = writeBalanceOk([
      { assetId: "1", value: "1234.56789012", lockedValue: "0", type: 0 },
      { assetId: "9", value: "0", lockedValue: "0", type: 0 },
      { assetId: "22", value: "31.1683", lockedValue: "1.5", type: 0 },
      { assetId: "39", value: "1e-7", lockedValue: "0", type: 0 },
    ]);
    const json = parseLosslessJson(body);
    const quick = quickBalanceOk(json);
    expect(quick).toBeDefined();
    expect(comparable(quick!)).toEqual(comparable(balanceOkAnswer.parse(json)));
  });

  it("accepts nothing the schema refuses, and reads what it accepts the same", () => {
    let accepted = 0;
    fc.assert(
      fc.property(answer, (candidate) => {
        const quick = quickBalanceOk(candidate);
        const schema = balanceOkAnswer.safeParse(candidate);
        if (quick === undefined) return;
        accepted++;
        expect(schema.success).toBe(true);
        expect(comparable(quick)).toEqual(comparable(schema.data!));
      }),
      { numRuns: 3000 },
    );
    // The property says something only if some candidates are read quickly.
    expect(accepted).toBeGreaterThan(10);
  });

  it("leaves to the schema the answers it refuses, so that their message says where they stray", () => {
    for (const stray of [
      {
        status: "ok",
        data: { "22": { value: new LosslessNumber("-1"), locked_value: new LosslessNumber("0"), type: new LosslessNumber("0") } },
      },
      {
        status: "ok",
        data: { "22": { value: new LosslessNumber("1"), locked_value: new LosslessNumber("2"), type: new LosslessNumber("0") } },
      },
      {
        status: "ok",
        data: { abc: { value: new LosslessNumber("1"), locked_value: new LosslessNumber("0"), type: new LosslessNumber("0") } },
      },
      { status: "ok", data: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [String(i), {}])) },
      { status: "ok", data: [] },
    ]) {
      expect(quickBalanceOk(stray)).toBeUndefined();
      expect(balanceOkAnswer.safeParse(stray).success).toBe(false);
    }
  });
});
