// A frontend reads wallets through the subgraph over HTTP, against the SLOT_SPEC simulators on loopback.
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
import { dataOf, postGraphQL } from "../support/graphql-http.js";

const TIMEOUT_MS = 1_000;
let sandbox: Sandbox;

function upstreamCalls() {
  const { kyren, luckyMonaco } = sandbox.simulators;
  return {
    kyrenInfo: kyren.calls("/user/info"),
    kyrenBalance: kyren.calls("/user/balance"),
    luckyMonacoBalance: luckyMonaco.calls("/user/balance"),
    all: kyren.calls() + luckyMonaco.calls(),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", providerTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(async () => {
  await sandbox.simulators.kyren.setFault(null);
  await sandbox.simulators.luckyMonaco.setFault(null);
  sandbox.simulators.kyren.setLatency(0);
  sandbox.simulators.luckyMonaco.setLatency(0);
  sandbox.simulators.kyren.resetCalls();
  sandbox.simulators.luckyMonaco.resetCalls();
});

describe("reading a wallet", () => {
  it("answers the README's example query with the answer the README shows", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const example = /## Example\n+```graphql\n([\s\S]*?)```\n+```json\n([\s\S]*?)```/.exec(readme);
    expect(example?.[1]?.trim()).toBe(EXAMPLE_QUERY.trim());
    const response = await postGraphQL(sandbox.graphqlUrl, ExampleWalletDocument);
    expect({ data: response.data }).toEqual(JSON.parse(example![2]!));
    const { wallet } = dataOf(response);
    expect(wallet.total).toBe("400.0");
    expect(wallet.balances).toEqual([
      { provider: { name: "Kyren" }, currency: "USD", amount: "100.0" },
      { provider: { name: "Lucky Monaco" }, currency: "USD", amount: "300.0" },
    ]);
  });

  it("shows every currency with amount, available and locked, asking each provider the fewest times", async () => {
    sandbox.simulators.kyren.setWallet("tester", "EUR", "0.00000001");
    try {
      const { wallet } = dataOf(
        await postGraphQL(sandbox.graphqlUrl, WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "EUR" }),
      );
      expect(wallet.failures).toEqual([]);
      expect(wallet.balances).toEqual([
        { provider: { id: "kyren", name: "Kyren" }, account: "tester", currency: "USD", amount: "100.0", available: "100.0", locked: "0.0" },
        { provider: { id: "kyren", name: "Kyren" }, account: "tester", currency: "EUR", amount: "0.00000001", available: "0.00000001", locked: "0.00000000" },
        { provider: { id: "lucky-monaco", name: "Lucky Monaco" }, account: "tester", currency: "USD", amount: "300.0", available: "300.0", locked: "0.0" },
      ]);
      expect(wallet.total).toBe("0.00000001");
      // Kyren answers every currency in one /user/info call; Lucky Monaco is asked once per configured currency.
      expect(upstreamCalls()).toEqual({ kyrenInfo: 1, kyrenBalance: 0, luckyMonacoBalance: 2, all: 3 });
    } finally {
      sandbox.simulators.kyren.setWallet("tester", "EUR", "0");
    }
  });

  it("costs one upstream call per distinct balance when aliases and a total ask for the same one", async () => {
    const { first } = dataOf(await postGraphQL(sandbox.graphqlUrl, WalletAliasesDocument, { id: "tester" }));
    expect(first.usd.map((b) => b.amount)).toEqual(["100.0", "300.0"]);
    expect(first.again).toEqual(first.usd);
    expect(first.total).toBe("400.0");
    expect(upstreamCalls()).toEqual({ kyrenInfo: 1, kyrenBalance: 0, luckyMonacoBalance: 1, all: 2 });
  });

  it("shows an unknown user an empty wallet and a zero total, not an error", async () => {
    const { wallet } = dataOf(
      await postGraphQL(sandbox.graphqlUrl, WalletOverviewDocument, { id: "nobody", currency: "USD", totalCurrency: "USD" }),
    );
    expect(wallet).toEqual({ id: "nobody", balances: [], failures: [], total: "0" });
  });

  it("resolves 100 wallets in one _entities request with one call per distinct (provider, user, currency)", async () => {
    const representations = Array.from({ length: 100 }, (_, i) => ({ __typename: "Wallet", id: i === 0 ? "tester" : `user-${i}` }));
    for (let i = 1; i < 100; i++) sandbox.simulators.luckyMonaco.setWallet(`user-${i}`, "USD", `${i}.50`);
    const { _entities } = dataOf(
      await postGraphQL(sandbox.graphqlUrl, WalletEntitiesDocument, { representations, currency: "USD" }),
    );
    expect(_entities).toHaveLength(100);
    expect(_entities[0]).toMatchObject({ id: "tester", balances: [{ amount: "100.0" }, { amount: "300.0" }], failures: [] });
    expect(_entities[42]).toMatchObject({ id: "user-42", balances: [{ provider: { id: "lucky-monaco" }, amount: "42.50" }] });
    expect(upstreamCalls()).toEqual({ kyrenInfo: 100, kyrenBalance: 0, luckyMonacoBalance: 100, all: 200 });
  });

  it("lists the configured providers without calling any", async () => {
    const { providers } = dataOf(await postGraphQL(sandbox.graphqlUrl, ProvidersDocument));
    expect(providers).toEqual([
      { id: "kyren", name: "Kyren", protocol: "slot-spec", canRefund: false },
      { id: "lucky-monaco", name: "Lucky Monaco", protocol: "slot-spec", canRefund: true },
    ]);
    expect(upstreamCalls().all).toBe(0);
  });

  it.each([
    ["a lower-case currency", { id: "tester", currency: "usd", totalCurrency: "usd" }],
    ["a currency that is too long", { id: "tester", currency: "DOLLARS", totalCurrency: "DOLLARS" }],
    ["an empty wallet id", { id: "", currency: "USD", totalCurrency: "USD" }],
    ["a wallet id that is too long", { id: "x".repeat(65), currency: "USD", totalCurrency: "USD" }],
  ])("refuses %s as BAD_USER_INPUT without calling a provider", async (_name, variables) => {
    const response = await postGraphQL(sandbox.graphqlUrl, WalletOverviewDocument, variables);
    expect(response.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(upstreamCalls().all).toBe(0);
  });
});

describe("account links", () => {
  it("refuses to link an account at a provider that keys accounts by user id, and lists none", async () => {
    const { linkAccount } = dataOf(
      await postGraphQL(sandbox.graphqlUrl, LinkAccountDocument, {
        input: { walletId: "tester", providerId: "kyren", accountRef: "tester", details: { phone: "380501234567" } },
      }),
    );
    expect(linkAccount).toEqual({
      link: null,
      userErrors: [{ code: "PROVIDER_NEEDS_NO_LINK", field: ["input", "providerId"], message: expect.any(String) }],
    });
    const { wallet } = dataOf(await postGraphQL(sandbox.graphqlUrl, WalletAccountLinksDocument, { id: "tester" }));
    expect(wallet.accountLinks).toEqual([]);
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
  ] as const)("becomes a failures entry when it %s, while the other provider's balance still comes back", async (_name, fault, code, retryable) => {
    await sandbox.simulators.luckyMonaco.setFault(fault);
    const started = performance.now();
    const { wallet } = dataOf(
      await postGraphQL(sandbox.graphqlUrl, WalletOverviewDocument, { id: "tester", currency: "USD", totalCurrency: "USD" }),
    );
    const elapsed = performance.now() - started;
    expect(wallet.balances).toEqual([expect.objectContaining({ provider: { id: "kyren", name: "Kyren" }, amount: "100.0" })]);
    expect(wallet.failures).toEqual([
      { provider: { id: "lucky-monaco" }, currency: "USD", code, retryable, message: expect.any(String) },
    ]);
    expect(wallet.total).toBe("100.0");
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 500);
  });

  it("answers within the timeout when a provider is slow, with the slow one failed", async () => {
    sandbox.simulators.kyren.setLatency(TIMEOUT_MS * 3);
    const started = performance.now();
    const { wallet } = dataOf(
      await postGraphQL(sandbox.graphqlUrl, WalletOverviewDocument, { id: "tester", currency: "USD", totalCurrency: "USD" }),
    );
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 500);
    expect(wallet.failures.map((f) => [f.provider.id, f.code])).toEqual([["kyren", "TIMEOUT"]]);
    expect(wallet.balances.map((b) => b.amount)).toEqual(["300.0"]);
  });
});
