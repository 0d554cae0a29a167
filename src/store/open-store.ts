// Responsible for connecting to the store named by a URL (SQLite file or PostgreSQL) and bringing it to the latest migration.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase, type SqliteStatement } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";

export type StoreDialect = "sqlite" | "postgres";

/** Lives for the process: one connection (SQLite) or one pool (PostgreSQL). */
export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** The URL with any password hidden, for logs. */
  description: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Most connections to PostgreSQL at once. */
  maxConnections?: number;
}

const PG_INT8 = 20;

/**
 * `sqlite:data/wallet.sqlite`, `sqlite::memory:`, or `postgres://user:password@host:5432/db`
 * (`?options=-c%20search_path%3Dname` picks a schema). Migrations run before it returns.
 */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const store = url.startsWith("sqlite:") ? openSqlite(url.slice("sqlite:".length)) : openPostgres(url, options);
  try {
    // Kysely finds its migration table by name in any schema unless told which: name ours.
    const schema = store.dialect === "postgres" ? await currentSchema(store.db) : undefined;
    await migrateToLatest(store.db as Kysely<unknown>, schema);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error("the PostgreSQL connection has no current schema (check search_path)");
  return schema;
}

function openSqlite(path: string): Store {
  const inMemory = path === ":memory:";
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  // Node's built-in SQLite: no native module to compile, so installs and images need no compiler (see the README).
  const database = new DatabaseSync(inMemory ? ":memory:" : path, { timeout: 5_000 });
  // WAL lets readers go on while a refund is written; NORMAL sync is durable across process crashes.
  if (!inMemory) database.exec("PRAGMA journal_mode = WAL");
  database.exec("PRAGMA synchronous = NORMAL");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: preparingOnce(database) }) });
  return { db, dialect: "sqlite", description: `sqlite:${path}`, close: () => db.destroy() };
}

/** At most this many prepared statements are kept; the SQL texts differ only by the length of `in` lists. */
const MAX_PREPARED_STATEMENTS = 256;

/**
 * The database as Kysely's SQLite driver sees it, each SQL text prepared once: the driver prepares every query it
 * runs, and preparing one of the store's small reads (the account links of every balance request) cost about as
 * much as running it. `all` and `run` finish synchronously, so a kept statement is free again when they return; a
 * streamed query (`iterate`) gets a statement of its own, since running a statement again resets its iterator.
 */
export function preparingOnce(database: DatabaseSync): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      const kept = statements.get(text);
      if (kept) return kept;
      const statement = forKysely(database, text);
      if (statements.size >= MAX_PREPARED_STATEMENTS) statements.delete(statements.keys().next().value!);
      statements.set(text, statement);
      return statement;
    },
  };
}

/** node:sqlite's statement in the shape Kysely's driver calls: parameters as one array, `reader` for a query with rows. */
function forKysely(database: DatabaseSync, text: string): SqliteStatement {
  const statement: StatementSync = database.prepare(text);
  const values = (parameters: ReadonlyArray<unknown>) => parameters as SQLInputValue[];
  return {
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...values(parameters)),
    run: (parameters) => statement.run(...values(parameters)),
    iterate: (parameters) => database.prepare(text).iterate(...values(parameters)),
  };
}

function openPostgres(url: string, options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    // Millisecond timestamps are 64-bit integers, which pg hands over as strings by default.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === PG_INT8
          ? (value: string) => Number(value)
          : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server drops must not take the process down; the next query reconnects.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", description: hidePassword(url), close: () => db.destroy() };
}

function hidePassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}
