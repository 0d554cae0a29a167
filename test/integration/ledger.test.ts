// The refund ledger and account links on both stores, the same suite for each: every write conditional, every key once, nothing deleted.
import { randomUUID } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountLinkStore } from "../../src/accounts/account-links.js";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { RefundErrorCode, RefundStatus, type RefundRecord } from "../../src/refunds/refund.js";
import { SqlRefundLedger } from "../../src/refunds/sql-ledger.js";
import { migrate } from "../../src/store/migrations.js";
import { openStore, preparingOnce, type Store } from "../../src/store/open-store.js";
import { ageRefund, pendingRefund } from "../support/refund-records.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

const LEASE_MS = 60_000;
const MONTH_MS = 30 * 24 * 3_600_000;

describe.each(STORE_KINDS)("on $name", (kind) => {
  let testStore: TestStore;
  let store: Store;
  let ledger: SqlRefundLedger;
  /** A ledger whose claims hold a record for no time at all: what it claims is due at once. */
  let leaseless: SqlRefundLedger;
  let links: AccountLinkStore;

  const age = (id: string, ms: number): Promise<void> => ageRefund(store.db, "id", id, ms);

  beforeAll(async () => {
    testStore = await kind.create();
    store = await openStore(testStore.url);
    ledger = new SqlRefundLedger(store.db, store.dialect, { leaseMs: LEASE_MS });
    leaseless = new SqlRefundLedger(store.db, store.dialect, { leaseMs: 0 });
    links = new AccountLinkStore(store.db);
  });

  afterAll(async () => {
    await store?.close();
    await testStore?.drop();
  });

  it("migrates idempotently: opening the store again changes nothing", async () => {
    for (let i = 0; i < 2; i++) await (await openStore(testStore.url)).close();
    expect(await ledger.findDue(10)).toEqual([]);
  });

  it("writes a new refund as PENDING at attempt 1, never sent, timed by the database, and gives the existing record for a live key", async () => {
    const first = pendingRefund({ amount: ScaledDecimal.parse("0.00000001"), createdAt: new Date(0) });
    const before = Date.now();
    const claimed = await ledger.claim(first);
    expect(claimed).toEqual({
      claimed: true,
      refund: expect.objectContaining({ id: first.id, status: "PENDING", attempt: 1, everSent: false }),
    });
    expect(claimed.refund.amount.toString()).toBe("0.00000001");
    // The process's idea of the time is not written: the database's is (one host here, so they agree to a second).
    expect(Math.abs(claimed.refund.createdAt.getTime() - before)).toBeLessThan(1_000);
    expect(claimed.refund.dueAt!.getTime() - claimed.refund.createdAt.getTime()).toBe(LEASE_MS);

    const again = await ledger.claim(pendingRefund({ idempotencyKey: first.idempotencyKey }));
    expect(again.claimed).toBe(false);
    expect(again.refund.id).toBe(first.id);
  });

  it("lets exactly one of many concurrent claims of one key through", async () => {
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 25 }, () => ledger.claim(pendingRefund({ idempotencyKey: key }))));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.refund.id)).size).toBe(1);
  });

  it("settles only the current attempt, and takes a record over only from the state it was seen in", async () => {
    const { refund } = await ledger.claim(pendingRefund());
    const unknown = await ledger.settle(refund.id, 1, {
      status: RefundStatus.UNKNOWN,
      failureCode: RefundErrorCode.OUTCOME_UNKNOWN,
      sent: true,
      retryAfterMs: 5_000,
    });
    expect(unknown).toMatchObject({ status: "UNKNOWN", settledAt: null, failureCode: "OUTCOME_UNKNOWN", everSent: true });
    expect(unknown.dueAt!.getTime() - unknown.updatedAt.getTime()).toBe(5_000);

    const takers = await Promise.all([1, 2, 3].map(() => ledger.takeOver(unknown, { onlyWhenDue: false })));
    const taken = takers.filter((t) => t !== null);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ status: "PENDING", attempt: 2, failureCode: null, everSent: true });

    // The first attempt's late answer changes nothing now.
    const stale = await ledger.settle(refund.id, 1, {
      status: RefundStatus.FAILED,
      failureCode: RefundErrorCode.INSUFFICIENT_FUNDS,
      sent: true,
    });
    expect(stale).toMatchObject({ status: "PENDING", attempt: 2 });

    const done = await ledger.settle(refund.id, 2, {
      status: RefundStatus.SUCCEEDED,
      balanceAfter: ScaledDecimal.parse("100.0"),
      sent: true,
    });
    expect(done).toMatchObject({ status: "SUCCEEDED", attempt: 2, dueAt: null });
    expect(done.balanceAfter?.toString()).toBe("100.0");
    expect(done.settledAt).toBeInstanceOf(Date);
    expect(await ledger.takeOver(done, { onlyWhenDue: false })).toBeNull();
    expect(await ledger.get(refund.id)).toEqual(done);
  });

  it("takes over a PENDING record only once its lease has ended by the database's clock, and marks it as maybe sent", async () => {
    const { refund } = await ledger.claim(pendingRefund());
    expect(await ledger.takeOver(refund, { onlyWhenDue: false }), "its claim still holds it").toBeNull();
    await age(refund.id, LEASE_MS);
    const taken = await ledger.takeOver(refund, { onlyWhenDue: false });
    expect(taken).toMatchObject({ status: "PENDING", attempt: 2, everSent: true });
    // A refusal before sending cannot clear what an earlier attempt may have done.
    const after = await ledger.settle(refund.id, 2, { status: RefundStatus.UNKNOWN, sent: false, retryAfterMs: 0 });
    expect(after.everSent).toBe(true);
  });

  it("finds what is due: abandoned claims and UNKNOWN refunds whose retry time has come, never settled ones", async () => {
    const abandoned = (await leaseless.claim(pendingRefund())).refund;
    const held = (await ledger.claim(pendingRefund())).refund;
    const retryNow = (await ledger.claim(pendingRefund())).refund;
    await ledger.settle(retryNow.id, 1, { status: RefundStatus.UNKNOWN, sent: true, retryAfterMs: 0 });
    const retryLater = (await ledger.claim(pendingRefund())).refund;
    const later = await ledger.settle(retryLater.id, 1, { status: RefundStatus.UNKNOWN, sent: true, retryAfterMs: 60_000 });
    const succeeded = (await leaseless.claim(pendingRefund())).refund;
    await leaseless.settle(succeeded.id, 1, { status: RefundStatus.SUCCEEDED, balanceAfter: ScaledDecimal.parse("1"), sent: true });

    const due = (await ledger.findDue(1000)).map((r) => r.id);
    expect(due).toEqual(expect.arrayContaining([abandoned.id, retryNow.id]));
    for (const id of [held.id, retryLater.id, succeeded.id]) expect(due).not.toContain(id);
    expect(await ledger.takeOver(later, { onlyWhenDue: true }), "not due yet").toBeNull();
    expect(await ledger.countUnsettled(10_000)).toBeGreaterThanOrEqual(4);
  });

  it("never deletes a refund: a key settled past its retention is released, the record stays, and the key may name a new refund", async () => {
    const key = randomUUID();
    const old = (await ledger.claim(pendingRefund({ idempotencyKey: key, walletId: "keeper" }))).refund;
    await ledger.settle(old.id, 1, { status: RefundStatus.SUCCEEDED, balanceAfter: ScaledDecimal.parse("1"), sent: true });
    const unsettled = (await ledger.claim(pendingRefund({ walletId: "keeper" }))).refund;
    await age(old.id, MONTH_MS);
    await age(unsettled.id, MONTH_MS);

    expect(await ledger.releaseKeys(MONTH_MS + 60_000), "not past the retention yet").toBe(0);
    expect(await ledger.releaseKeys(24 * 3_600_000)).toBeGreaterThanOrEqual(1);
    expect(await ledger.get(old.id)).toMatchObject({ status: "SUCCEEDED", idempotencyKey: key });
    expect(await ledger.get(unsettled.id), "an unsettled refund keeps its key").toMatchObject({ status: "PENDING" });
    expect((await ledger.claim(pendingRefund({ idempotencyKey: unsettled.idempotencyKey }))).claimed).toBe(false);

    const reused = await ledger.claim(pendingRefund({ idempotencyKey: key, walletId: "keeper" }));
    expect(reused.claimed).toBe(true);
    expect((await ledger.listForWallet("keeper", 10)).map((r) => r.id)).toEqual(expect.arrayContaining([old.id, reused.refund.id]));
  });

  it("pages a wallet's history newest first, ties broken by id, without gaps or repeats", async () => {
    const wallet = `history-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await ledger.claim(pendingRefund({ walletId: wallet }))).refund.id);
    // Several refunds in the same millisecond.
    await store.db.updateTable("refunds").set({ created_at: 1_000 }).where("id", "in", ids.slice(0, 3)).execute();
    await store.db.updateTable("refunds").set({ created_at: 2_000 }).where("id", "in", ids.slice(3, 6)).execute();
    const seen: RefundRecord[] = [];
    let after: RefundRecord | undefined;
    for (;;) {
      const page = await ledger.listForWallet(wallet, 3, after);
      seen.push(...page);
      if (page.length < 3) break;
      after = page.at(-1);
    }
    expect(seen.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1]!, seen[i]!];
      expect(a.createdAt.getTime() > b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id > b.id)).toBe(true);
    }
  });

  it("links an account to one wallet, updates its details, refuses it to another wallet, and unlinks it", async () => {
    const account = `instrument-${randomUUID()}`;
    const details = { instrumentUuid: randomUUID(), phone: "380501234567", deviceId: "device-1" };
    const linked = await links.link("alice", "xpay", account, details);
    expect(linked).toEqual({ linked: expect.objectContaining({ walletId: "alice", providerId: "xpay", accountRef: account, details }) });

    const updated = await links.link("alice", "xpay", account, { ...details, deviceId: "device-2" });
    expect("linked" in updated && updated.linked.details.deviceId).toBe("device-2");

    const elsewhere = await links.link("bob", "xpay", account, {});
    expect(elsewhere).toEqual({ linkedElsewhere: expect.objectContaining({ walletId: "alice" }) });

    const batch = await links.forWallets("xpay", ["alice", "bob", "alice"]);
    expect(batch.get("alice")?.map((l) => l.accountRef)).toEqual([account]);
    expect(batch.get("bob")).toEqual([]);

    expect(await links.unlink("bob", "xpay", account)).toBe(false);
    expect(await links.unlink("alice", "xpay", account)).toBe(true);
    expect(await links.forWallet("alice")).toEqual([]);
  });
});

// Several replicas share PostgreSQL (SQLite is one process's embedded store): their migrations must not collide.
describe("PostgreSQL shared by replicas", () => {
  it("migrates a fresh schema once when several replicas start at once", async () => {
    const postgres = STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!;
    const fresh = await postgres.create();
    try {
      const replicas = await Promise.all(Array.from({ length: 4 }, () => openStore(fresh.url)));
      await Promise.all(replicas.map((s) => s.close()));
      const check = await openStore(fresh.url);
      expect(await new SqlRefundLedger(check.db, check.dialect, { leaseMs: LEASE_MS }).findDue(10)).toEqual([]);
      await check.close();
    } finally {
      await fresh.drop();
    }
  });
});

// A store of the previous version, with refunds in every state, brought to the latest by the process's own start.
describe.each(STORE_KINDS)("upgrading a store of the previous version on $name", (kind) => {
  it("keeps every refund, makes each key live, and asks again about a refund once marked 'nothing was taken' after an earlier attempt", async () => {
    const testStore = await kind.create();
    try {
      const old = openBare(testStore.url);
      const schema =
        kind.name === "PostgreSQL"
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(old)).rows[0]!.schema
          : undefined;
      await migrate(old, schema, "2026-11-21-002-account-links");
      const t = Date.now() - 3_600_000;
      const row = (id: string, status: string, attempt: number, failureCode: string | null) => ({
        id,
        idempotency_key: randomUUID(),
        parameters_hash: "a".repeat(64),
        wallet_id: "upgraded",
        provider_id: "lucky-monaco",
        currency: "USD",
        amount: "1.00",
        status,
        balance_after: status === "SUCCEEDED" ? "9.00" : null,
        failure_code: failureCode,
        failure_message: failureCode,
        attempt,
        created_at: t,
        updated_at: t,
        settled_at: status === "SUCCEEDED" || status === "FAILED" ? t : null,
      });
      const ids = {
        succeeded: randomUUID(),
        neverSent: randomUUID(),
        sentBefore: randomUUID(),
        pending: randomUUID(),
        unknown: randomUUID(),
      };
      await old
        .insertInto("refunds" as never)
        .values([
          row(ids.succeeded, "SUCCEEDED", 1, null),
          row(ids.neverSent, "FAILED", 1, "PROVIDER_UNAVAILABLE"),
          row(ids.sentBefore, "FAILED", 3, "PROVIDER_UNAVAILABLE"),
          row(ids.pending, "PENDING", 1, null),
          row(ids.unknown, "UNKNOWN", 2, "OUTCOME_UNKNOWN"),
        ] as never)
        .execute();
      await old.destroy();

      const store = await openStore(testStore.url);
      try {
        const ledger = new SqlRefundLedger(store.db, store.dialect, { leaseMs: LEASE_MS });
        const got = async (id: string) => (await ledger.get(id))!;
        expect(await got(ids.succeeded)).toMatchObject({ status: "SUCCEEDED", everSent: true, dueAt: null });
        expect((await got(ids.succeeded)).balanceAfter?.toString()).toBe("9.00");
        expect(await got(ids.neverSent)).toMatchObject({ status: "FAILED", failureCode: "PROVIDER_UNAVAILABLE", everSent: false });
        expect(await got(ids.sentBefore)).toMatchObject({
          status: "UNKNOWN",
          failureCode: "OUTCOME_UNKNOWN",
          everSent: true,
          settledAt: null,
        });
        expect(await got(ids.pending)).toMatchObject({ status: "PENDING", everSent: true });
        const due = (await ledger.findDue(100)).map((r) => r.id).sort();
        expect(due).toEqual([ids.sentBefore, ids.pending, ids.unknown].sort());
        // Keys are live again under the new constraint.
        const succeeded = await got(ids.succeeded);
        expect((await ledger.claim({ ...succeeded, id: randomUUID() })).refund.id).toBe(ids.succeeded);
        expect(await ledger.listForWallet("upgraded", 10)).toHaveLength(5);
      } finally {
        await store.close();
      }
    } finally {
      await testStore.drop();
    }
  });
});

/** A connection to the store without migrating it. */
function openBare(url: string): Kysely<unknown> {
  if (url.startsWith("sqlite:"))
    return new Kysely({ dialect: new SqliteDialect({ database: preparingOnce(new DatabaseSync(url.slice("sqlite:".length))) }) });
  return new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
}
