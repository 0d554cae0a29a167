// The two stores every ledger test runs against: a SQLite file and a schema of its own in the machine's PostgreSQL.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export const POSTGRES_URL = process.env.WALLET_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestStore {
  /** Pass to WALLET_STORE_URL or openStore. */
  url: string;
  /** Removes everything the store held. */
  drop(): Promise<void>;
}

export interface StoreKind {
  name: "SQLite" | "PostgreSQL";
  create(): Promise<TestStore>;
}

async function sqliteStore(): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), "wallet-store-"));
  return { url: `sqlite:${join(dir, "wallet.sqlite")}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

/** A schema of its own per call, so that runs never see each other; PostgreSQL missing is a failure, never a skip. */
async function postgresStore(): Promise<TestStore> {
  const schema = `wallet_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is needed at ${POSTGRES_URL} for these tests: ${(error as Error).message}`);
  }
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export const STORE_KINDS: StoreKind[] = [
  { name: "SQLite", create: sqliteStore },
  { name: "PostgreSQL", create: postgresStore },
];

/** The stores one test file creates, dropped together when it ends. */
export class TestStores {
  private readonly created: TestStore[] = [];

  async create(kind: StoreKind): Promise<TestStore> {
    const store = await kind.create();
    this.created.push(store);
    return store;
  }

  async dropAll(): Promise<void> {
    for (const store of this.created) await store.drop();
  }
}
