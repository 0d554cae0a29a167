// The benchmark's minimum: the fewest calls each provider's API allows, from its rules and the wallets' accounts.
import { describe, expect, it } from "vitest";
import { minimumCalls } from "../../bench/minimum-calls.js";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";

const common = { timeoutMs: 1_000, maxConnections: 4, baseUrl: "http://127.0.0.1:1" };
const providers = [
  {
    ...common,
    protocol: "slot-spec",
    id: "info",
    name: "Info",
    partnerId: "p",
    token: "t",
    currencies: ["USD", "EUR"],
    userInfo: true,
    canRefund: false,
  },
  {
    ...common,
    protocol: "slot-spec",
    id: "balance",
    name: "Balance",
    partnerId: "p",
    token: "t",
    currencies: ["USD", "EUR"],
    userInfo: false,
    canRefund: true,
  },
  {
    ...common,
    protocol: "alphasms",
    id: "alphasms",
    name: "AlphaSMS",
    accounts: [
      { ref: "a1", apiKey: "k1" },
      { ref: "a2", apiKey: "k1" },
      { ref: "a3", apiKey: "k2" },
    ],
    maxItemsPerCall: 1,
  },
  {
    ...common,
    protocol: "nami",
    id: "nami",
    name: "Nami",
    accounts: [{ ref: "n1", apiKey: "k", apiSecret: "s" }],
    walletTypes: ["spot", "futures"],
    assets: { "22": "USDT" },
  },
  {
    ...common,
    protocol: "xpay",
    id: "xpay",
    name: "XPAY",
    partnerToken: "t",
    partnerPrivateKey: "k",
    xpayPublicKey: "k",
    terminalId: "t",
    currency: "UAH",
    answers: "encoded",
  },
] as unknown as ProviderConfig[];
const links: DemoLink[] = [
  { walletId: "w1", providerId: "alphasms", accountRef: "a1", details: {} },
  { walletId: "w2", providerId: "alphasms", accountRef: "a2", details: {} },
  { walletId: "w2", providerId: "alphasms", accountRef: "a3", details: {} },
  { walletId: "w1", providerId: "nami", accountRef: "n1", details: {} },
  { walletId: "w2", providerId: "nami", accountRef: "n1", details: {} },
  { walletId: "w1", providerId: "xpay", accountRef: "x1", details: { instrumentUuid: "i1" } },
  { walletId: "w2", providerId: "xpay", accountRef: "x2", details: { instrumentUuid: "i2" } },
];

describe("minimumCalls", () => {
  it("counts every currency of two wallets", () => {
    expect(
      minimumCalls(providers, links, [
        { walletId: "w1", currency: null },
        { walletId: "w2", currency: null },
      ]),
    ).toEqual({ info: 2, balance: 4, alphasms: 3, nami: 2, xpay: 2 });
  });

  it("asks only the providers that can hold the currency, and once per wallet and currency however often it is asked", () => {
    expect(
      minimumCalls(providers, links, [
        { walletId: "w1", currency: "USD" },
        { walletId: "w1", currency: "USD" },
        { walletId: "w1", currency: null },
      ]),
    ).toEqual({ info: 1, balance: 2, alphasms: 1, nami: 2, xpay: 1 });
    expect(minimumCalls(providers, links, [{ walletId: "w1", currency: "GBP" }])).toEqual({
      info: 0,
      balance: 0,
      alphasms: 1,
      nami: 0,
      xpay: 0,
    });
  });
});
