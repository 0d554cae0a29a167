// Checks the AlphaSMS client against the AlphaSMS simulator over real HTTP on loopback: linked accounts, batching per API key, faults, exact amounts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountLinkStore, type AccountLink } from "../../src/accounts/account-links.js";
import { AlphaSmsClient } from "../../src/providers/alphasms/client.js";
import { alphaSmsProviderConfig, type AlphaSmsProviderConfig } from "../../src/providers/alphasms/config.js";
import { AlphaSmsSimulator } from "../../src/providers/alphasms/simulator.js";
import { FailureCode } from "../../src/providers/failure.js";
import type { AccountDirectory, BalanceQuery, BalanceResult } from "../../src/providers/provider.js";
import { openStore } from "../../src/store/open-store.js";
import { FAULT_OUTCOMES, amounts, expectAmountsOnly, expectUnreachableUntilReopened } from "../support/provider-faults.js";
import { loadAgainstHang, loadWithSlowCalls } from "../support/provider-timing.js";

const PROVIDER_ID = "alphasms";
const PATH = "/api/json.php";

const KEYS = { main: "main-key", shared: "shared-key", usd: "usd-key", victim: "victim-key" } as const;

/** Account ref -> API key, as configured. */
const CONFIGURED: Record<string, string> = {
  main: KEYS.main,
  "shared-a": KEYS.shared,
  "shared-b": KEYS.shared,
  dollars: KEYS.usd,
  victim: KEYS.victim,
};

/** Wallet -> linked account refs. */
const LINKS: Record<string, string[]> = {
  tester: ["main"],
  alice: ["shared-a", "dollars"],
  bob: ["shared-b"],
  carol: ["victim"],
  ghost: ["not-configured"],
  erin: ["not-configured-either", "dollars"],
};

/** The store's account links, over a Map; counts its lookups so that "one per batch" is checked. */
class MapDirectory implements AccountDirectory {
  lookups: string[][] = [];
  failWith: Error | null = null;

  constructor(private readonly links: Record<string, string[]>) {}

  async forWallets(providerId: string, walletIds: readonly string[]): Promise<Map<string, AccountLink[]>> {
    this.lookups.push([...walletIds]);
    if (this.failWith) throw this.failWith;
    return new Map(
      walletIds.map((walletId) => [
        walletId,
        (this.links[walletId] ?? []).map((accountRef, index) => ({
          id: `${walletId}-${index}`,
          walletId,
          providerId,
          accountRef,
          details: {},
          createdAt: new Date(0),
        })),
      ]),
    );
  }
}

let simulator: AlphaSmsSimulator;
let directory: MapDirectory;
const clients: AlphaSmsClient[] = [];

function client(overrides: Partial<AlphaSmsProviderConfig> = {}, accounts: AccountDirectory = directory): AlphaSmsClient {
  const created = new AlphaSmsClient(
    {
      protocol: "alphasms",
      id: PROVIDER_ID,
      name: "AlphaSMS",
      timeoutMs: 2_000,
      maxConnections: 8,
      baseUrl: simulator.url,
      accounts: Object.entries(CONFIGURED).map(([ref, apiKey]) => ({ ref, apiKey })),
      maxItemsPerCall: 50,
      ...overrides,
    },
    accounts,
  );
  clients.push(created);
  return created;
}

/** A result with no balance and exactly this one failure at AlphaSMS. */
function expectOnlyFailure(result: BalanceResult, failure: Omit<BalanceResult["failures"][number], "providerId">): void {
  expect(result.balances).toEqual([]);
  expect(result.failures).toEqual([{ providerId: PROVIDER_ID, ...failure }]);
}

/** Item counts the simulator received, by key, sorted: calls run concurrently, in no fixed order. */
function itemsByKey(): Record<string, number[]> {
  const byKey: Record<string, number[]> = {};
  for (const { apiKey, items } of simulator.received()) (byKey[apiKey] ??= []).push(items);
  for (const counts of Object.values(byKey)) counts.sort((a, b) => b - a);
  return byKey;
}

beforeEach(async () => {
  directory = new MapDirectory(LINKS);
  simulator = await AlphaSmsSimulator.start({
    accounts: [
      { apiKey: KEYS.main, amount: "31.1683" },
      { apiKey: KEYS.shared, amount: "500.25" },
      { apiKey: KEYS.usd, amount: "1200.5", currency: "USD" },
      { apiKey: KEYS.victim, amount: "7.0000" },
    ],
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
  await simulator.stop();
});

describe("AlphaSmsClient: configuration and info", () => {
  const base = {
    protocol: "alphasms",
    id: "alphasms",
    name: "AlphaSMS",
    baseUrl: "https://alphasms.example",
    accounts: [{ ref: "main", apiKey: { env: "ALPHASMS_TEST_KEY_MAIN" } }],
  };

  beforeAll(() => {
    process.env.ALPHASMS_TEST_KEY_MAIN = "env-key";
  });
  afterAll(() => {
    delete process.env.ALPHASMS_TEST_KEY_MAIN;
  });

  it("parses a configuration with keys from the environment and from a file, defaults filled in", () => {
    const folder = mkdtempSync(join(tmpdir(), "alphasms-"));
    try {
      writeFileSync(join(folder, "key"), "file-key\n");
      const parsed = alphaSmsProviderConfig.parse({
        ...base,
        accounts: [...base.accounts, { ref: "second", apiKey: { file: join(folder, "key") } }],
      });
      expect(parsed).toEqual({
        ...base,
        accounts: [
          { ref: "main", apiKey: "env-key" },
          { ref: "second", apiKey: "file-key" },
        ],
        maxItemsPerCall: 50,
        timeoutMs: 3_000,
        maxConnections: 16,
      });
      const created = new AlphaSmsClient(parsed, directory);
      clients.push(created);
      expect(created.info).toEqual({ id: "alphasms", name: "AlphaSMS", protocol: "alphasms", canRefund: false });
      expect(created.accounts).toBe("linked");
      expect("refund" in created).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("refuses a configuration it cannot serve", () => {
    const refused = (overrides: object): boolean => !alphaSmsProviderConfig.safeParse({ ...base, ...overrides }).success;
    const mainKeyUnder = (...refs: string[]): object => ({
      accounts: refs.map((ref) => ({ ref, apiKey: { env: "ALPHASMS_TEST_KEY_MAIN" } })),
    });
    expect(alphaSmsProviderConfig.safeParse(base).success).toBe(true);
    expect(refused({ accounts: [] })).toBe(true);
    expect(refused(mainKeyUnder("main", "main"))).toBe(true);
    expect(refused({ accounts: [{ ref: "", apiKey: { env: "ALPHASMS_TEST_KEY_MAIN" } }] })).toBe(true);
    expect(refused({ accounts: [{ ref: "main", apiKey: "plain-text-key" }] })).toBe(true);
    expect(refused({ accounts: [{ ref: "main", apiKey: { env: "ALPHASMS_TEST_KEY_UNSET" } }] })).toBe(true);
    expect(refused({ maxItemsPerCall: 0 })).toBe(true);
    expect(refused({ maxItemsPerCall: 2.5 })).toBe(true);
    expect(refused({ baseUrl: "ftp://alphasms.example" })).toBe(true);
    expect(refused({ baseUrl: "https://alphasms.example/?a=1" })).toBe(true);
    expect(refused({ protocol: "slot-spec" })).toBe(true);
    expect(refused({ extra: 1 })).toBe(true);
    // The same key under two refs is allowed: two links may name one cabinet.
    expect(refused(mainKeyUnder("a", "b"))).toBe(false);
  });
});

describe("AlphaSmsClient: balances", () => {
  it("reads tester's balances in every currency with one call: the page's 31.1683 UAH, digits kept", async () => {
    const [result] = await client().loadBalances([{ walletId: "tester", currency: null }]);
    expect(simulator.calls()).toBe(1);
    expect(simulator.calls(PATH)).toBe(1);
    expect(directory.lookups).toEqual([["tester"]]);
    expect(result!.failures).toEqual([]);
    expect(result!.balances).toHaveLength(1);
    const balance = result!.balances[0]!;
    expect({
      providerId: balance.providerId,
      account: balance.account,
      currency: balance.currency,
      amount: balance.amount.toString(),
      available: balance.available.toString(),
      locked: balance.locked.toString(),
    }).toEqual({
      providerId: PROVIDER_ID,
      account: "main",
      currency: "UAH",
      amount: "31.1683",
      available: "31.1683",
      locked: "0.0000",
    });
    expect(balance.amount.compare(balance.available.plus(balance.locked))).toBe(0);
  });

  it("makes one call per API key for the whole batch, one lookup of links, one item per account", async () => {
    const queries: BalanceQuery[] = [
      { walletId: "tester", currency: null },
      { walletId: "tester", currency: "UAH" },
      { walletId: "tester", currency: "USD" },
      { walletId: "alice", currency: null },
      { walletId: "alice", currency: "USD" },
      { walletId: "bob", currency: "UAH" },
      { walletId: "dave", currency: null },
      { walletId: "carol", currency: "UAH" },
    ];
    const results = await client().loadBalances(queries);
    expect(directory.lookups).toHaveLength(1);
    expect([...directory.lookups[0]!].sort()).toEqual(["alice", "bob", "carol", "dave", "tester"]);
    // main-key, shared-key (shared-a and shared-b in one call), usd-key, victim-key.
    expect(simulator.calls(PATH)).toBe(4);
    expect(itemsByKey()).toEqual({ [KEYS.main]: [1], [KEYS.shared]: [2], [KEYS.usd]: [1], [KEYS.victim]: [1] });
    expectAmountsOnly(results, [
      { "main/UAH": "31.1683" },
      { "main/UAH": "31.1683" },
      {},
      { "shared-a/UAH": "500.25", "dollars/USD": "1200.5" },
      { "dollars/USD": "1200.5" },
      { "shared-b/UAH": "500.25" },
      {},
      { "victim/UAH": "7.0000" },
    ]);
  });

  it("splits the items of one key over several calls at maxItemsPerCall", async () => {
    const refs = ["s1", "s2", "s3", "s4", "s5"];
    const shared = new MapDirectory(Object.fromEntries(refs.map((ref) => [`w-${ref}`, [ref]])));
    const target = client({ accounts: refs.map((ref) => ({ ref, apiKey: KEYS.shared })), maxItemsPerCall: 2 }, shared);
    const results = await target.loadBalances(refs.map((ref) => ({ walletId: `w-${ref}`, currency: null })));
    expect(simulator.calls(PATH)).toBe(3);
    expect(itemsByKey()).toEqual({ [KEYS.shared]: [2, 2, 1] });
    expect(results.map(amounts)).toEqual(refs.map((ref) => ({ [`${ref}/UAH`]: "500.25" })));
  });

  it("makes its calls concurrently", async () => {
    const results = await loadWithSlowCalls(simulator, () =>
      client().loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "alice", currency: null },
        { walletId: "carol", currency: null },
      ]),
    );
    expect(simulator.calls(PATH)).toBe(4);
    expect(results.map(amounts)[2]).toEqual({ "victim/UAH": "7.0000" });
  });

  it("a wallet with no link at this provider has no balances here, and costs no call", async () => {
    const results = await client().loadBalances([
      { walletId: "dave", currency: null },
      { walletId: "nobody", currency: "UAH" },
    ]);
    expect(results).toEqual([
      { balances: [], failures: [] },
      { balances: [], failures: [] },
    ]);
    expect(simulator.calls()).toBe(0);
    expect(directory.lookups).toHaveLength(1);
  });

  it("an empty batch asks nothing of anyone", async () => {
    expect(await client().loadBalances([])).toEqual([]);
    expect(directory.lookups).toEqual([]);
    expect(simulator.calls()).toBe(0);
  });

  it("a link to an account that is not configured is REJECTED without a call; the wallet's other accounts still answer", async () => {
    const [ghost, erin, tester] = await client().loadBalances([
      { walletId: "ghost", currency: null },
      { walletId: "erin", currency: "USD" },
      { walletId: "tester", currency: null },
    ]);
    expectOnlyFailure(ghost!, {
      currency: null,
      code: FailureCode.REJECTED,
      retryable: false,
      message: "account not-configured: the linked account is not configured at this provider (no API key for it)",
    });
    expect(amounts(erin!)).toEqual({ "dollars/USD": "1200.5" });
    expect(erin!.failures).toMatchObject([
      { currency: "USD", code: FailureCode.REJECTED, message: expect.stringMatching(/^account not-configured-either: /) },
    ]);
    expect(amounts(tester!)).toEqual({ "main/UAH": "31.1683" });
    expect(itemsByKey()).toEqual({ [KEYS.usd]: [1], [KEYS.main]: [1] });
  });

  it("an item error is REJECTED for that account's queries only, carrying the provider's text", async () => {
    simulator.setItemError(KEYS.victim, "Account is blocked");
    const [carol, tester, carolUah] = await client().loadBalances([
      { walletId: "carol", currency: null },
      { walletId: "tester", currency: null },
      { walletId: "carol", currency: "UAH" },
    ]);
    expectOnlyFailure(carol!, {
      currency: null,
      code: FailureCode.REJECTED,
      retryable: false,
      message: "account victim: the provider refused the balance request: Account is blocked",
    });
    expect(carolUah!.failures).toMatchObject([{ currency: "UAH", code: FailureCode.REJECTED }]);
    expect(amounts(tester!)).toEqual({ "main/UAH": "31.1683" });
    expect(tester!.failures).toEqual([]);
    expect(simulator.calls(PATH)).toBe(2);
  });

  it('a key the provider does not know ("Access denied") is AUTH_FAILED for its accounts only', async () => {
    const accounts = Object.entries(CONFIGURED).map(([ref, apiKey]) => ({ ref, apiKey: ref === "victim" ? "revoked-key" : apiKey }));
    const [carol, alice] = await client({ accounts }).loadBalances([
      { walletId: "carol", currency: null },
      { walletId: "alice", currency: null },
    ]);
    expect(carol!.balances).toEqual([]);
    expect(carol!.failures).toMatchObject([
      {
        currency: null,
        code: FailureCode.AUTH_FAILED,
        retryable: false,
        message: "account victim: the provider refused our API key: Access denied",
      },
    ]);
    expect(amounts(alice!)).toEqual({ "shared-a/UAH": "500.25", "dollars/USD": "1200.5" });
  });

  it.each(FAULT_OUTCOMES)("%s on one key gives %s (retryable %s) to its accounts' queries only", async (fault, code, retryable) => {
    await simulator.setFault(fault, { apiKey: KEYS.shared });
    const started = performance.now();
    const [alice, tester, bob, aliceUsd] = await client({ timeoutMs: 300 }).loadBalances([
      { walletId: "alice", currency: null },
      { walletId: "tester", currency: null },
      { walletId: "bob", currency: "UAH" },
      { walletId: "alice", currency: "USD" },
    ]);
    expect(performance.now() - started).toBeLessThan(300 + 400);
    // alice keeps her dollars: only her account under the faulty key fails.
    expect(amounts(alice!)).toEqual({ "dollars/USD": "1200.5" });
    expect(alice!.failures).toHaveLength(1);
    expect(alice!.failures[0]).toMatchObject({ providerId: PROVIDER_ID, currency: null, code, retryable });
    expect(alice!.failures[0]!.message).toMatch(/^account shared-a: /);
    expect(bob!.balances).toEqual([]);
    expect(bob!.failures).toMatchObject([{ providerId: PROVIDER_ID, currency: "UAH", code, retryable }]);
    // A query for USD still reports shared-a's failure: that account might have held USD.
    expect(amounts(aliceUsd!)).toEqual({ "dollars/USD": "1200.5" });
    expect(aliceUsd!.failures).toMatchObject([{ currency: "USD", code }]);
    expect(amounts(tester!)).toEqual({ "main/UAH": "31.1683" });
    expect(tester!.failures).toEqual([]);
  });

  it("a timeout is bounded by the client's timeout against a hanging provider", async () => {
    const result = await loadAgainstHang(
      simulator,
      async () => (await client({ timeoutMs: 300 }).loadBalances([{ walletId: "tester", currency: null }]))[0]!,
      300,
    );
    expect(result.failures).toMatchObject([{ code: FailureCode.TIMEOUT, retryable: true }]);
  });

  it("a refused connection is UNREACHABLE and retryable, and the client recovers when the port reopens", async () => {
    const target = client({ timeoutMs: 500 });
    const refused = await expectUnreachableUntilReopened(
      simulator,
      async () => (await target.loadBalances([{ walletId: "tester", currency: null }]))[0]!,
      (result) => expect(amounts(result)).toEqual({ "main/UAH": "31.1683" }),
    );
    expect(refused.balances).toEqual([]);
  });

  it("a failing link lookup is a failure of every query, never a rejected batch", async () => {
    directory.failWith = new Error("the store is gone");
    const results = await client().loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "alice", currency: "USD" },
    ]);
    expect(results).toMatchObject([
      { balances: [], failures: [{ currency: null, retryable: false }] },
      { balances: [], failures: [{ currency: "USD", retryable: false }] },
    ]);
    expect(simulator.calls()).toBe(0);
  });

  it("reads a JSON number of 18 integer digits and 8 decimals, and the same as a string, every digit kept", async () => {
    simulator.setBalance(KEYS.main, "123456789012345678.12345678");
    simulator.setBalance(KEYS.usd, "900719925474099312.00000001", { amountAs: "string" });
    const [tester, alice] = await client().loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "alice", currency: "USD" },
    ]);
    expect(amounts(tester!)).toEqual({ "main/UAH": "123456789012345678.12345678" });
    expect(amounts(alice!)).toEqual({ "dollars/USD": "900719925474099312.00000001" });
  });

  it("works over the real account link store", async () => {
    const store = await openStore("sqlite::memory:");
    try {
      const links = new AccountLinkStore(store.db);
      await links.link("tester", PROVIDER_ID, "main", {});
      await links.link("alice", PROVIDER_ID, "dollars", {});
      await links.link("alice", "another-provider", "shared-a", {});
      const results = await client({}, links).loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "alice", currency: null },
        { walletId: "bob", currency: null },
      ]);
      expect(results.map(amounts)).toEqual([{ "main/UAH": "31.1683" }, { "dollars/USD": "1200.5" }, {}]);
      expect(simulator.calls(PATH)).toBe(2);
    } finally {
      await store.close();
    }
  });
});

describe("AlphaSmsClient: answers the simulator does not give", () => {
  let stub: Server;
  let received: { contentType: string | undefined; body: { auth: string; data: unknown[] } }[];
  let answer: (count: number) => { status: number; body: string };

  beforeEach(async () => {
    received = [];
    stub = createServer((request, response) => {
      let text = "";
      request.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      request.on("end", () => {
        const body = JSON.parse(text) as { auth: string; data: unknown[] };
        received.push({ contentType: request.headers["content-type"], body });
        const { status, body: reply } = answer(body.data.length);
        response.writeHead(status, { "content-type": "application/json" }).end(reply);
      });
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  });

  afterEach(async () => {
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });

  const THREE = new MapDirectory({ w1: ["a1"], w2: ["a2"], w3: ["a3"] });
  const stubClient = (): AlphaSmsClient =>
    client(
      {
        baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
        accounts: ["a1", "a2", "a3"].map((ref) => ({ ref, apiKey: "stub-key" })),
      },
      THREE,
    );
  const readThree = (): Promise<BalanceResult[]> =>
    stubClient().loadBalances([
      { walletId: "w1", currency: null },
      { walletId: "w2", currency: null },
      { walletId: "w3", currency: null },
    ]);
  const ok = (amount: string, currency = "UAH"): string => `{"success":true,"data":{"amount":${amount},"currency":"${currency}"}}`;

  it("sends the documented request: POST JSON with the key as auth and one balance item per account", async () => {
    answer = () => ({ status: 200, body: `{"success":true,"data":[${ok("1")},${ok("2")},${ok("3")}]}` });
    await readThree();
    expect(received).toEqual([
      {
        contentType: "application/json",
        body: { auth: "stub-key", data: [{ type: "balance" }, { type: "balance" }, { type: "balance" }] },
      },
    ]);
  });

  it("matches results by position: one failed item among successes fails its own account only", async () => {
    answer = () => ({
      status: 200,
      body: `{"success":true,"data":[${ok("1.10")},{"success":false,"error":"Error in request","data":{"id":2}},${ok("3.333")}]}`,
    });
    const [first, second, third] = await readThree();
    expect(amounts(first!)).toEqual({ "a1/UAH": "1.10" });
    expect(second!.balances).toEqual([]);
    expect(second!.failures).toMatchObject([
      { code: FailureCode.REJECTED, retryable: false, message: "account a2: the provider refused the balance request: Error in request" },
    ]);
    expect(amounts(third!)).toEqual({ "a3/UAH": "3.333" });
  });

  it.each([
    [
      "fewer results than items",
      (count: number) =>
        `{"success":true,"data":[${Array(count - 1)
          .fill(ok("1"))
          .join(",")}]}`,
    ],
    [
      "more results than items",
      (count: number) =>
        `{"success":true,"data":[${Array(count + 1)
          .fill(ok("1"))
          .join(",")}]}`,
    ],
  ])("%s is a BAD_RESPONSE for every account of the call", async (_, body) => {
    answer = (count) => ({ status: 200, body: body(count) });
    const results = await readThree();
    for (const result of results) {
      expect(result.balances).toEqual([]);
      expect(result.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE, retryable: false }]);
    }
    expect(results[0]!.failures[0]!.message).toMatch(/results for the 3 requests sent/);
  });

  it("one result of the wrong shape makes the whole call a BAD_RESPONSE, naming where", async () => {
    const wrong = `{"success":true,"data":{"amount":"a lot","currency":"UAH"}}`;
    answer = () => ({ status: 200, body: `{"success":true,"data":[${ok("1")},${wrong},${ok("3")}]}` });
    const results = await readThree();
    for (const result of results) expect(result.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE }]);
    expect(results[0]!.failures[0]!.message).toMatch(/at data\.1\.data\.amount/);
  });

  it("takes success as 1 and 0, as the page's table types it", async () => {
    const integerFlagged = `{"success":1,"data":{"amount":1,"currency":"UAH"}}`;
    answer = () => ({ status: 200, body: `{"success":1,"data":[${integerFlagged},{"success":0,"error":"No"},${ok("3")}]}` });
    const [first, second, third] = await readThree();
    expect(amounts(first!)).toEqual({ "a1/UAH": "1" });
    expect(second!.failures).toMatchObject([{ code: FailureCode.REJECTED }]);
    expect(amounts(third!)).toEqual({ "a3/UAH": "3" });
  });

  it.each([
    ["an exponent, read exactly", "1.5e3", "UAH", "1500"],
    ["a tiny exponent", "1E-8", "UAH", "0.00000001"],
    ["a decimal string", '"31.16830"', "UAH", "31.16830"],
    ["a lowercase currency, uppercased", "2.00", "usd", "2.00"],
  ])("reads %s", async (_, amount, currency, expected) => {
    answer = (count) => ({ status: 200, body: `{"success":true,"data":[${Array(count).fill(ok(amount, currency)).join(",")}]}` });
    const [first] = await readThree();
    expect(first!.failures).toEqual([]);
    expect(first!.balances.map((balance) => [balance.currency, balance.amount.toString(), balance.locked.toString()])).toEqual([
      [currency.toUpperCase(), expected, expected.includes(".") ? `0.${"0".repeat(expected.split(".")[1]!.length)}` : "0"],
    ]);
  });

  it.each([
    ["an amount string that is not a decimal", ok('"31,1683"')],
    ["an amount that is missing", `{"success":true,"data":{"currency":"UAH"}}`],
    ["an amount that is null", ok("null")],
    ["a currency that is not a code", ok("1", "hryvnia")],
    ["a success flag of 2", `{"success":2,"data":{"amount":1,"currency":"UAH"}}`],
    ["a failed item without its error", `{"success":false}`],
    ["an item that is not an object", `"balance"`],
    ["a negative balance", ok("-12.5000")],
  ])("refuses %s as BAD_RESPONSE, never a zero balance", async (_, item) => {
    answer = (count) => ({ status: 200, body: `{"success":true,"data":[${Array(count).fill(item).join(",")}]}` });
    for (const result of await readThree()) {
      expect(result.balances).toEqual([]);
      expect(result.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE, retryable: false }]);
    }
  });

  it.each([
    ["the page's success example without a comma", `{"success":true "data":[]}`],
    ["an empty body", ""],
    ["an envelope without success", `{"data":[]}`],
    ["data that is an object", `{"success":true,"data":{"0":{}}}`],
    ["an envelope error that is not a string", `{"success":false,"error":{"code":5}}`],
  ])("refuses %s as BAD_RESPONSE", async (_, body) => {
    answer = () => ({ status: 200, body });
    for (const result of await readThree()) expect(result.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE }]);
  });

  it("an envelope error other than Access denied is REJECTED for every account of the call", async () => {
    answer = () => ({ status: 200, body: `{"success":false,"error":"Too many requests"}` });
    for (const result of await readThree()) {
      expect(result.failures).toMatchObject([
        {
          code: FailureCode.REJECTED,
          retryable: false,
          message: expect.stringMatching(/the provider refused the request: Too many requests$/),
        },
      ]);
    }
  });

  it("HTTP 401 or 403 is AUTH_FAILED, 502 UPSTREAM_ERROR, 404 BAD_RESPONSE", async () => {
    for (const [status, code] of [
      [401, FailureCode.AUTH_FAILED],
      [403, FailureCode.AUTH_FAILED],
      [502, FailureCode.UPSTREAM_ERROR],
      [404, FailureCode.BAD_RESPONSE],
    ] as const) {
      answer = () => ({ status, body: "no" });
      const [first] = await readThree();
      expect(first!.failures).toMatchObject([{ code }]);
    }
  });
});

describe("AlphaSmsClient: exact amounts, property", () => {
  const integerPart = fc.oneof(
    fc.constant("0"),
    fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 17 }))
      .map(([first, rest]) => `${first}${rest}`),
  );
  const fraction = fc.option(fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 8 }), { nil: undefined });
  const amountText = fc.tuple(integerPart, fraction).map(([whole, decimals]) => (decimals === undefined ? whole : `${whole}.${decimals}`));

  it("any amount up to 18 integer digits and 8 decimals, as a JSON number or a string, reads back with every digit", async () => {
    const target = client();
    await fc.assert(
      fc.asyncProperty(amountText, fc.constantFrom("number" as const, "string" as const), async (amount, amountAs) => {
        simulator.setBalance(KEYS.main, amount, { amountAs });
        const [result] = await target.loadBalances([{ walletId: "tester", currency: "UAH" }]);
        expect(result!.failures).toEqual([]);
        expect(result!.balances).toHaveLength(1);
        const balance = result!.balances[0]!;
        expect(balance.amount.toString()).toBe(amount);
        expect(balance.available.toString()).toBe(amount);
        expect(balance.locked.scale).toBe(balance.amount.scale);
      }),
      { numRuns: 200 },
    );
    expect(simulator.calls(PATH)).toBeGreaterThanOrEqual(200);
  });
});
