// Only the right caller sees or moves a wallet: router secret, JWT, scopes and request limits, each refusal with zero provider calls.
import { randomUUID } from "node:crypto";
import { generateKeyPair, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AccountLinkStore } from "../../src/accounts/account-links.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { SANDBOX_AUDIENCE, SANDBOX_ISSUER } from "../../src/sandbox/demo-auth.js";
import { LinkAccountDocument, RefundDocument, WalletOverviewDocument } from "../generated/graphql.js";
import { postGraphQL, type GraphQLResponse } from "../support/graphql-http.js";

const ROUTER_SECRET = "the-router-and-only-the-router";
let sandbox: Sandbox;

const providerCalls = () => Object.values(sandbox.simulators).reduce((sum, simulator) => sum + simulator.calls(), 0);

/** As the router sends it: the shared secret, and the caller's token when there is one. */
function viaRouter(token?: string): Record<string, string> {
  return { "router-authorization": ROUTER_SECRET, ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

const userToken = (sub: string, scope?: string) => sandbox.auth.sign({ sub, scope });

async function raw(body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const response = await fetch(sandbox.graphqlUrl, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { status: response.status, body: await response.text() };
}

function codes(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET, introspection: false });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  expect(providerCalls(), "a refused request reached a provider").toBe(0);
  for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
});

describe("only the router gets in", () => {
  it.each([
    ["no Router-Authorization header", {}],
    ["a wrong secret", { "router-authorization": "guess" }],
    ["the secret with a character more", { "router-authorization": `${ROUTER_SECRET}x` }],
  ])("refuses %s with 401 before parsing, _service and _entities included", async (_name, headers) => {
    for (const body of [
      '{"query":"{ _service { sdl } }"}',
      '{"query":"{ _entities(representations: []) { __typename } }"}',
      "not json at all",
    ]) {
      const answer = await raw(body, headers);
      expect(answer.status).toBe(401);
      const { errors } = JSON.parse(answer.body) as { errors: { extensions: { code: string } }[] };
      expect(errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    }
  });

  it("lets the router in", async () => {
    const answer = await raw('{"query":"{ _service { sdl } }"}', viaRouter());
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("@key");
  });
});

describe("who is calling", () => {
  it("reads nothing for an anonymous caller: the wallet is null with UNAUTHENTICATED", async () => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      WalletOverviewDocument,
      { id: "tester", currency: null, totalCurrency: "USD" },
      viaRouter(),
    );
    expect(response.data).toEqual({ wallet: null });
    expect(codes(response)).toEqual(["UNAUTHENTICATED"]);
  });

  it.each([
    ["an expired token", () => sandbox.auth.sign({ sub: "tester" }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ["a token for another audience", () => sandbox.auth.sign({ sub: "tester" }, { audience: "another-api" })],
    ["a token from another issuer", () => sandbox.auth.sign({ sub: "tester" }, { issuer: "https://evil.example/" })],
    [
      "a token signed with another key",
      async () => {
        const { privateKey } = await generateKeyPair("ES256");
        return new SignJWT({})
          .setProtectedHeader({ alg: "ES256" })
          .setSubject("tester")
          .setIssuer(SANDBOX_ISSUER)
          .setAudience(SANDBOX_AUDIENCE)
          .setExpirationTime("5m")
          .sign(privateKey);
      },
    ],
    [
      "an unsigned token",
      async () => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"tester"}').toString("base64url")}.`,
    ],
    ["garbage", async () => "not-a-token"],
  ])("refuses %s with 401 UNAUTHENTICATED", async (_name, makeToken) => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      WalletOverviewDocument,
      { id: "tester", currency: null, totalCurrency: "USD" },
      viaRouter(await makeToken()),
    );
    expect(response.status).toBe(401);
    expect(codes(response)).toEqual(["UNAUTHENTICATED"]);
    expect(response.data ?? null).toBeNull();
  });
});

describe("what they may do", () => {
  it("reads its own wallet", async () => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      WalletOverviewDocument,
      { id: "tester", currency: "USD", totalCurrency: "USD" },
      viaRouter(await userToken("tester")),
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.wallet?.total).toBe("400.0");
    for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
  });

  it("never reads another user's wallet through wallet(id): null and FORBIDDEN", async () => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      WalletOverviewDocument,
      { id: "tester", currency: null, totalCurrency: "USD" },
      viaRouter(await userToken("mallory")),
    );
    expect(response.data).toEqual({ wallet: null });
    expect(codes(response)).toEqual(["FORBIDDEN"]);
  });

  it("never reads another user's wallet through _entities, as Wallet or as User", async () => {
    const query = `query ($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on Wallet { id total(currency: "USD") } ... on User { id wallet { total(currency: "USD") } } } }`;
    const response = await postGraphQL<{ _entities: unknown[] }, unknown>(
      sandbox.graphqlUrl,
      query,
      {
        representations: [
          { __typename: "Wallet", id: "tester" },
          { __typename: "User", id: "tester" },
          { __typename: "Wallet", id: "mallory" },
        ],
      },
      viaRouter(await userToken("mallory")),
    );
    expect(response.data?._entities).toEqual([null, { id: "tester", wallet: null }, { id: "mallory", total: "0" }]);
    expect(codes(response)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
  });

  it("reads any wallet with the read-all scope", async () => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      WalletOverviewDocument,
      { id: "tester", currency: "UAH", totalCurrency: "UAH" },
      viaRouter(await userToken("support-desk", "wallet:read:all")),
    );
    expect(response.data?.wallet?.total).toBe("531.1683");
    for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
  });

  it("refuses a refund without the refund scope as a user error, writing nothing", async () => {
    const key = randomUUID();
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      RefundDocument,
      { input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "1.00", idempotencyKey: key } },
      viaRouter(await userToken("tester", "wallet:read:all")),
    );
    expect(response.data?.refund).toEqual({ refund: null, userErrors: [{ code: "FORBIDDEN", field: null, message: expect.any(String) }] });
    const ledger = await sandbox.services.store.db.selectFrom("refunds").select("id").where("idempotency_key", "=", key).execute();
    expect(ledger).toEqual([]);
  });

  it("refuses linkAccount without the admin scope", async () => {
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      LinkAccountDocument,
      { input: { walletId: "tester", providerId: "alphasms", accountRef: "stolen" } },
      viaRouter(await userToken("tester", "wallet:refund wallet:read:all")),
    );
    expect(response.data?.linkAccount.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
    expect((await new AccountLinkStore(sandbox.services.store.db).forWallet("tester")).map((l) => l.accountRef)).not.toContain("stolen");
  });
});

describe("hostile input", () => {
  const operator = () => viaRouter(sandbox.auth.tokens.operator);

  it("refuses 10,000 _entities representations before resolving any", async () => {
    const representations = Array.from({ length: 10_000 }, (_, i) => ({ __typename: "Wallet", id: `w${i}` }));
    const response = await postGraphQL(
      sandbox.graphqlUrl,
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Wallet { total(currency: "USD") } } }',
      { r: representations },
      operator(),
    );
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(["TOO_MANY_REPRESENTATIONS"]);
  });

  it("counts the representations of every request, whatever the same document carried before", async () => {
    const query = "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }";
    const wallets = (count: number) => Array.from({ length: count }, (_, i) => ({ __typename: "Wallet", id: `w${i}` }));
    const few = await postGraphQL(sandbox.graphqlUrl, query, { r: wallets(2) }, operator());
    expect(few.status).toBe(200);
    expect(few.data).toEqual({ _entities: [{ __typename: "Wallet" }, { __typename: "Wallet" }] });
    const many = await postGraphQL(sandbox.graphqlUrl, query, { r: wallets(1_001) }, operator());
    expect(many.status).toBe(400);
    expect(codes(many)).toEqual(["TOO_MANY_REPRESENTATIONS"]);
  });

  it("refuses a deep query", async () => {
    let selection = "id";
    for (let i = 0; i < 3; i++) selection = `refunds(first: 1) { edges { node { wallet { ${selection} } } } }`;
    const response = await postGraphQL(sandbox.graphqlUrl, `{ wallet(id: "tester") { ${selection} } }`, undefined, operator());
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/depth/i);
  });

  it("refuses an operation with too many aliases", async () => {
    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: total(currency: "USD")`).join(" ");
    const response = await postGraphQL(sandbox.graphqlUrl, `{ wallet(id: "tester") { ${aliases} } }`, undefined, operator());
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.message).toMatch(/alias/i);
  });

  it("refuses an operation with too many tokens", async () => {
    const list = Array.from({ length: 6_000 }, () => "1").join(",");
    const response = await postGraphQL(sandbox.graphqlUrl, `query ($x: [Int] = [${list}]) { providers { id } }`, undefined, operator());
    expect(response.status).toBe(400);
    expect(codes(response)).toEqual(["TOO_MANY_TOKENS"]);
    // Refused again: only texts under the limit are remembered as counted.
    const again = await postGraphQL(sandbox.graphqlUrl, `query ($x: [Int] = [${list}]) { providers { id } }`, undefined, operator());
    expect(codes(again)).toEqual(["TOO_MANY_TOKENS"]);
  });

  it("refuses an oversized body with 413", async () => {
    const answer = await raw(JSON.stringify({ query: `{ providers { id } } #${"x".repeat(2 * 1024 * 1024)}` }), operator());
    expect(answer.status).toBe(413);
  });

  it("suggests no field names when introspection is off, as in production", async () => {
    const response = await postGraphQL(sandbox.graphqlUrl, '{ wallet(id: "tester") { balancs { amount } } }', undefined, operator());
    expect(response.errors?.[0]?.message).not.toMatch(/did you mean/i);
    expect(response.errors?.[0]?.message).not.toContain("balances");
  });
});
