// The refund ledger and account links on both stores, the same suite for each: every write conditional, every key once.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountLinkStore } from "../../src/accounts/account-links.js";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { RefundErrorCode, RefundStatus, type RefundRecord } from "../../src/refunds/refund.js";
import { SqlRefundLedger } from "../../src/refunds/sql-ledger.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

function candidate(overrides: Partial<RefundRecord> = {}): RefundRecord {
  const now = new Date();
  return {
    id: randomUUID(),
    idempotencyKey: randomUUID(),
    parametersHash: "a".repeat(64),
    walletId: "tester",
    providerId: "lucky-monaco",
    currency: "USD",
    amount: ScaledDecimal.parse("200.0"),
    status: RefundStatus.PENDING,
    balanceAfter: null,
    failureCode: null,
    failureMessage: null,
    attempt: 1,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    ...overrides,
  };
}

describe.each(STORE_KINDS)("on $name", (kind) => {
  let testStore: TestStore;
  let store: Store;
  let clock = Date.now();
  let ledger: SqlRefundLedger;
  let links: AccountLinkStore;

  beforeAll(async () => {
    testStore = await kind.create();
    store = await openStore(testStore.url);
    ledger = new SqlRefundLedger(store.db, () => clock);
    links = new AccountLinkStore(store.db);
  });

  afterAll(async () => {
    await store?.close();
    await testStore?.drop();
  });

  it("migrates idempotently: opening the store again changes nothing", async () => {
    for (let i = 0; i < 2; i++) await (await openStore(testStore.url)).close();
    expect(await ledger.findUnsettled(new Date(0), 10)).toEqual([]);
  });

  it("writes a new refund as PENDING at attempt 1, and gives the existing record for a key already taken", async () => {
    const first = candidate({ amount: ScaledDecimal.parse("0.00000001") });
    const claimed = await ledger.claim(first);
    expect(claimed).toEqual({ claimed: true, refund: expect.objectContaining({ id: first.id, status: "PENDING", attempt: 1 }) });
    expect(claimed.refund.amount.toString()).toBe("0.00000001");

    const again = await ledger.claim(candidate({ idempotencyKey: first.idempotencyKey }));
    expect(again.claimed).toBe(false);
    expect(again.refund.id).toBe(first.id);
  });

  it("lets exactly one of many concurrent claims of one key through", async () => {
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 25 }, () => ledger.claim(candidate({ idempotencyKey: key }))));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.refund.id)).size).toBe(1);
  });

  it("settles only the current attempt, and takes a record over only from the state it was seen in", async () => {
    const { refund } = await ledger.claim(candidate());
    const unknown = await ledger.settle(refund.id, 1, { status: RefundStatus.UNKNOWN, failureCode: RefundErrorCode.OUTCOME_UNKNOWN });
    expect(unknown).toMatchObject({ status: "UNKNOWN", settledAt: null, failureCode: "OUTCOME_UNKNOWN" });

    const takers = await Promise.all([1, 2, 3].map(() => ledger.takeOver(refund.id, RefundStatus.UNKNOWN, 1)));
    const taken = takers.filter((t) => t !== null);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ status: "PENDING", attempt: 2, failureCode: null });

    // The first attempt's late answer changes nothing now.
    const stale = await ledger.settle(refund.id, 1, { status: RefundStatus.FAILED, failureCode: RefundErrorCode.INSUFFICIENT_FUNDS });
    expect(stale).toMatchObject({ status: "PENDING", attempt: 2 });

    const done = await ledger.settle(refund.id, 2, { status: RefundStatus.SUCCEEDED, balanceAfter: ScaledDecimal.parse("100.0") });
    expect(done).toMatchObject({ status: "SUCCEEDED", attempt: 2 });
    expect(done.balanceAfter?.toString()).toBe("100.0");
    expect(done.settledAt).toBeInstanceOf(Date);
    expect(await ledger.takeOver(refund.id, RefundStatus.SUCCEEDED, 2)).toBeNull();
    expect(await ledger.get(refund.id)).toEqual(done);
  });

  it("pages a wallet's history newest first, ties broken by id, without gaps or repeats", async () => {
    const wallet = `history-${randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      clock += i % 3 === 0 ? 1 : 0; // several refunds in the same millisecond
      const { refund } = await ledger.claim(candidate({ walletId: wallet }));
      ids.push(refund.id);
    }
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

  it("finds PENDING and UNKNOWN refunds untouched since a time, and prunes only settled ones past retention", async () => {
    const base = (clock += 1_000_000);
    const pending = (await ledger.claim(candidate())).refund;
    const unknown = (await ledger.claim(candidate())).refund;
    await ledger.settle(unknown.id, 1, { status: RefundStatus.UNKNOWN });
    const succeeded = (await ledger.claim(candidate())).refund;
    await ledger.settle(succeeded.id, 1, { status: RefundStatus.SUCCEEDED, balanceAfter: ScaledDecimal.parse("1") });

    clock = base + 10_000;
    const fresh = (await ledger.claim(candidate())).refund;
    const found = (await ledger.findUnsettled(new Date(base + 5_000), 1000)).map((r) => r.id);
    expect(found).toEqual(expect.arrayContaining([pending.id, unknown.id]));
    expect(found).not.toContain(succeeded.id);
    expect(found).not.toContain(fresh.id);

    await ledger.prune(new Date(base));
    expect(await ledger.get(succeeded.id), "settled at the cut-off: kept").toBeDefined();
    expect(await ledger.prune(new Date(base + 1))).toBeGreaterThanOrEqual(1);
    expect(await ledger.get(succeeded.id)).toBeUndefined();
    expect(await ledger.get(pending.id)).toBeDefined();
    expect(await ledger.get(unknown.id)).toBeDefined();
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
      expect(await new SqlRefundLedger(check.db).findUnsettled(new Date(), 10)).toEqual([]);
      await check.close();
    } finally {
      await fresh.drop();
    }
  });
});
