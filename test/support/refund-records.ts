// Responsible for the refund rows tests write straight into a ledger: one PENDING claim, never sent, whatever a test overrides.
import { randomUUID } from "node:crypto";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { RefundStatus, type RefundRecord } from "../../src/refunds/refund.js";

/** A fresh PENDING claim of 200.0 USD from "tester" at lucky-monaco, first attempt, created and updated now. */
export function pendingRefund(overrides: Partial<RefundRecord> = {}): RefundRecord {
  const now = new Date();
  return {
    id: randomUUID(),
    idempotencyKey: randomUUID(),
    parametersHash: "a".repeat(64),
    walletId: "tester",
    providerId: "lucky-monaco",
    currency: "USD",
    amount: ScaledDecimal.parse("200.0"),
    status: RefundStatus.PENDING,
    balanceAfter: null,
    failureCode: null,
    failureMessage: null,
    attempt: 1,
    everSent: false,
    dueAt: null,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    ...overrides,
  };
}
