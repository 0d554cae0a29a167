// What the router learns from the subgraph SDL: authorization, demand control and contract tags, composed by both composers.
import { ApolloGateway } from "@apollo/gateway";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRINTED_SETTINGS, printWalletSubgraphSdl } from "../../src/graphql/print-sdl.js";
import { PROVIDER_CALL_WEIGHT } from "../../src/graphql/supergraph/router-directives.js";
import { supergraphSettings } from "../../src/graphql/supergraph/supergraph-settings.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";
import { composeApollo, composeContract, composeGuild, withoutRouterAuthorization } from "../support/supergraph.js";
import { USERS_SDL } from "../support/users-subgraph.js";

/** The line of a field in a printed supergraph, such as `refund(input: ...)` of Mutation. */
function fieldLine(supergraphSdl: string, field: RegExp): string {
  const line = supergraphSdl.split("\n").find((candidate) => field.test(candidate));
  if (!line) throw new Error(`no line matches ${field}`);
  return line;
}

describe.each([
  ["@apollo/composition", composeApollo],
  ["@theguild/federation-composition", composeGuild],
])("composed by %s", (_name, compose) => {
  it("composes with no errors and no hints", async () => {
    const { hints } = await compose();
    expect(hints).toEqual([]);
  });

  it("links the router's authorization for SECURITY, demand control and tags", async () => {
    const { supergraphSdl } = await compose();
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/authenticated\/v0\.1", for: SECURITY\)/);
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v0\.1", for: SECURITY\)/);
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/cost\/v0\.1", import: \["@listSize"\]\)/);
    expect(supergraphSdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/tag\/v0\.3"\)/);
  });

  it("carries refund's and the admin fields' router-side directives into the supergraph", async () => {
    const { supergraphSdl } = await compose();
    const refund = fieldLine(supergraphSdl, /^\s+refund\(input: RefundInput!\)/);
    expect(refund).toContain("@authenticated");
    expect(refund).toContain('@requiresScopes(scopes: [["wallet:refund"]])');
    expect(refund).toContain(`@cost(weight: ${PROVIDER_CALL_WEIGHT})`);
    expect(refund).toContain('@tag(name: "public")');
    for (const admin of [/^\s+linkAccount\(/, /^\s+unlinkAccount\(/]) {
      const line = fieldLine(supergraphSdl, admin);
      expect(line).toContain("@authenticated");
      expect(line).toContain('@requiresScopes(scopes: [["wallet:admin"]])');
      expect(line).toContain('@tag(name: "internal")');
    }
    const links = fieldLine(supergraphSdl, /^\s+accountLinks: /);
    expect(links).toContain("@authenticated");
    expect(links).toContain('@tag(name: "internal")');
    for (const read of [
      /^\s+wallet\(id: ID!\): Wallet/,
      /^\s+refund\(id: ID!\): Refund/,
      /^\s+wallet: Wallet @join__field\(graph: WALLET\)/,
    ]) {
      expect(fieldLine(supergraphSdl, read)).toContain("@authenticated");
    }
    // A wallet's providers are read once per wallet, whichever of its money fields are asked.
    expect(supergraphSdl.replace(/\s+/g, " ")).toMatch(
      new RegExp(`type Wallet [^{]*@cost\\(weight: ${PRINTED_SETTINGS.walletReadCalls * PROVIDER_CALL_WEIGHT}\\)`),
    );
    expect(fieldLine(supergraphSdl, /^\s+balances\(currency: String\)/)).toContain(
      `@listSize(assumedSize: ${PRINTED_SETTINGS.walletBalances})`,
    );
    // One composer prints this directive's arguments on lines of their own.
    const flat = supergraphSdl.replace(/\s+/g, " ");
    expect(flat).toMatch(
      /refunds\(after: String, first: Int! = 20\): RefundConnection! [^:]*@listSize\([^)]*slicingArguments: \["first"\]/,
    );
    expect(flat).toMatch(/refunds\(after: String, first: Int! = 20\): RefundConnection! [^:]*@listSize\([^)]*sizedFields: \["edges"\]/);
  });
});

describe("scope names and weights come from configuration", () => {
  it("prints the configured scope names, and the supergraph follows them", async () => {
    const scopes = { readAll: "payments:read-any", refund: "payments:refund", admin: "payments:operate" };
    const sdl = await printWalletSubgraphSdl({ ...PRINTED_SETTINGS, scopes });
    expect(sdl).toMatch(/refund\(input: RefundInput!\): RefundPayload! .*@requiresScopes\(scopes: \[\["payments:refund"\]\]\)/);
    expect(sdl).toMatch(
      /linkAccount\(input: LinkAccountInput!\): LinkAccountPayload! .*@requiresScopes\(scopes: \[\["payments:operate"\]\]\)/,
    );
    expect(sdl).not.toContain("wallet:refund");
    const result = composeServices([
      { name: "users", typeDefs: parse(USERS_SDL), url: "http://users.invalid/graphql" },
      { name: "wallet", typeDefs: parse(sdl), url: "http://wallet.invalid/graphql" },
    ]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toContain('@requiresScopes(scopes: [["payments:refund"]])');
  });

  describe("a Wallet's @cost is the provider calls one wallet read makes", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:" });
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    it("counts the sandbox's calls as the sandbox makes them", async () => {
      const settings = supergraphSettings(sandbox.providers);
      expect(settings).toEqual({ ...PRINTED_SETTINGS, scopes: settings.scopes });
      for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
      const { wallet } = dataOf(
        await sandboxPost<{ wallet: { balances: unknown[] } }, unknown>(sandbox, `{ wallet(id: "tester") { balances { id } } }`),
      );
      const calls = Object.values(sandbox.simulators).reduce((sum, simulator) => sum + simulator.calls(), 0);
      expect(calls).toBe(settings.walletReadCalls);
      expect(wallet.balances.length).toBeLessThanOrEqual(settings.walletBalances);
    });
  });
});

describe("a contract without the internal surface", () => {
  it("composes, with the admin fields and types inaccessible and the public surface whole", async () => {
    const { publicSdl, supergraphSdl } = await composeContract(["internal"]);
    for (const admin of ["linkAccount", "unlinkAccount", "accountLinks", "type AccountLink ", "input LinkAccountInput"]) {
      expect(publicSdl).not.toContain(admin);
    }
    for (const kept of [
      "refund(input: RefundInput!): RefundPayload!",
      "wallet(id: ID!): Wallet",
      "balances(currency: String): [Balance!]!",
      "providers: [Provider!]!",
    ]) {
      expect(publicSdl).toContain(kept);
    }
    expect(fieldLine(supergraphSdl, /^\s+linkAccount\(/)).toContain("@inaccessible");
  });
});

describe("@apollo/gateway", () => {
  it("refuses the supergraph as composed: it cannot enforce the SECURITY features", async () => {
    const { supergraphSdl } = await composeApollo();
    const gateway = new ApolloGateway({ supergraphSdl });
    await expect(gateway.load()).rejects.toThrow(/authenticated\/v0\.1 is for: SECURITY but is unsupported/);
  });

  it("loads it without the router-side authorization, everything else kept", async () => {
    const { supergraphSdl } = await composeApollo();
    const served = withoutRouterAuthorization(supergraphSdl);
    expect(served).not.toMatch(/@authenticated|@requiresScopes|for: SECURITY/);
    expect(served).toContain(`@cost(weight: ${PROVIDER_CALL_WEIGHT})`);
    expect(served).toContain('@tag(name: "internal")');
    const gateway = new ApolloGateway({ supergraphSdl: served });
    await expect(gateway.load()).resolves.toBeDefined();
    await gateway.stop();
  });
});
