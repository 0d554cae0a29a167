// Responsible for the refund ledger in the SQL store (SQLite or PostgreSQL), every write a single conditional statement.
import type { Kysely } from "kysely";
import { ScaledDecimal } from "../money/decimal.js";
import type { Database, RefundRow } from "../store/schema.js";
import type { ClaimResult, HistoryCursor, RefundLedger, Settlement } from "./refund-ledger.js";
import { RefundStatus, type RefundErrorCode, type RefundRecord } from "./refund.js";

/** Lives for the process, over the process's store. */
export class SqlRefundLedger implements RefundLedger {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(candidate: RefundRecord): Promise<ClaimResult> {
    const at = this.now();
    const inserted = await this.db
      .insertInto("refunds")
      .values({
        id: candidate.id,
        idempotency_key: candidate.idempotencyKey,
        parameters_hash: candidate.parametersHash,
        wallet_id: candidate.walletId,
        provider_id: candidate.providerId,
        currency: candidate.currency,
        amount: candidate.amount.toString(),
        status: RefundStatus.PENDING,
        balance_after: null,
        failure_code: null,
        failure_message: null,
        attempt: 1,
        created_at: at,
        updated_at: at,
        settled_at: null,
      })
      .onConflict((conflict) => conflict.column("idempotency_key").doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { claimed: true, refund: toRecord(inserted) };

    const existing = await this.db
      .selectFrom("refunds")
      .selectAll()
      .where("idempotency_key", "=", candidate.idempotencyKey)
      .executeTakeFirstOrThrow();
    return { claimed: false, refund: toRecord(existing) };
  }

  async takeOver(id: string, status: RefundStatus, attempt: number): Promise<RefundRecord | null> {
    const row = await this.db
      .updateTable("refunds")
      .set({
        status: RefundStatus.PENDING,
        attempt: attempt + 1,
        failure_code: null,
        failure_message: null,
        settled_at: null,
        updated_at: this.now(),
      })
      .where("id", "=", id)
      .where("status", "=", status)
      // A refund that succeeded is never attempted again, whoever asks.
      .where("status", "!=", RefundStatus.SUCCEEDED)
      .where("attempt", "=", attempt)
      .returningAll()
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async settle(id: string, attempt: number, settlement: Settlement): Promise<RefundRecord> {
    const at = this.now();
    const row = await this.db
      .updateTable("refunds")
      .set({
        status: settlement.status,
        balance_after: settlement.balanceAfter?.toString() ?? null,
        failure_code: settlement.failureCode ?? null,
        failure_message: settlement.failureMessage ?? null,
        updated_at: at,
        // UNKNOWN is not settled: the reconciler will ask again.
        settled_at: settlement.status === RefundStatus.UNKNOWN ? null : at,
      })
      .where("id", "=", id)
      .where("attempt", "=", attempt)
      .where("status", "=", RefundStatus.PENDING)
      .returningAll()
      .executeTakeFirst();
    if (row) return toRecord(row);
    // Another attempt got there first; its record is the answer.
    const current = await this.get(id);
    if (!current) throw new Error(`refund ${id} disappeared while being settled`);
    return current;
  }

  async get(id: string): Promise<RefundRecord | undefined> {
    const row = await this.db.selectFrom("refunds").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toRecord(row);
  }

  async listForWallet(walletId: string, limit: number, after?: HistoryCursor): Promise<RefundRecord[]> {
    let query = this.db.selectFrom("refunds").selectAll().where("wallet_id", "=", walletId);
    if (after) {
      const createdAt = after.createdAt.getTime();
      query = query.where((eb) =>
        eb.or([eb("created_at", "<", createdAt), eb.and([eb("created_at", "=", createdAt), eb("id", "<", after.id)])]),
      );
    }
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
    return rows.map(toRecord);
  }

  async findUnsettled(updatedBefore: Date, limit: number): Promise<RefundRecord[]> {
    const rows = await this.db
      .selectFrom("refunds")
      .selectAll()
      .where("status", "in", [RefundStatus.PENDING, RefundStatus.UNKNOWN])
      .where("updated_at", "<", updatedBefore.getTime())
      .orderBy("updated_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async prune(settledBefore: Date): Promise<number> {
    const result = await this.db
      .deleteFrom("refunds")
      .where("status", "in", [RefundStatus.SUCCEEDED, RefundStatus.FAILED])
      .where("settled_at", "<", settledBefore.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toRecord(row: RefundRow): RefundRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    parametersHash: row.parameters_hash,
    walletId: row.wallet_id,
    providerId: row.provider_id,
    currency: row.currency,
    amount: ScaledDecimal.parse(row.amount),
    status: row.status as RefundStatus,
    balanceAfter: row.balance_after === null ? null : ScaledDecimal.parse(row.balance_after),
    failureCode: row.failure_code as RefundErrorCode | null,
    failureMessage: row.failure_message,
    attempt: row.attempt,
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    settledAt: row.settled_at === null ? null : new Date(Number(row.settled_at)),
  };
}
