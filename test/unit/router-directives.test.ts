// The router-facing directives: derived from the providers' configuration, written for every type and field they name, and a balance's identity.
import { readFile } from "node:fs/promises";
import { Kind, parse, type DirectiveNode } from "graphql";
import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import { balanceId } from "../../src/graphql/balance/balance-id.js";
import { PRINTED_PROVIDERS, PRINTED_SETTINGS } from "../../src/graphql/print-sdl.js";
import { applyRouterDirectives } from "../../src/graphql/supergraph/apply-router-directives.js";
import { balancesPerWalletRead, callsPerWalletRead, walletReadCalls } from "../../src/graphql/supergraph/wallet-read-calls.js";

const byId = (id: string): ProviderConfig => {
  const provider = PRINTED_PROVIDERS.find((candidate) => candidate.id === id);
  if (!provider) throw new Error(`no provider ${id}`);
  return provider;
};

describe("what one wallet read costs at each provider", () => {
  it("counts the calls each protocol makes for every currency of one account", () => {
    expect(callsPerWalletRead(byId("kyren"))).toBe(1); // /user/info answers every currency
    expect(callsPerWalletRead(byId("lucky-monaco"))).toBe(2); // one /user/balance per configured currency
    expect(callsPerWalletRead({ ...byId("lucky-monaco"), currencies: ["USD", "EUR", "UAH"] } as ProviderConfig)).toBe(3);
    expect(callsPerWalletRead(byId("alphasms"))).toBe(1);
    expect(callsPerWalletRead(byId("nami"))).toBe(2); // spot and futures
    expect(callsPerWalletRead({ ...byId("nami"), walletTypes: ["spot"] } as ProviderConfig)).toBe(1);
    expect(callsPerWalletRead(byId("xpay"))).toBe(1);
    expect(walletReadCalls(PRINTED_PROVIDERS)).toBe(7);
  });

  it("counts the balances each can answer, Nami's per wallet type and named asset", () => {
    expect(PRINTED_PROVIDERS.map(balancesPerWalletRead)).toEqual([2, 2, 1, 12, 1]);
    expect(PRINTED_SETTINGS).toMatchObject({ walletReadCalls: 7, walletBalances: 18, providerCount: 5 });
  });
});

describe("applying the directives", () => {
  it("refuses a table entry the schema does not have", () => {
    const schema = parse(`type Query { providers: [String!]! wallet(id: ID!): String refund(id: ID!): String }`);
    expect(() => applyRouterDirectives(schema, PRINTED_SETTINGS)).toThrow(/Wallet\.balances/);
  });

  it("tags every type of schema.graphql public or internal, and every root field", async () => {
    const document = parse(await readFile(new URL("../../schema.graphql", import.meta.url), "utf8"));
    const tags = (directives: readonly DirectiveNode[] | undefined) =>
      (directives ?? [])
        .filter((directive) => directive.name.value === "tag")
        .map((directive) => (directive.arguments?.[0]?.value as { value: string }).value);
    const byTag: Record<string, string[]> = {};
    for (const definition of document.definitions) {
      if (!("name" in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
      const name = definition.name.value;
      if (name.startsWith("_") || name.includes("__") || name === "link__Import" || name === "link__Purpose") continue;
      if (name === "Query" || name === "Mutation") {
        for (const field of "fields" in definition ? (definition.fields ?? []) : []) {
          if (field.name.value.startsWith("_")) continue;
          expect(tags(field.directives), `${name}.${field.name.value}`).toHaveLength(1);
        }
        continue;
      }
      const tagged = tags(definition.directives);
      expect(tagged, name).toHaveLength(1);
      (byTag[tagged[0]!] ??= []).push(name);
    }
    expect(byTag.internal?.sort()).toEqual([
      "AccountDetails",
      "AccountDetailsInput",
      "AccountLink",
      "AccountLinkErrorCode",
      "AccountLinkUserError",
      "LinkAccountInput",
      "LinkAccountPayload",
      "UnlinkAccountInput",
      "UnlinkAccountPayload",
    ]);
    expect(byTag.public).toEqual(expect.arrayContaining(["Wallet", "Balance", "Refund", "RefundPayload", "Decimal", "User"]));
  });
});

describe("a balance's id", () => {
  it("tells Nami's spot and futures USDT apart, and no part runs into the next", () => {
    expect(balanceId("nami", "main:spot", "USDT")).not.toBe(balanceId("nami", "main:futures", "USDT"));
    expect(balanceId("a", "b/c", "USD")).not.toBe(balanceId("a/b", "c", "USD"));
    expect(balanceId("kyren", "tester", "USD")).toBe("kyren/tester/USD");
  });
});
