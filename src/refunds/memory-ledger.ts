// Responsible for a refund ledger held in this process's memory: correct for one process, lost at exit.
import { RefundStatus, type RefundRecord } from "./refund.js";
import type { ClaimResult, RefundLedger, Settlement } from "./refund-ledger.js";

/** Lives for the process. Each method's check and write happen in one synchronous step, so they are atomic here. */
export class MemoryRefundLedger implements RefundLedger {
  private readonly byKey = new Map<string, RefundRecord>();
  private readonly byId = new Map<string, RefundRecord>();

  async claim(candidate: RefundRecord): Promise<ClaimResult> {
    const existing = this.byKey.get(candidate.idempotencyKey);
    if (existing) return { claimed: false, refund: { ...existing } };
    const record = { ...candidate, status: RefundStatus.PENDING };
    this.byKey.set(record.idempotencyKey, record);
    this.byId.set(record.id, record);
    return { claimed: true, refund: { ...record } };
  }

  async reopen(id: string, from: RefundStatus): Promise<boolean> {
    const record = this.byId.get(id);
    if (!record || record.status !== from) return false;
    Object.assign(record, {
      status: RefundStatus.PENDING,
      failureCode: null,
      failureMessage: null,
      settledAt: null,
    });
    return true;
  }

  async settle(id: string, settlement: Settlement): Promise<RefundRecord> {
    const record = this.byId.get(id);
    if (!record) throw new Error(`no refund ${id}`);
    Object.assign(record, {
      status: settlement.status,
      balanceAfter: settlement.balanceAfter ?? null,
      failureCode: settlement.failureCode ?? null,
      failureMessage: settlement.failureMessage ?? null,
      settledAt: new Date(),
    });
    return { ...record };
  }

  async get(id: string): Promise<RefundRecord | undefined> {
    const record = this.byId.get(id);
    return record && { ...record };
  }
}
