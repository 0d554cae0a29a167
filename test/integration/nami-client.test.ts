// Checks the Nami Exchange client against the Nami simulator over real HTTP on loopback: balances to the last digit, the fewest calls, faults and refusals.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountLinkStore, type AccountLink } from "../../src/accounts/account-links.js";
import { Decimal } from "../../src/money/decimal.js";
import { FailureCode } from "../../src/providers/failure.js";
import { NamiClient } from "../../src/providers/nami/client.js";
import { namiProviderConfig, type NamiProviderConfig } from "../../src/providers/nami/config.js";
import { NamiSimulator } from "../../src/providers/nami/simulator.js";
import type { AccountDirectory, BalanceQuery, BalanceResult } from "../../src/providers/provider.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { FAULT_OUTCOMES, expectUnreachableUntilReopened } from "../support/provider-faults.js";
import { loadAgainstHang, loadWithSlowCalls } from "../support/provider-timing.js";

const PATH = "/api/v4/user/balance";
const MAIN = { ref: "main", apiKey: "key-main", apiSecret: "secret-main" };
const SAVINGS = { ref: "savings", apiKey: "key-savings", apiSecret: "secret-savings" };
const VICTIM = { ref: "victim", apiKey: "key-victim", apiSecret: "secret-victim" };

/** A tiny AccountDirectory over a Map, counting its lookups. */
class MapDirectory implements AccountDirectory {
  lookups = 0;
  fail = false;
  constructor(private readonly links: Map<string, string[]>) {}

  async forWallets(providerId: string, walletIds: readonly string[]): Promise<Map<string, AccountLink[]>> {
    this.lookups++;
    if (this.fail) throw new Error("the store is down");
    return new Map(
      walletIds.map((walletId) => [
        walletId,
        (this.links.get(walletId) ?? []).map((accountRef) => ({
          id: `${walletId}/${accountRef}`,
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

let simulator: NamiSimulator;
let directory: MapDirectory;
const clients: NamiClient[] = [];

function config(overrides: Partial<NamiProviderConfig> = {}): NamiProviderConfig {
  return {
    protocol: "nami",
    id: "nami",
    name: "Nami Exchange",
    timeoutMs: 2_000,
    maxConnections: 8,
    baseUrl: simulator.url,
    accounts: [MAIN, SAVINGS, VICTIM],
    walletTypes: ["spot", "futures"],
    assets: { "1": "NAMI", "9": "BTC", "10": "ETH", "22": "USDT", "39": "VNST", "72": "VNDC" },
    ...overrides,
  };
}

function client(overrides: Partial<NamiProviderConfig> = {}, accounts: AccountDirectory = directory): NamiClient {
  // These tests count single requests; retries have their own suite (test/resilience).
  const created = new NamiClient(config({ retries: 0, ...overrides }), accounts);
  clients.push(created);
  return created;
}

/** Every figure of a result as text, so scale is part of what is compared. */
function figures(result: BalanceResult): Record<string, string> {
  return Object.fromEntries(
    result.balances.map((balance) => [
      `${balance.account}/${balance.currency}`,
      `${balance.amount.toString()} = ${balance.available.toString()} + ${balance.locked.toString()}`,
    ]),
  );
}

beforeEach(async () => {
  simulator = await NamiSimulator.start({
    accounts: [
      {
        apiKey: MAIN.apiKey,
        apiSecret: MAIN.apiSecret,
        spot: { "22": { value: "1234.56789012", locked: "234.5" }, "9": "0.00012345" },
        futures: { "22": "50" },
      },
      { apiKey: SAVINGS.apiKey, apiSecret: SAVINGS.apiSecret, spot: { "1": "1000", "72": "25000000.5" } },
      { apiKey: VICTIM.apiKey, apiSecret: VICTIM.apiSecret, spot: { "22": "3.25" }, futures: { "10": "0.5" } },
    ],
  });
  directory = new MapDirectory(
    new Map([
      ["tester", ["main"]],
      ["family", ["savings", "victim"]],
      ["victim-owner", ["victim"]],
    ]),
  );
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
  await simulator.stop();
});

describe("NamiClient: configuration and info", () => {
  const base = {
    protocol: "nami",
    id: "nami",
    name: "Nami Exchange",
    baseUrl: "https://nami.exchange",
    accounts: [{ ref: "main", apiKey: { env: "NAMI_TEST_KEY" }, apiSecret: { env: "NAMI_TEST_SECRET" } }],
  };

  beforeAll(() => {
    process.env.NAMI_TEST_KEY = "env-key";
    process.env.NAMI_TEST_SECRET = "env-secret";
  });
  afterAll(() => {
    delete process.env.NAMI_TEST_KEY;
    delete process.env.NAMI_TEST_SECRET;
  });

  it("parses a configuration with secrets from the environment, defaults filled in", () => {
    const parsed = namiProviderConfig.parse(base);
    expect(parsed).toMatchObject({
      accounts: [{ ref: "main", apiKey: "env-key", apiSecret: "env-secret" }],
      walletTypes: ["spot", "futures"],
      assets: { "1": "NAMI", "9": "BTC", "10": "ETH", "22": "USDT", "39": "VNST", "72": "VNDC" },
      timeoutMs: 3_000,
    });
    const created = client(parsed);
    expect(created.info).toEqual({ id: "nami", name: "Nami Exchange", protocol: "nami", canRefund: false });
    expect(created.accounts).toBe("linked");
    expect("refund" in created).toBe(false);
  });

  it.each([
    ["another protocol", { protocol: "slot-spec" }],
    ["no accounts", { accounts: [] }],
    ["a ref used twice", { accounts: [...base.accounts, ...base.accounts] }],
    ["an empty ref", { accounts: [{ ...base.accounts[0], ref: "" }] }],
    ["a secret written in the file", { accounts: [{ ...base.accounts[0], apiSecret: "plain" }] }],
    ["a secret that is not set", { accounts: [{ ...base.accounts[0], apiSecret: { env: "NAMI_TEST_UNSET" } }] }],
    ["no wallet type", { walletTypes: [] }],
    ["an unknown wallet type", { walletTypes: ["margin"] }],
    ["a wallet type twice", { walletTypes: ["spot", "spot"] }],
    ["an asset id that is not digits", { assets: { USDT: "USDT" } }],
    ["a lowercase symbol", { assets: { "22": "usdt" } }],
    ["one symbol for two ids", { assets: { "22": "USDT", "23": "USDT" } }],
    ["an empty asset map", { assets: {} }],
    ["a base URL with a query", { baseUrl: "https://nami.exchange/?x=1" }],
    ["a base URL that is not http", { baseUrl: "ftp://nami.exchange" }],
    ["an unknown field", { recvWindow: 5000 }],
  ])("refuses %s", (_, change) => {
    expect(namiProviderConfig.safeParse({ ...base, ...change }).success).toBe(false);
  });
});

describe("NamiClient: balances", () => {
  it("reads spot and futures with every digit kept, amount = available + locked, empty assets hidden", async () => {
    const [all] = await client().loadBalances([{ walletId: "tester", currency: null }]);
    expect(all!.failures).toEqual([]);
    expect(figures(all!)).toEqual({
      "main:spot/BTC": "0.00012345 = 0.00012345 + 0",
      "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5",
      "main:futures/USDT": "50 = 50 + 0",
    });
    const usdt = all!.balances.find((balance) => balance.account === "main:spot" && balance.currency === "USDT")!;
    expect(usdt.providerId).toBe("nami");
    expect(usdt.available.plus(usdt.locked).compare(usdt.amount)).toBe(0);
    // The calls a test sees for tester's balances in every currency: spot + futures.
    expect(simulator.calls(PATH)).toBe(2);
  });

  it("a query for one currency gets only that currency, from every wallet type", async () => {
    const [usdt, btc, eth] = await client().loadBalances([
      { walletId: "tester", currency: "USDT" },
      { walletId: "tester", currency: "BTC" },
      { walletId: "tester", currency: "ETH" },
    ]);
    expect(figures(usdt!)).toEqual({ "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5", "main:futures/USDT": "50 = 50 + 0" });
    expect(figures(btc!)).toEqual({ "main:spot/BTC": "0.00012345 = 0.00012345 + 0" });
    expect(eth).toEqual({ balances: [], failures: [] });
    expect(simulator.calls(PATH)).toBe(2);
  });

  it("makes one call per (linked account, wallet type) for the whole batch, and one directory lookup", async () => {
    const queries: BalanceQuery[] = [
      { walletId: "tester", currency: null },
      { walletId: "tester", currency: "USDT" },
      { walletId: "tester", currency: "BTC" },
      { walletId: "family", currency: null },
      { walletId: "family", currency: "VNDC" },
      { walletId: "family", currency: "USDT" },
      { walletId: "victim-owner", currency: "ETH" },
      { walletId: "nobody", currency: null },
      { walletId: "tester", currency: "EUR" },
    ];
    const results = await client().loadBalances(queries);
    // main, savings, victim: spot and futures each; victim is shared by two wallets and asked once.
    expect(simulator.calls(PATH)).toBe(6);
    expect(directory.lookups).toBe(1);
    expect(results.map(figures)).toEqual([
      {
        "main:spot/BTC": "0.00012345 = 0.00012345 + 0",
        "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5",
        "main:futures/USDT": "50 = 50 + 0",
      },
      { "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5", "main:futures/USDT": "50 = 50 + 0" },
      { "main:spot/BTC": "0.00012345 = 0.00012345 + 0" },
      {
        "savings:spot/NAMI": "1000 = 1000 + 0",
        "savings:spot/VNDC": "25000000.5 = 25000000.5 + 0",
        "victim:spot/USDT": "3.25 = 3.25 + 0",
        "victim:futures/ETH": "0.5 = 0.5 + 0",
      },
      { "savings:spot/VNDC": "25000000.5 = 25000000.5 + 0" },
      { "victim:spot/USDT": "3.25 = 3.25 + 0" },
      { "victim:futures/ETH": "0.5 = 0.5 + 0" },
      {},
      {},
    ]);
    expect(results.every((result) => result.failures.length === 0)).toBe(true);
  });

  it("reads only the configured wallet types: one call per account with spot alone", async () => {
    const [result] = await client({ walletTypes: ["spot"] }).loadBalances([{ walletId: "tester", currency: null }]);
    expect(simulator.calls(PATH)).toBe(1);
    expect(Object.keys(figures(result!))).toEqual(["main:spot/BTC", "main:spot/USDT"]);
  });

  it("makes its calls concurrently", async () => {
    const results = await loadWithSlowCalls(simulator, () =>
      client().loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "family", currency: null },
      ]),
    );
    expect(simulator.calls(PATH)).toBe(6);
    expect(results.every((result) => result.failures.length === 0)).toBe(true);
  });

  it("a wallet without a link at Nami, or a currency no asset id stands for, costs no call", async () => {
    const results = await client().loadBalances([
      { walletId: "nobody", currency: null },
      { walletId: "nobody", currency: "USDT" },
      { walletId: "tester", currency: "EUR" },
    ]);
    expect(results).toEqual([
      { balances: [], failures: [] },
      { balances: [], failures: [] },
      { balances: [], failures: [] },
    ]);
    expect(simulator.calls()).toBe(0);
    expect(directory.lookups).toBe(1);
  });

  it("leaves out an asset id the map does not name, instead of inventing a symbol", async () => {
    simulator.setBalance(MAIN.apiKey, "spot", "4242", "99.5");
    const [all] = await client().loadBalances([{ walletId: "tester", currency: null }]);
    expect(Object.keys(figures(all!))).toEqual(["main:spot/BTC", "main:spot/USDT", "main:futures/USDT"]);
    const [renamed] = await client({ assets: { "4242": "XYZ" } }).loadBalances([{ walletId: "tester", currency: null }]);
    expect(figures(renamed!)).toEqual({ "main:spot/XYZ": "99.5 = 99.5 + 0" });
  });

  it("shows an asset fully locked, and one written with an exponent, exactly", async () => {
    simulator.setBalance(MAIN.apiKey, "spot", "10", "2.5", "2.5");
    simulator.setBalance(MAIN.apiKey, "futures", "1", "1e-7");
    const [all] = await client().loadBalances([{ walletId: "tester", currency: null }]);
    expect(figures(all!)).toMatchObject({ "main:spot/ETH": "2.5 = 0.0 + 2.5", "main:futures/NAMI": "0.0000001 = 0.0000001 + 0" });
  });

  it("reads amounts sent as decimal strings too, digits kept", async () => {
    simulator.setAmountsAsStrings(true);
    const [all] = await client().loadBalances([{ walletId: "tester", currency: "USDT" }]);
    expect(figures(all!)).toEqual({ "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5", "main:futures/USDT": "50 = 50 + 0" });
  });

  it.each([
    ["a negative value", "-1.5", "0"],
    ["more locked than held", "1.5", "2"],
  ])("%s is a BAD_RESPONSE for that wallet, never a balance", async (_, value, locked) => {
    simulator.setBalance(MAIN.apiKey, "futures", "22", value, locked);
    const [result] = await client().loadBalances([{ walletId: "tester", currency: "USDT" }]);
    expect(figures(result!)).toEqual({ "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5" });
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ providerId: "nami", currency: "USDT", code: FailureCode.BAD_RESPONSE, retryable: false });
    expect(result!.failures[0]!.message).toMatch(/^main:futures: /);
  });

  it("works over the real account-link store", async () => {
    const store: Store = await openStore("sqlite::memory:");
    try {
      const links = new AccountLinkStore(store.db);
      await links.link("tester", "nami", "main", {});
      await links.link("tester", "nami", "savings", {});
      await links.link("tester", "other-provider", "victim", {});
      const [result] = await client({}, links).loadBalances([{ walletId: "tester", currency: null }]);
      expect(result!.failures).toEqual([]);
      expect(Object.keys(figures(result!)).sort()).toEqual([
        "main:futures/USDT",
        "main:spot/BTC",
        "main:spot/USDT",
        "savings:spot/NAMI",
        "savings:spot/VNDC",
      ]);
      expect(simulator.calls(PATH)).toBe(4);
    } finally {
      await store.close();
    }
  });
});

describe("NamiClient: failures", () => {
  it.each(FAULT_OUTCOMES)("%s on one account gives %s (retryable %s) to its queries only", async (fault, code, retryable) => {
    await simulator.setFault(fault, { apiKey: VICTIM.apiKey });
    const started = performance.now();
    const results = await client({ timeoutMs: 300 }).loadBalances([
      { walletId: "victim-owner", currency: "USDT" },
      { walletId: "tester", currency: "USDT" },
      { walletId: "victim-owner", currency: null },
      { walletId: "family", currency: null },
    ]);
    expect(performance.now() - started).toBeLessThan(300 + 400);
    expect(simulator.calls(PATH)).toBe(6);

    expect(results[0]!.balances).toEqual([]);
    expect(results[0]!.failures).toHaveLength(1);
    expect(results[0]!.failures[0]).toMatchObject({ providerId: "nami", currency: "USDT", code, retryable });
    expect(results[0]!.failures[0]!.message).toMatch(/^victim:spot, victim:futures: /);
    expect(results[2]!.balances).toEqual([]);
    expect(results[2]!.failures).toMatchObject([{ currency: null, code, retryable }]);

    expect(results[1]!.failures).toEqual([]);
    expect(figures(results[1]!)).toEqual({ "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5", "main:futures/USDT": "50 = 50 + 0" });
    // The family wallet still shows its other account, and says which one failed.
    expect(figures(results[3]!)).toEqual({ "savings:spot/NAMI": "1000 = 1000 + 0", "savings:spot/VNDC": "25000000.5 = 25000000.5 + 0" });
    expect(results[3]!.failures).toMatchObject([{ currency: null, code, retryable }]);
  });

  it("a fault on the futures wallet alone keeps the spot balances and names the failed wallet", async () => {
    await simulator.setFault("http500", { walletType: "futures" });
    const [result] = await client().loadBalances([{ walletId: "tester", currency: "USDT" }]);
    expect(figures(result!)).toEqual({ "main:spot/USDT": "1234.56789012 = 1000.06789012 + 234.5" });
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ code: FailureCode.UPSTREAM_ERROR, retryable: true });
    expect(result!.failures[0]!.message).toBe("main:futures: the exchange answered HTTP 500");
  });

  it("a timeout is bounded by the client's timeout against a hanging exchange", async () => {
    const result = await loadAgainstHang(
      simulator,
      async () => (await client({ timeoutMs: 300 }).loadBalances([{ walletId: "tester", currency: null }]))[0]!,
      300,
    );
    expect(result.balances).toEqual([]);
    expect(result.failures).toMatchObject([{ code: FailureCode.TIMEOUT, retryable: true }]);
  });

  it("a refused connection is UNREACHABLE and retryable, and the client recovers when the port reopens", async () => {
    const target = client({ timeoutMs: 500 });
    await expectUnreachableUntilReopened(
      simulator,
      async () => (await target.loadBalances([{ walletId: "tester", currency: "BTC" }]))[0]!,
      (result) => expect(result.balances).toHaveLength(1),
    );
  });

  it("a wrong API secret is AUTH_FAILED (the exchange's 401), not retryable", async () => {
    const [result] = await client({ accounts: [{ ...MAIN, apiSecret: "wrong" }] }).loadBalances([{ walletId: "tester", currency: null }]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ code: FailureCode.AUTH_FAILED, retryable: false });
    expect(result!.failures[0]!.message).toContain("Invalid signature");
    expect(simulator.calls(PATH)).toBe(2);
  });

  it("a link to an account with no API key configured is AUTH_FAILED, without a call", async () => {
    const [result, other] = await client({ accounts: [SAVINGS] }).loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "family", currency: "NAMI" },
    ]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.AUTH_FAILED, retryable: false }]);
    expect(result!.failures[0]!.message).toBe('main:spot, main:futures: no API key is configured for the account "main"');
    // Two calls: savings' spot and futures; victim has no key either.
    expect(figures(other!)).toEqual({ "savings:spot/NAMI": "1000 = 1000 + 0" });
    expect(other!.failures).toMatchObject([{ code: FailureCode.AUTH_FAILED }]);
    expect(simulator.calls(PATH)).toBe(2);
  });

  it("a BROKER_ERROR is REJECTED with the exchange's code", async () => {
    simulator.setBusinessError(MAIN.apiKey, { code: 7, message: "API key has no wallet permission" });
    const [result, other] = await client().loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "victim-owner", currency: null },
    ]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ code: FailureCode.REJECTED, retryable: false });
    expect(result!.failures[0]!.message).toContain("API key has no wallet permission (code 7)");
    expect(other!.failures).toEqual([]);
    expect(other!.balances).toHaveLength(2);
  });

  it("a failing account directory fails every query of the batch, without rejecting and without a call", async () => {
    directory.fail = true;
    const results = await client().loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "family", currency: "USDT" },
    ]);
    expect(results).toHaveLength(2);
    expect(results[0]!.failures).toMatchObject([{ currency: null, code: FailureCode.BAD_RESPONSE }]);
    expect(results[1]!.failures).toMatchObject([{ currency: "USDT" }]);
    expect(results[0]!.failures[0]!.message).toBe("the wallets' Nami accounts could not be looked up");
    expect(simulator.calls()).toBe(0);
  });
});

describe("NamiClient: answers the simulator does not give", () => {
  let stub: Server;
  let answer: { status: number; body: string };

  beforeEach(async () => {
    stub = createServer((_request, response) => {
      response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
  });

  afterEach(async () => {
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });

  async function readWith(status: number, body: string): Promise<BalanceResult> {
    answer = { status, body };
    const target = client({ baseUrl: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`, walletTypes: ["spot"] });
    return (await target.loadBalances([{ walletId: "tester", currency: null }]))[0]!;
  }

  it("the page's own success example (every asset at zero) is no balance at all, and no failure", async () => {
    const page = `{
  "status": "ok",
  "data": {
    "1": { "value": 0, "locked_value": 0, "type": 0 },
    "2": { "value": 0, "locked_value": 0, "type": 0 }
  }
}`;
    expect(await readWith(200, page)).toEqual({ balances: [], failures: [] });
  });

  it("the page's refusal under its tab's HTTP 400 is AUTH_FAILED, as its body says 401", async () => {
    const body = '{"statusCode":401,"message":"Missing API key, signature, or timestamp","error":"Unauthorized"}';
    const result = await readWith(400, body);
    expect(result.failures).toMatchObject([{ code: FailureCode.AUTH_FAILED, retryable: false }]);
    expect(result.failures[0]!.message).toContain("Missing API key, signature, or timestamp");
    expect((await readWith(403, "Forbidden")).failures).toMatchObject([{ code: FailureCode.AUTH_FAILED }]);
  });

  it("a BROKER_ERROR under HTTP 400 is REJECTED too, its code kept", async () => {
    const result = await readWith(400, '{"status":"BROKER_ERROR","code":4001,"data":{},"message":"Too many requests"}');
    expect(result.failures).toMatchObject([{ code: FailureCode.REJECTED, retryable: false }]);
    expect(result.failures[0]!.message).toContain("Too many requests (code 4001)");
  });

  it.each([
    ["HTTP 404", 404, '{"statusCode":404,"message":"Cannot GET /api/v4/user/balance","error":"Not Found"}', FailureCode.BAD_RESPONSE],
    ["HTTP 429 (rate limited, inferred retryable)", 429, "Too Many Requests", FailureCode.UPSTREAM_ERROR],
    ["HTTP 502", 502, "<html>Bad Gateway</html>", FailureCode.UPSTREAM_ERROR],
    ["HTML with 200", 200, "<html>maintenance</html>", FailureCode.BAD_RESPONSE],
    ["an unknown status", 200, '{"status":"error","data":{}}', FailureCode.BAD_RESPONSE],
    ["data as an array", 200, '{"status":"ok","data":[]}', FailureCode.BAD_RESPONSE],
    [
      "an asset key that is not an id",
      200,
      '{"status":"ok","data":{"USDT":{"value":1,"locked_value":0,"type":0}}}',
      FailureCode.BAD_RESPONSE,
    ],
    ["a boolean amount", 200, '{"status":"ok","data":{"22":{"value":true,"locked_value":0,"type":0}}}', FailureCode.BAD_RESPONSE],
    ["an exponent in a string", 200, '{"status":"ok","data":{"22":{"value":"1e3","locked_value":0,"type":0}}}', FailureCode.BAD_RESPONSE],
    ["a missing locked_value", 200, '{"status":"ok","data":{"22":{"value":1,"type":0}}}', FailureCode.BAD_RESPONSE],
    ["a BROKER_ERROR without code", 200, '{"status":"BROKER_ERROR","data":{},"message":"x"}', FailureCode.BAD_RESPONSE],
  ])("%s is %s, never a zero balance", async (_, status, body, code) => {
    const result = await readWith(status, body);
    expect(result.balances).toEqual([]);
    expect(result.failures).toMatchObject([{ code }]);
  });

  it("keeps the digits of a number no binary float can hold", async () => {
    const body = '{"status":"ok","data":{"22":{"value":123456789012345678.123456789,"locked_value":0.000000001,"type":0}}}';
    expect(figures(await readWith(200, body))).toEqual({
      "main:spot/USDT": "123456789012345678.123456789 = 123456789012345678.123456788 + 0.000000001",
    });
  });
});

describe("NamiClient: amounts round-trip (property)", () => {
  /** A non-negative decimal with up to 18 integer digits and up to 8 decimals, as JSON writes it. */
  const decimalText = fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 8 }), fc.bigInt({ min: 0n, max: 10n ** 8n - 1n }))
    .map(([integer, scale, fraction]) =>
      scale === 0 ? integer.toString() : `${integer}.${(fraction % 10n ** BigInt(scale)).toString().padStart(scale, "0")}`,
    );
  const holding = fc.tuple(decimalText, decimalText).map(([a, b]) => {
    // value >= locked, compared exactly.
    return new Decimal(a).comparedTo(new Decimal(b)) >= 0 ? { value: a, locked: b } : { value: b, locked: a };
  });

  it.each([
    ["JSON numbers", false],
    ["decimal strings", true],
  ])("what the exchange holds comes back with every digit, sent as %s", async (_, asStrings) => {
    simulator.setAmountsAsStrings(asStrings);
    const target = client({ walletTypes: ["spot"], accounts: [MAIN] });
    await fc.assert(
      fc.asyncProperty(holding, async ({ value, locked }) => {
        simulator.setBalance(MAIN.apiKey, "spot", "39", value, locked);
        const [result] = await target.loadBalances([{ walletId: "tester", currency: "VNST" }]);
        expect(result!.failures).toEqual([]);
        if (new Decimal(value).isZero()) {
          expect(result!.balances).toEqual([]);
          return;
        }
        expect(result!.balances).toHaveLength(1);
        const balance = result!.balances[0]!;
        expect(balance.amount.toString()).toBe(value);
        expect(balance.locked.toString()).toBe(locked);
        const scale = Math.max(value.split(".")[1]?.length ?? 0, locked.split(".")[1]?.length ?? 0);
        expect(balance.available.toString()).toBe(new Decimal(value).minus(new Decimal(locked)).toFixed(scale));
      }),
      { numRuns: 200 },
    );
  });
});
