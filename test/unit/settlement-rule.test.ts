// The one settlement rule, outcome by outcome: only an answer naming our request settles, and a sent refund is never "nothing was taken".
import { describe, expect, it } from "vitest";
import { FailureCode, type ProviderFailure } from "../../src/providers/failure.js";
import type { RefundOutcome } from "../../src/providers/provider.js";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { RefundStatus, type RefundRecord } from "../../src/refunds/refund.js";
import { retryDelayMs, settlementFor, type AttemptOutcome } from "../../src/refunds/settlement-rule.js";

const BACKOFF = { firstMs: 2_000, maxMs: 60_000 };

function record(everSent: boolean, attempt = 1): RefundRecord {
  const at = new Date();
  return {
    id: "00000000-0000-4000-8000-000000000001",
    idempotencyKey: "00000000-0000-4000-8000-000000000002",
    parametersHash: "a".repeat(64),
    walletId: "tester",
    providerId: "lucky-monaco",
    currency: "USD",
    amount: ScaledDecimal.parse("1.00"),
    status: RefundStatus.PENDING,
    balanceAfter: null,
    failureCode: null,
    failureMessage: null,
    attempt,
    everSent,
    dueAt: null,
    createdAt: at,
    updatedAt: at,
    settledAt: null,
  };
}

const failure = (code: FailureCode): ProviderFailure => ({
  providerId: "lucky-monaco",
  currency: "USD",
  code,
  retryable: true,
  message: code,
});
const rejected = (evidence: "our-uuid" | "before-sending" | "none"): RefundOutcome => ({
  status: "REJECTED",
  reason: "INSUFFICIENT_FUNDS",
  message: "Not Enough Balance (code 3)",
  providerCode: "3",
  evidence,
});

describe("the settlement rule", () => {
  it.each<[string, AttemptOutcome, boolean, string, string | null, boolean]>([
    // name, outcome, ever sent before, status, failure code, this attempt sent
    [
      "an OK naming our uuid",
      { status: "SUCCEEDED", account: "tester", balanceAfter: ScaledDecimal.parse("9.00") },
      false,
      "SUCCEEDED",
      null,
      true,
    ],
    ["a refusal naming our uuid", rejected("our-uuid"), true, "FAILED", "INSUFFICIENT_FUNDS", true],
    ["a refusal without our uuid", rejected("none"), false, "UNKNOWN", "OUTCOME_UNKNOWN", true],
    ["a refusal before sending, never sent", rejected("before-sending"), false, "FAILED", "INSUFFICIENT_FUNDS", false],
    ["a refusal before sending, sent before", rejected("before-sending"), true, "UNKNOWN", "OUTCOME_UNKNOWN", false],
    [
      "a refused connection, never sent",
      { status: "NOT_SENT", failure: failure(FailureCode.UNREACHABLE) },
      false,
      "FAILED",
      "PROVIDER_UNAVAILABLE",
      false,
    ],
    [
      "a refused connection, sent before",
      { status: "NOT_SENT", failure: failure(FailureCode.UNREACHABLE) },
      true,
      "UNKNOWN",
      "OUTCOME_UNKNOWN",
      false,
    ],
    [
      "an open circuit, sent before",
      { status: "NOT_SENT", failure: failure(FailureCode.CIRCUIT_OPEN) },
      true,
      "UNKNOWN",
      "OUTCOME_UNKNOWN",
      false,
    ],
    [
      "refused credentials after sending",
      { status: "UNKNOWN", failure: failure(FailureCode.AUTH_FAILED) },
      false,
      "UNKNOWN",
      "OUTCOME_UNKNOWN",
      true,
    ],
    ["a timeout", { status: "UNKNOWN", failure: failure(FailureCode.TIMEOUT) }, false, "UNKNOWN", "OUTCOME_UNKNOWN", true],
    ["a throw from the client", { status: "CRASHED", error: new Error("bug") }, false, "UNKNOWN", "OUTCOME_UNKNOWN", true],
  ])("%s", (_name, outcome, everSent, status, failureCode, sent) => {
    const settlement = settlementFor(record(everSent), outcome, BACKOFF);
    expect(settlement).toMatchObject({ status, sent });
    expect(settlement.failureCode ?? null).toBe(failureCode);
    if (status === "UNKNOWN") expect(settlement.retryAfterMs).toBe(BACKOFF.firstMs);
    else expect(settlement.retryAfterMs).toBeUndefined();
  });

  it("never settles a refund that was ever sent as 'nothing was taken', whatever the outcome", () => {
    const outcomes: AttemptOutcome[] = [
      rejected("before-sending"),
      rejected("none"),
      ...Object.values(FailureCode).flatMap((code): AttemptOutcome[] => [
        { status: "NOT_SENT", failure: failure(code) },
        { status: "UNKNOWN", failure: failure(code) },
      ]),
      { status: "CRASHED", error: undefined },
    ];
    for (const outcome of outcomes) {
      expect(settlementFor(record(true), outcome, BACKOFF).status, JSON.stringify(outcome)).toBe(RefundStatus.UNKNOWN);
    }
  });

  it("doubles the retry delay with each attempt, up to the longest", () => {
    expect([1, 2, 3, 4, 5, 6, 100].map((attempt) => retryDelayMs(attempt, BACKOFF))).toEqual([
      2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
  });
});
