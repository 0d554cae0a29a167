// Responsible for the store's migrations: one list for both dialects, run at start, safe when replicas start together.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";

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
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Brings the store to the latest migration. Kysely's migrator holds a lock while it runs
 * (a PostgreSQL advisory lock), so replicas starting together apply each migration once.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    throw new Error(`store migration ${failed?.migrationName ?? ""} failed: ${(error as Error | undefined)?.message ?? "unknown error"}`, {
      cause: error,
    });
  }
}
