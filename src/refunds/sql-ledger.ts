// Responsible for the refund ledger in the SQL store (SQLite or PostgreSQL), every write a single conditional statement timed by the database.
import { sql, type Kysely, type RawBuilder } from "kysely";
import { ScaledDecimal } from "../money/decimal.js";
import type { StoreDialect } from "../store/open-store.js";
import type { Database, RefundRow } from "../store/schema.js";
import type { ClaimResult, HistoryCursor, RefundLedger, Settlement } from "./refund-ledger.js";
import { RefundStatus, type RefundErrorCode, type RefundRecord } from "./refund.js";

export interface SqlLedgerOptions {
  /** How long a claim holds a record, on the database's clock, before another attempt may take it over. */
  leaseMs: number;
}

/** Lives for the process, over the process's store. */
export class SqlRefundLedger implements RefundLedger {
  /** Milliseconds since the epoch by the database's clock, evaluated inside each statement. */
  private readonly now: RawBuilder<number>;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: StoreDialect,
    private readonly options: SqlLedgerOptions,
  ) {
    this.now = databaseNow(dialect);
  }

  async claim(candidate: RefundRecord): Promise<ClaimResult> {
    // A key released between the insert and the read is free again: the second round claims it.
    for (let round = 0; round < 2; round++) {
      const inserted = await this.db
        .insertInto("refunds")
        .values({
          id: candidate.id,
          idempotency_key: candidate.idempotencyKey,
          live_key: candidate.idempotencyKey,
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
          ever_sent: 0,
          due_at: this.later(this.options.leaseMs),
          created_at: this.now,
          updated_at: this.now,
          settled_at: null,
        })
        .onConflict((conflict) => conflict.column("live_key").doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { claimed: true, refund: toRecord(inserted) };

      const existing = await this.db.selectFrom("refunds").selectAll().where("live_key", "=", candidate.idempotencyKey).executeTakeFirst();
      if (existing) return { claimed: false, refund: toRecord(existing) };
    }
    throw new Error(`the idempotency key ${candidate.idempotencyKey} could not be claimed or read`);
  }

  async takeOver(seen: RefundRecord, options: { onlyWhenDue: boolean }): Promise<RefundRecord | null> {
    let query = this.db
      .updateTable("refunds")
      .set({
        status: RefundStatus.PENDING,
        attempt: seen.attempt + 1,
        // An abandoned claim may have sent its request before its process died.
        ever_sent: seen.status === RefundStatus.PENDING ? 1 : sql<number>`ever_sent`,
        failure_code: null,
        failure_message: null,
        settled_at: null,
        due_at: this.later(this.options.leaseMs),
        updated_at: this.now,
      })
      .where("id", "=", seen.id)
      .where("status", "=", seen.status)
      // A refund that succeeded is never attempted again, whoever asks.
      .where("status", "!=", RefundStatus.SUCCEEDED)
      .where("attempt", "=", seen.attempt);
    if (seen.status === RefundStatus.PENDING || options.onlyWhenDue) query = query.where("due_at", "<=", this.now);
    const row = await query.returningAll().executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async settle(id: string, attempt: number, settlement: Settlement): Promise<RefundRecord> {
    const unsettled = settlement.status === RefundStatus.UNKNOWN;
    const row = await this.db
      .updateTable("refunds")
      .set({
        status: settlement.status,
        balance_after: settlement.balanceAfter?.toString() ?? null,
        failure_code: settlement.failureCode ?? null,
        failure_message: settlement.failureMessage ?? null,
        ever_sent: settlement.sent ? 1 : sql<number>`ever_sent`,
        due_at: unsettled ? this.later(settlement.retryAfterMs ?? 0) : null,
        updated_at: this.now,
        // UNKNOWN is not settled: the reconciler will ask again.
        settled_at: unsettled ? null : this.now,
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

  async findDue(limit: number): Promise<RefundRecord[]> {
    const rows = await this.db
      .selectFrom("refunds")
      .selectAll()
      .where("status", "in", [RefundStatus.PENDING, RefundStatus.UNKNOWN])
      .where("due_at", "<=", this.now)
      .orderBy("due_at", "asc")
      .limit(limit)
      .execute();
    return rows.map(toRecord);
  }

  async countUnsettled(limit: number): Promise<number> {
    const rows = await this.db
      .selectFrom("refunds")
      .select("id")
      .where("status", "in", [RefundStatus.PENDING, RefundStatus.UNKNOWN])
      .limit(limit)
      .execute();
    return rows.length;
  }

  async releaseKeys(retentionMs: number): Promise<number> {
    const result = await this.db
      .updateTable("refunds")
      .set({ live_key: null })
      .where("live_key", "is not", null)
      .where("status", "in", [RefundStatus.SUCCEEDED, RefundStatus.FAILED])
      .where("settled_at", "<", sql<number>`${this.now} - ${retentionMs}`)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  private later(ms: number): RawBuilder<number> {
    return sql<number>`${this.now} + ${Math.round(ms)}`;
  }
}

/**
 * PostgreSQL's now() is the server's clock, the same for every replica. SQLite runs inside the process, so its
 * clock is that host's: one host's store, as SQLite is (replicas on several hosts use PostgreSQL).
 */
function databaseNow(dialect: StoreDialect): RawBuilder<number> {
  return dialect === "postgres"
    ? sql<number>`(floor(extract(epoch from now()) * 1000)::bigint)`
    : sql<number>`(cast(round((julianday('now') - 2440587.5) * 86400000.0) as integer))`;
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
    everSent: Number(row.ever_sent) === 1,
    dueAt: row.due_at === null ? null : new Date(Number(row.due_at)),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    settledAt: row.settled_at === null ? null : new Date(Number(row.settled_at)),
  };
}
