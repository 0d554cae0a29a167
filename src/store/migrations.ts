// Responsible for the store's migrations: one list for both dialects, run at start, safe when replicas start together.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from "kysely";

/** In order; never edit one that has shipped, add the next. */
const MIGRATIONS: Record<string, Migration> = {
  "2026-11-21-001-refunds": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("refunds")
        .addColumn("id", "varchar(36)", (column) => column.primaryKey())
        .addColumn("idempotency_key", "varchar(36)", (column) => column.notNull().unique())
        .addColumn("parameters_hash", "varchar(64)", (column) => column.notNull())
        .addColumn("wallet_id", "varchar(64)", (column) => column.notNull())
        .addColumn("provider_id", "varchar(32)", (column) => column.notNull())
        .addColumn("currency", "varchar(5)", (column) => column.notNull())
        .addColumn("amount", "varchar(64)", (column) => column.notNull())
        .addColumn("status", "varchar(16)", (column) => column.notNull())
        .addColumn("balance_after", "varchar(64)")
        .addColumn("failure_code", "varchar(64)")
        .addColumn("failure_message", "text")
        .addColumn("attempt", "integer", (column) => column.notNull())
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("updated_at", "bigint", (column) => column.notNull())
        .addColumn("settled_at", "bigint")
        .execute();
      // A wallet's history, newest first, paged by (created_at, id).
      await db.schema.createIndex("refunds_wallet_history").on("refunds").columns(["wallet_id", "created_at", "id"]).execute();
      // The reconciler's and the pruner's scans.
      await db.schema.createIndex("refunds_status_updated").on("refunds").columns(["status", "updated_at"]).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("refunds").execute();
    },
  },
  "2026-11-21-002-account-links": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("account_links")
        .addColumn("id", "varchar(36)", (column) => column.primaryKey())
        .addColumn("wallet_id", "varchar(64)", (column) => column.notNull())
        .addColumn("provider_id", "varchar(32)", (column) => column.notNull())
        .addColumn("account_ref", "varchar(128)", (column) => column.notNull())
        .addColumn("details", "text", (column) => column.notNull())
        .addColumn("created_at", "bigint", (column) => column.notNull())
        // An account belongs to one wallet at most.
        .addUniqueConstraint("account_links_account", ["provider_id", "account_ref"])
        .execute();
      await db.schema.createIndex("account_links_wallet").on("account_links").columns(["wallet_id", "provider_id"]).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("account_links").execute();
    },
  },
  "2026-12-03-003-refunds-kept": {
    // Refunds are never deleted again: a key is released instead (its `live_key` cleared), and the row stays.
    // SQLite cannot drop the old unique constraint on idempotency_key, so the table is rebuilt, the same way on both.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("refunds_next")
        .addColumn("id", "varchar(36)", (column) => column.primaryKey())
        .addColumn("idempotency_key", "varchar(36)", (column) => column.notNull())
        .addColumn("live_key", "varchar(36)", (column) => column.unique())
        .addColumn("parameters_hash", "varchar(64)", (column) => column.notNull())
        .addColumn("wallet_id", "varchar(64)", (column) => column.notNull())
        .addColumn("provider_id", "varchar(32)", (column) => column.notNull())
        .addColumn("currency", "varchar(5)", (column) => column.notNull())
        .addColumn("amount", "varchar(64)", (column) => column.notNull())
        .addColumn("status", "varchar(16)", (column) => column.notNull())
        .addColumn("balance_after", "varchar(64)")
        .addColumn("failure_code", "varchar(64)")
        .addColumn("failure_message", "text")
        .addColumn("attempt", "integer", (column) => column.notNull())
        .addColumn("ever_sent", "integer", (column) => column.notNull())
        .addColumn("due_at", "bigint")
        .addColumn("created_at", "bigint", (column) => column.notNull())
        .addColumn("updated_at", "bigint", (column) => column.notNull())
        .addColumn("settled_at", "bigint")
        .execute();
      // Unsettled rows of the previous version: an UNKNOWN one is due now, a PENDING one after the default take-over delay.
      await sql`
        insert into refunds_next (id, idempotency_key, live_key, parameters_hash, wallet_id, provider_id, currency, amount,
          status, balance_after, failure_code, failure_message, attempt, ever_sent, due_at, created_at, updated_at, settled_at)
        select id, idempotency_key, idempotency_key, parameters_hash, wallet_id, provider_id, currency, amount,
          status, balance_after, failure_code, failure_message, attempt,
          case when status = 'FAILED' and failure_code = 'PROVIDER_UNAVAILABLE' and attempt = 1 then 0 else 1 end,
          case when status = 'UNKNOWN' then updated_at when status = 'PENDING' then updated_at + 60000 else null end,
          created_at, updated_at, settled_at
        from refunds`.execute(db);
      // The previous version could record "nothing was taken" for a refund an earlier attempt had sent: ask again.
      await sql`
        update refunds_next
        set status = 'UNKNOWN', failure_code = 'OUTCOME_UNKNOWN', settled_at = null, due_at = updated_at,
          failure_message = 'an earlier attempt may have reached the provider; it is being asked again'
        where status = 'FAILED' and failure_code = 'PROVIDER_UNAVAILABLE' and attempt > 1`.execute(db);
      await db.schema.dropTable("refunds").execute();
      await db.schema.alterTable("refunds_next").renameTo("refunds").execute();
      await db.schema.createIndex("refunds_wallet_history").on("refunds").columns(["wallet_id", "created_at", "id"]).execute();
      // The reconciler's scan: only unsettled rows have a due time.
      await db.schema.createIndex("refunds_due").on("refunds").column("due_at").execute();
      // Releasing keys past their retention.
      await db.schema.createIndex("refunds_settled").on("refunds").column("settled_at").execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the store to the latest migration. Kysely's migrator holds a lock while it runs
 * (a PostgreSQL advisory lock), so replicas starting together apply each migration once.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  await migrate(db, schema);
}

/** Brings the store to the named migration (the latest when absent): tests use it to build a store of an earlier version. */
export async function migrate(db: Kysely<unknown>, schema?: string, target?: string): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    throw new Error(`store migration ${failed?.migrationName ?? ""} failed: ${(error as Error | undefined)?.message ?? "unknown error"}`, {
      cause: error,
    });
  }
}
