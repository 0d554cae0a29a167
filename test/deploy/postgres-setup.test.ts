// deploy/postgres/setup.sql on a real PostgreSQL: the role it makes can start the subgraph's store, its tables in its own schema.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open-store.js";
import { DEPLOY_DIR } from "../support/deploy-kit.js";
import { POSTGRES_URL } from "../support/stores.js";

const SETUP = readFileSync(join(DEPLOY_DIR, "postgres/setup.sql"), "utf8");

describe("deploy/postgres/setup.sql", () => {
  // Roles belong to the whole server: this run's names are its own, dropped at the end.
  const suffix = randomBytes(5).toString("hex");
  const role = `wallet_subgraph_${suffix}`;
  const schema = `wallet_ledger_${suffix}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });

  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
  });

  it("makes a role that migrates and uses the store in its own schema, without naming it in the URL", async () => {
    await admin.connect();
    await admin.query(SETUP.replace(/\bwallet_subgraph\b/g, role).replace(/\bwallet_ledger\b/g, schema));

    const url = new URL(POSTGRES_URL);
    url.username = role;
    url.password = "";
    const store = await openStore(url.toString());
    try {
      const tables = await admin.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = $1 order by table_name",
        [schema],
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["account_links", "refunds"]));
      const owners = await admin.query<{ owner: string }>("select distinct tableowner as owner from pg_tables where schemaname = $1", [
        schema,
      ]);
      expect(owners.rows).toEqual([{ owner: role }]);
    } finally {
      await store.close();
    }
    const granted = await admin.query<{ rolsuper: boolean; rolcreatedb: boolean; rolcreaterole: boolean }>(
      "select rolsuper, rolcreatedb, rolcreaterole from pg_roles where rolname = $1",
      [role],
    );
    expect(granted.rows).toEqual([{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);
  });
});
