// Responsible for the refund rows tests handle straight in a store: a PENDING claim to write, and time passing over written ones.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { RefundStatus, type RefundRecord } from "../../src/refunds/refund.js";
import type { Database } from "../../src/store/schema.js";

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
    // Claimed, not sent yet: no outcome, and no time but its own.
    status: RefundStatus.PENDING,
    attempt: 1,
    everSent: false,
    balanceAfter: null,
    failureCode: null,
    failureMessage: null,
    createdAt: now,
    updatedAt: now,
    dueAt: null,
    settledAt: null,
    ...overrides,
  };
}

/** Moves the times of the refund whose `column` is `value` into the past, as time passing would (a store's clock cannot be wound). */
export async function ageRefund(db: Kysely<Database>, column: "id" | "idempotency_key", value: string, ms: number): Promise<void> {
  await db
    .updateTable("refunds")
    .set((eb) => ({
      created_at: eb("created_at", "-", ms),
      updated_at: eb("updated_at", "-", ms),
      settled_at: eb("settled_at", "-", ms),
      due_at: eb("due_at", "-", ms),
    }))
    .where(column, "=", value)
    .execute();
}
