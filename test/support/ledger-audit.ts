// Compares the refund ledger with the provider's own record, key by key, as an auditor would: debits, sends, and sends open at once.
import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import type { Database } from "../../src/store/schema.js";

export interface KeyAudit {
  key: string;
  /** The ledger's record for the key, or null when it has none. */
  status: string | null;
  amount: string | null;
  /** The amounts the provider applied with this uuid. */
  debits: string[];
  /** Refund requests the provider received with this uuid. */
  sends: number;
  /** The most of them open at once. */
  mostOpen: number;
}

export async function auditKeys(db: Kysely<Database>, simulator: SlotSpecSimulator, keys: readonly string[]): Promise<KeyAudit[]> {
  const rows =
    keys.length === 0
      ? []
      : await db
          .selectFrom("refunds")
          .select(["idempotency_key", "status", "amount"])
          .where("idempotency_key", "in", [...keys])
          .execute();
  const ledger = new Map(rows.map((row) => [row.idempotency_key, row]));
  const debits = simulator.debits();
  return keys.map((key) => ({
    key,
    status: ledger.get(key)?.status ?? null,
    amount: ledger.get(key)?.amount ?? null,
    debits: debits.filter((debit) => debit.uuid.toLowerCase() === key).map((debit) => debit.amount),
    sends: simulator.sendsOf(key),
    mostOpen: simulator.mostOpenAtOnce(key),
  }));
}

export const isUnsettled = (audit: KeyAudit): boolean => audit.status === "PENDING" || audit.status === "UNKNOWN";

/** The figures a case reports: keys, debits, ledger outcomes, most sends open at once for one key, records unsettled. */
export function summary(audits: readonly KeyAudit[]): string {
  const outcomes: Record<string, number> = {};
  for (const audit of audits) outcomes[audit.status ?? "NO_RECORD"] = (outcomes[audit.status ?? "NO_RECORD"] ?? 0) + 1;
  return JSON.stringify({
    keys: audits.length,
    debits: audits.reduce((sum, audit) => sum + audit.debits.length, 0),
    sends: audits.reduce((sum, audit) => sum + audit.sends, 0),
    outcomes,
    mostOpenForOneKey: Math.max(0, ...audits.map((audit) => audit.mostOpen)),
    unsettled: audits.filter(isUnsettled).length,
  });
}

/** Every key settled, the ledger equal to the provider's debits, and never two sends of one key open at once. */
export function expectLedgerEqualsProvider(audits: readonly KeyAudit[]): void {
  for (const audit of audits) {
    const where = `${audit.key}: ${JSON.stringify(audit)}`;
    expect(audit.mostOpen, where).toBeLessThanOrEqual(1);
    expect(audit.debits.length, where).toBeLessThanOrEqual(1);
    expect(isUnsettled(audit), where).toBe(false);
    if (audit.status === "SUCCEEDED") expect(audit.debits, where).toEqual([audit.amount]);
    else expect(audit.debits, where).toEqual([]);
  }
}
