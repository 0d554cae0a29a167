// A frontend reads wallets through the subgraph over HTTP, against the five providers' simulators on loopback.
import { readFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_QUERY, startSandbox, type Sandbox } from "../../src/sandbox.js";
import {
  ExampleWalletDocument,
  LinkAccountDocument,
  WalletAccountLinksDocument,
  ProvidersDocument,
  WalletAliasesDocument,
  WalletEntitiesDocument,
  WalletOverviewDocument,
} from "../generated/graphql.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";

const TIMEOUT_MS = 1_000;
let sandbox: Sandbox;

/** Calls counted at the simulators, by provider (and by path where a provider has several). */
function upstreamCalls() {
  const { kyren, luckyMonaco, alphaSms, nami, xpay } = sandbox.simulators;
  return {
    kyrenInfo: kyren.calls("/user/info"),
    kyrenBalance: kyren.calls("/user/balance"),
    luckyMonacoBalance: luckyMonaco.calls("/user/balance"),
    alphaSms: alphaSms.calls(),
    nami: nami.calls(),
    xpay: xpay.calls(),
    all: Object.values(sandbox.simulators).reduce((sum, simulator) => sum + simulator.calls(), 0),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", providerTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(async () => {
  for (const simulator of Object.values(sandbox.simulators)) {
    await simulator.setFault(null);
    simulator.setLatency(0);
    simulator.resetCalls();
  }
});

describe("reading a wallet", () => {
  it("answers the README's example query with the answer the README shows", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const example = /## Example\n+```graphql\n([\s\S]*?)```[^`]*```json\n([\s\S]*?)```/.exec(readme);
    expect(example?.[1]?.trim()).toBe(EXAMPLE_QUERY.trim());
    const response = await sandboxPost(sandbox, ExampleWalletDocument);
    expect({ data: response.data }).toEqual(JSON.parse(example![2]!));
    const { wallet } = dataOf(response);
    expect(wallet!.total).toBe("400.0");
    expect(new Set(wallet!.balances.map((balance) => balance.provider.name))).toEqual(
      new Set(["Kyren", "Lucky Monaco", "AlphaSMS", "Nami Exchange", "XPAY"]),
    );
  });

  it("shows every currency at all five providers, amount = available + locked, at the fewest calls the APIs allow", async () => {
    sandbox.simulators.kyren.setWallet("tester", "EUR", "0.00000001");
    try {
      const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "UAH" }));
      expect(wallet!.failures).toEqual([]);
      const row = (provider: string, account: string, currency: string, amount: string, available: string, locked: string) => ({
        provider: { id: provider, name: expect.any(String) },
        account,
        currency,
        amount,
        available,
        locked,
      });
      expect(wallet!.balances).toEqual([
        row("kyren", "tester", "USD", "100.0", "100.0", "0.0"),
        row("kyren", "tester", "EUR", "0.00000001", "0.00000001", "0.00000000"),
        row("lucky-monaco", "tester", "USD", "300.0", "300.0", "0.0"),
        row("alphasms", "main", "UAH", "31.1683", "31.1683", "0.0000"),
        row("nami", "main:spot", "BTC", "0.00012345", "0.00012345", "0"),
        row("nami", "main:spot", "USDT", "1234.56789012", "1000.06789012", "234.5"),
        row("nami", "main:futures", "USDT", "50", "50", "0"),
        row("xpay", "xpay-wallet", "UAH", "500.00", "500.00", "0.00"),
      ]);
      expect(wallet!.total).toBe("531.1683");
      // Kyren answers every currency in one /user/info call, Lucky Monaco one call per configured currency,
      // AlphaSMS one call for the API key, Nami one per wallet type (spot, futures), XPAY one per instrument.
      expect(upstreamCalls()).toEqual({ kyrenInfo: 1, kyrenBalance: 0, luckyMonacoBalance: 2, alphaSms: 1, nami: 2, xpay: 1, all: 7 });
    } finally {
      sandbox.simulators.kyren.setWallet("tester", "EUR", "0");
    }
  });

  it("spans several providers in one currency: UAH at AlphaSMS and XPAY", async () => {
    const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency: "UAH", totalCurrency: "UAH" }));
    expect(wallet!.balances.map((b) => [b.provider.id, b.amount])).toEqual([
      ["alphasms", "31.1683"],
      ["xpay", "500.00"],
    ]);
    expect(wallet!.total).toBe("531.1683");
    // Nothing asks Lucky Monaco (USD, EUR) or Nami (no UAH asset) about UAH.
    expect(upstreamCalls()).toMatchObject({ luckyMonacoBalance: 0, nami: 0, alphaSms: 1, xpay: 1 });
  });

  it("costs one upstream call per distinct balance when aliases and a total ask for the same one", async () => {
    const { first } = dataOf(await sandboxPost(sandbox, WalletAliasesDocument, { id: "tester" }));
    expect(first!.usd.map((b) => b.amount)).toEqual(["100.0", "300.0"]);
    expect(first!.again).toEqual(first!.usd);
    expect(first!.total).toBe("400.0");
    // AlphaSMS tells an account's currency only in its answer, so a USD question still costs it one call.
    expect(upstreamCalls()).toEqual({ kyrenInfo: 1, kyrenBalance: 0, luckyMonacoBalance: 1, alphaSms: 1, nami: 0, xpay: 0, all: 3 });
  });

  it("shows an unknown user an empty wallet and a zero total, not an error", async () => {
    const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "nobody", currency: "USD", totalCurrency: "USD" }));
    expect(wallet).toEqual({ id: "nobody", balances: [], failures: [], total: "0" });
  });

  it("resolves 100 wallets in one _entities request with one call per distinct (provider, user, currency)", async () => {
    const representations = Array.from({ length: 100 }, (_, i) => ({ __typename: "Wallet", id: i === 0 ? "tester" : `user-${i}` }));
    for (let i = 1; i < 100; i++) sandbox.simulators.luckyMonaco.setWallet(`user-${i}`, "USD", `${i}.50`);
    const { _entities } = dataOf(await sandboxPost(sandbox, WalletEntitiesDocument, { representations, currency: "USD" }));
    expect(_entities).toHaveLength(100);
    expect(_entities[0]).toMatchObject({ id: "tester", balances: [{ amount: "100.0" }, { amount: "300.0" }], failures: [] });
    expect(_entities[42]).toMatchObject({ id: "user-42", balances: [{ provider: { id: "lucky-monaco" }, amount: "42.50" }] });
    // Only tester has linked accounts: AlphaSMS is asked once for it; Nami and XPAY hold no USD.
    expect(upstreamCalls()).toEqual({ kyrenInfo: 100, kyrenBalance: 0, luckyMonacoBalance: 100, alphaSms: 1, nami: 0, xpay: 0, all: 201 });
  });

  it("lists the configured providers without calling any", async () => {
    const { providers } = dataOf(await sandboxPost(sandbox, ProvidersDocument));
    expect(providers).toEqual([
      { id: "kyren", name: "Kyren", protocol: "slot-spec", canRefund: false },
      { id: "lucky-monaco", name: "Lucky Monaco", protocol: "slot-spec", canRefund: true },
      { id: "alphasms", name: "AlphaSMS", protocol: "alphasms", canRefund: false },
      { id: "nami", name: "Nami Exchange", protocol: "nami", canRefund: false },
      { id: "xpay", name: "XPAY", protocol: "xpay", canRefund: false },
    ]);
    expect(upstreamCalls().all).toBe(0);
  });

  it.each([
    ["a lower-case currency", { id: "tester", currency: "usd", totalCurrency: "usd" }],
    ["a currency that is too long", { id: "tester", currency: "DOLLARS", totalCurrency: "DOLLARS" }],
    ["an empty wallet id", { id: "", currency: "USD", totalCurrency: "USD" }],
    ["a wallet id that is too long", { id: "x".repeat(65), currency: "USD", totalCurrency: "USD" }],
  ])("refuses %s as BAD_USER_INPUT without calling a provider", async (_name, variables) => {
    const response = await sandboxPost(sandbox, WalletOverviewDocument, variables);
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(upstreamCalls().all).toBe(0);
  });
});

describe("account links", () => {
  it("refuses to link an account at a provider that keys accounts by user id; the demo wallet's links are listed", async () => {
    const { linkAccount } = dataOf(
      await sandboxPost(sandbox, LinkAccountDocument, {
        input: { walletId: "tester", providerId: "kyren", accountRef: "tester", details: { phone: "380501234567" } },
      }),
    );
    expect(linkAccount).toEqual({
      link: null,
      userErrors: [{ code: "PROVIDER_NEEDS_NO_LINK", field: ["input", "providerId"], message: expect.any(String) }],
    });
    const { wallet } = dataOf(await sandboxPost(sandbox, WalletAccountLinksDocument, { id: "tester" }));
    expect(wallet!.accountLinks).toEqual([
      { provider: { id: "alphasms" }, accountRef: "main" },
      { provider: { id: "nami" }, accountRef: "main" },
      { provider: { id: "xpay" }, accountRef: "xpay-wallet" },
    ]);
  });
});

describe("a provider that cannot be read", () => {
  it.each([
    ["hangs", "hang", "TIMEOUT", true],
    ["answers HTTP 500", "http500", "UPSTREAM_ERROR", true],
    ["answers with malformed JSON", "malformed", "BAD_RESPONSE", false],
    ["answers JSON of the wrong shape", "bad-shape", "BAD_RESPONSE", false],
    ["refuses our credentials", "auth", "AUTH_FAILED", false],
    ["refuses connections", "refuse", "UNREACHABLE", true],
  ] as const)(
    "becomes a failures entry when it %s, while the other provider's balance still comes back",
    async (_name, fault, code, retryable) => {
      await sandbox.simulators.luckyMonaco.setFault(fault);
      const started = performance.now();
      const { wallet } = dataOf(
        await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency: "USD", totalCurrency: "USD" }),
      );
      const elapsed = performance.now() - started;
      expect(wallet!.balances).toEqual([expect.objectContaining({ provider: { id: "kyren", name: "Kyren" }, amount: "100.0" })]);
      expect(wallet!.failures).toEqual([
        { provider: { id: "lucky-monaco" }, currency: "USD", code, retryable, message: expect.any(String) },
      ]);
      expect(wallet!.total).toBe("100.0");
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 500);
    },
  );

  it("answers within the timeout when a provider is slow, with the slow one failed", async () => {
    sandbox.simulators.kyren.setLatency(TIMEOUT_MS * 3);
    const started = performance.now();
    const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency: "USD", totalCurrency: "USD" }));
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(wallet!.failures.map((f) => [f.provider.id, f.code])).toEqual([["kyren", "TIMEOUT"]]);
    expect(wallet!.balances.map((b) => b.amount)).toEqual(["300.0"]);
  });
});
