// The account-link lookups of one batch share one query: AlphaSMS, Nami and XPAY asking in the same tick cost the store
// one round trip, and each still gets exactly its own provider's links, in the order they were made.
import { sql, type KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountLinkStore } from "../../src/accounts/account-links.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

/** Counts the queries that reach the store, and makes the next ones fail while `failing` is set. */
class QueryCounter implements KyselyPlugin {
  queries = 0;
  failing = false;
  transformQuery: KyselyPlugin["transformQuery"] = (args) => {
    this.queries++;
    if (this.failing) throw new Error("the store is unavailable");
    return args.node;
  };
  transformResult: KyselyPlugin["transformResult"] = async (args) => args.result;
}

const refsOf = (links: Map<string, { accountRef: string }[]>) =>
  Object.fromEntries([...links].map(([wallet, list]) => [wallet, list.map((link) => link.accountRef)]));

describe.each(STORE_KINDS)("account-link lookups on $name", (kind) => {
  let testStore: TestStore;
  let store: Store;
  let counter: QueryCounter;
  let links: AccountLinkStore;

  beforeAll(async () => {
    testStore = await kind.create();
    store = await openStore(testStore.url);
    const setup = new AccountLinkStore(store.db);
    for (const wallet of ["alice", "bob"]) {
      await setup.link(wallet, "alphasms", `sms-${wallet}`, {});
      await setup.link(wallet, "nami", `nami-${wallet}-1`, {});
      await setup.link(wallet, "nami", `nami-${wallet}-2`, {});
      await setup.link(wallet, "xpay", `xpay-${wallet}`, { instrumentUuid: `uuid-${wallet}`, phone: "380501234567", deviceId: "d" });
    }
    // Another provider's links of the same wallets must not leak into these lookups.
    await setup.link("alice", "other", "other-alice", {});
    counter = new QueryCounter();
    links = new AccountLinkStore(store.db.withPlugin(counter));
  });

  afterAll(async () => {
    await store?.close();
    await testStore?.drop();
  });

  it("answers the lookups of one tick with one query, each with its own provider's links only", async () => {
    counter.queries = 0;
    const [sms, nami, xpay] = await Promise.all([
      links.forWallets("alphasms", ["alice", "bob", "carol"]),
      links.forWallets("nami", ["alice"]),
      links.forWallets("xpay", ["bob", "bob"]),
    ]);
    expect(counter.queries).toBe(1);
    expect(refsOf(sms)).toEqual({ alice: ["sms-alice"], bob: ["sms-bob"], carol: [] });
    expect(refsOf(nami)).toEqual({ alice: ["nami-alice-1", "nami-alice-2"] });
    expect(refsOf(xpay)).toEqual({ bob: ["xpay-bob"] });
    expect(xpay.get("bob")![0]).toMatchObject({ walletId: "bob", providerId: "xpay", details: { instrumentUuid: "uuid-bob" } });
  });

  it("gives lookups of the same provider in one tick links of their own", async () => {
    const [first, second] = await Promise.all([links.forWallets("nami", ["bob"]), links.forWallets("nami", ["bob"])]);
    expect(refsOf(first)).toEqual({ bob: ["nami-bob-1", "nami-bob-2"] });
    expect(first.get("bob")![0]).not.toBe(second.get("bob")![0]);
  });

  it("makes one query per tick when the lookups come one after another", async () => {
    counter.queries = 0;
    expect(refsOf(await links.forWallets("alphasms", ["bob"]))).toEqual({ bob: ["sms-bob"] });
    expect(refsOf(await links.forWallets("xpay", ["alice"]))).toEqual({ alice: ["xpay-alice"] });
    expect(counter.queries).toBe(2);
  });

  it("asks nothing of the store for no wallets", async () => {
    counter.queries = 0;
    expect(await links.forWallets("nami", [])).toEqual(new Map());
    expect(counter.queries).toBe(0);
  });

  it("fails every lookup of the tick when the query fails, and the next tick's query runs again", async () => {
    counter.failing = true;
    const outcomes = await Promise.allSettled([links.forWallets("alphasms", ["alice"]), links.forWallets("nami", ["alice"])]);
    counter.failing = false;
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(refsOf(await links.forWallets("alphasms", ["alice"]))).toEqual({ alice: ["sms-alice"] });
  });

  it("fails only the lookup of the provider whose link cannot be read", async () => {
    await sql`insert into account_links (id, wallet_id, provider_id, account_ref, details, created_at)
              values ('broken-link', 'dave', 'xpay', 'xpay-dave', 'not json', ${Date.now()})`.execute(store.db);
    await new AccountLinkStore(store.db).link("dave", "nami", "nami-dave", {});
    const [nami, xpay] = await Promise.allSettled([links.forWallets("nami", ["dave"]), links.forWallets("xpay", ["dave"])]);
    expect(nami).toMatchObject({ status: "fulfilled" });
    expect(refsOf((nami as PromiseFulfilledResult<Map<string, { accountRef: string }[]>>).value)).toEqual({ dave: ["nami-dave"] });
    expect(xpay.status).toBe("rejected");
  });
});
