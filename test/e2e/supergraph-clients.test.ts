// A frontend on Apollo Client's cache, behind @apollo/gateway and behind Hive Gateway: what it caches, what it refetches, what the router refuses.
import { ApolloClient, HttpLink, InMemoryCache, gql, type TypedDocumentNode } from "@apollo/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJwtVerifier } from "../../src/auth/jwt-verifier.js";
import { PRINTED_SETTINGS } from "../../src/graphql/print-sdl.js";
import { PROVIDER_CALL_WEIGHT } from "../../src/graphql/supergraph/router-directives.js";
import { DEFAULT_CACHE_MAX_AGE_SECONDS } from "../../src/http/cache-hints.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { ExampleWalletDocument } from "../generated/graphql.js";
import { startApolloGateway, startHiveGateway, type RunningGateway } from "../support/gateways.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";
import { composeApollo, composeContract, composeGuild } from "../support/supergraph.js";
import { startUsersSubgraph } from "../support/users-subgraph.js";

const ROUTER_SECRET = "router-shared-secret-for-tests";

interface BalanceFields {
  id?: string;
  provider?: { id: string; name: string };
  account?: string;
  currency?: string;
  amount?: string;
  available?: string;
  locked?: string;
}
type WalletAnswer = { wallet: { id: string; balances: BalanceFields[] } | null };

// The two-query case: one screen shows amounts, another what is on hold.
const AMOUNTS: TypedDocumentNode<WalletAnswer> = gql`
  query WalletAmounts {
    wallet(id: "tester") {
      id
      balances {
        id
        provider {
          id
          name
        }
        account
        currency
        amount
      }
    }
  }
`;
const HOLDS: TypedDocumentNode<WalletAnswer> = gql`
  query WalletHolds {
    wallet(id: "tester") {
      id
      balances {
        id
        available
        locked
      }
    }
  }
`;
// The same two without the balance's id, as a client would send them before Balance had one.
const AMOUNTS_WITHOUT_ID: TypedDocumentNode<WalletAnswer> = gql`
  query WalletAmountsWithoutId {
    wallet(id: "tester") {
      id
      balances {
        provider {
          id
          name
        }
        account
        currency
        amount
      }
    }
  }
`;
const HOLDS_WITHOUT_ID: TypedDocumentNode<WalletAnswer> = gql`
  query WalletHoldsWithoutId {
    wallet(id: "tester") {
      id
      balances {
        available
        locked
      }
    }
  }
`;
const REFUND = gql`
  mutation RefundAndShowWallet($input: RefundInput!) {
    refund(input: $input) {
      refund {
        id
        status
        amount
        balanceAfter
        wallet {
          id
          balances {
            id
            amount
            available
            locked
          }
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

/** A frontend: Apollo Client 4 with a plain InMemoryCache (no typePolicies), counting what it sends. */
function frontend(url: string, token?: string) {
  let requests = 0;
  const client = new ApolloClient({
    link: new HttpLink({
      uri: url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    }),
    cache: new InMemoryCache(),
  });
  return { client, requests: () => requests };
}

/** An answer as the server sent it: Apollo Client adds `__typename` to every selection it caches. */
function withoutTypenames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypenames);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "__typename")
        .map(([key, inner]) => [key, withoutTypenames(inner)]),
    );
  }
  return value;
}

/** Runs the documents in turn, each as a component would (cache-first), and counts the requests sent. */
async function requestsFor(url: string, token: string, documents: TypedDocumentNode<WalletAnswer>[]) {
  const { client, requests } = frontend(url, token);
  const answers: WalletAnswer[] = [];
  for (const query of documents) {
    const { data, error } = await client.query({ query, fetchPolicy: "cache-first" });
    if (error || !data) throw new Error(`query failed: ${error?.message}`);
    answers.push(data);
  }
  return { requests: requests(), answers, client };
}

let sandbox: Sandbox;
let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
let walletRequests = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET });
  users = await startUsersSubgraph();
  sandbox.server.httpServer.prependListener("request", () => (walletRequests += 1));
});

afterAll(async () => {
  await users?.stop();
  await sandbox?.stop();
});

const gateways: [string, () => Promise<RunningGateway>][] = [
  [
    "@apollo/gateway (Apollo's composition)",
    async () => startApolloGateway((await composeApollo(sandbox.graphqlUrl, users.url)).supergraphSdl, ROUTER_SECRET),
  ],
  [
    "Hive Gateway (The Guild's composition)",
    async () =>
      startHiveGateway(
        (await composeGuild(sandbox.graphqlUrl, users.url)).supergraphSdl,
        ROUTER_SECRET,
        await createJwtVerifier(sandbox.auth.jwt),
      ),
  ],
];

describe.each(gateways)("a frontend behind %s", (name, start) => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await start();
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it("answers the README's example query as the subgraph does, and caches every balance apart, Nami's two USDT included", async () => {
    const { client, requests } = frontend(gateway.url, sandbox.auth.tokens.tester);
    const { data } = await client.query({ query: ExampleWalletDocument });
    const direct = dataOf(
      await postGraphQL(sandbox.graphqlUrl, ExampleWalletDocument, undefined, {
        "router-authorization": ROUTER_SECRET,
        authorization: `Bearer ${sandbox.auth.tokens.tester}`,
      }),
    );
    expect(withoutTypenames(data)).toEqual(direct);
    const balances = data!.wallet!.balances;
    expect(balances).toHaveLength(7);
    const cached = Object.keys(client.cache.extract() as Record<string, unknown>).filter((key) => key.startsWith("Balance:"));
    expect(cached.sort()).toEqual(balances.map((balance) => `Balance:${balance.id}`).sort());
    const usdt = balances.filter((balance) => balance.currency === "USDT");
    expect(usdt.map(({ account, amount }) => ({ account, amount }))).toEqual([
      { account: "main:spot", amount: "1234.56789012" },
      { account: "main:futures", amount: "50" },
    ]);
    // Asked again, as another component would: from the cache.
    await client.query({ query: ExampleWalletDocument });
    expect(requests()).toBe(1);
  });

  it("two queries selecting different Balance fields are answered from the cache after their first time", async () => {
    const turns = [AMOUNTS, HOLDS, AMOUNTS, HOLDS, AMOUNTS];
    const withId = await requestsFor(gateway.url, sandbox.auth.tokens.tester, turns);
    const withoutId = await requestsFor(gateway.url, sandbox.auth.tokens.tester, [
      AMOUNTS_WITHOUT_ID,
      HOLDS_WITHOUT_ID,
      AMOUNTS_WITHOUT_ID,
      HOLDS_WITHOUT_ID,
      AMOUNTS_WITHOUT_ID,
    ]);
    console.log(`${name}: ${turns.length} turns, ${withId.requests} requests with Balance.id, ${withoutId.requests} without`);
    expect(withId.requests).toBe(2);
    // Without an identity each query's list replaces the other's, so every turn goes back to the network.
    expect(withoutId.requests).toBe(turns.length);
    expect(withId.answers[4]).toEqual(withId.answers[0]);
    expect(withId.answers[3]).toEqual(withId.answers[1]);
  });

  it("a refund whose payload selects the wallet updates the balances already in the cache", async () => {
    const { client, requests } = frontend(gateway.url, sandbox.auth.tokens.operator);
    const before = (await client.query({ query: AMOUNTS })).data!.wallet!.balances.find(
      (balance) => balance.provider?.id === "lucky-monaco",
    )!;
    const { data } = await client.mutate({
      mutation: REFUND,
      variables: {
        input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "1.0", idempotencyKey: crypto.randomUUID() },
      },
    });
    expect((data as { refund: { refund: { status: string } } }).refund.refund.status).toBe("SUCCEEDED");
    const after = (await client.query({ query: AMOUNTS })).data!.wallet!.balances.find(
      (balance) => balance.provider?.id === "lucky-monaco",
    )!;
    expect(requests()).toBe(2);
    expect(after.id).toBe(before.id);
    expect(Number.parseFloat(after.amount!)).toBe(Number.parseFloat(before.amount!) - 1);
  });
});

describe("router-side authorization", () => {
  const refund = `mutation { refund(input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "1.0", idempotencyKey: "${crypto.randomUUID()}" }) { refund { status } userErrors { code } } }`;
  const post = async (url: string, query: string, token?: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as {
      data?: { refund?: { userErrors: { code: string }[] } } | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
  };

  it("Hive Gateway refuses a refund without a caller, or without the refund scope, before the subgraph sees it", async () => {
    const gateway = await startHiveGateway(
      (await composeGuild(sandbox.graphqlUrl, users.url)).supergraphSdl,
      ROUTER_SECRET,
      await createJwtVerifier(sandbox.auth.jwt),
    );
    try {
      walletRequests = 0;
      for (const token of [undefined, sandbox.auth.tokens.tester]) {
        const answer = await post(gateway.url, refund, token);
        expect(answer.data ?? null).toBeNull();
        expect(answer.errors?.[0]?.extensions?.code).toBe("UNAUTHORIZED_FIELD_OR_TYPE");
      }
      expect(walletRequests).toBe(0);
    } finally {
      await gateway.stop();
    }
  });

  it("behind @apollo/gateway, which enforces none of it, the subgraph refuses the same refunds itself", async () => {
    const gateway = await startApolloGateway((await composeApollo(sandbox.graphqlUrl, users.url)).supergraphSdl, ROUTER_SECRET);
    try {
      walletRequests = 0;
      expect((await post(gateway.url, refund)).data?.refund?.userErrors).toEqual([{ code: "FORBIDDEN" }]);
      expect((await post(gateway.url, refund, sandbox.auth.tokens.tester)).data?.refund?.userErrors).toEqual([{ code: "FORBIDDEN" }]);
      expect(walletRequests).toBe(2);
    } finally {
      await gateway.stop();
    }
  });
});

describe("a contract without the internal tag, served by Hive Gateway", () => {
  it("answers the public surface and refuses the admin fields", async () => {
    const { supergraphSdl } = await composeContract(["internal"], sandbox.graphqlUrl, users.url);
    const gateway = await startHiveGateway(supergraphSdl, ROUTER_SECRET, await createJwtVerifier(sandbox.auth.jwt));
    try {
      const { client } = frontend(gateway.url, sandbox.auth.tokens.operator);
      const { data } = await client.query({ query: AMOUNTS });
      expect(data?.wallet?.balances).toHaveLength(7);
      walletRequests = 0;
      for (const admin of [
        `{ wallet(id: "tester") { accountLinks { accountRef } } }`,
        `mutation { unlinkAccount(input: { walletId: "tester", providerId: "nami", accountRef: "main" }) { unlinked } }`,
      ]) {
        const response = await fetch(gateway.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${sandbox.auth.tokens.operator}` },
          body: JSON.stringify({ query: admin }),
        });
        const body = (await response.json()) as { errors?: { message: string }[] };
        expect(body.errors?.[0]?.message).toMatch(/Cannot query field "(accountLinks|unlinkAccount)"/);
      }
      expect(walletRequests).toBe(0);
    } finally {
      await gateway.stop();
    }
  });
});

describe("what the gateways do with the subgraph's hints", () => {
  const post = async (url: string, query: string) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${sandbox.auth.tokens.operator}` },
      body: JSON.stringify({ query }),
    });
    type Answer = {
      data?: unknown;
      errors?: { message: string; extensions?: { code?: string } }[];
      extensions?: { cost?: { estimated: number } };
    };
    return { cacheControl: response.headers.get("cache-control"), body: (await response.json()) as Answer };
  };

  it("@apollo/gateway passes the Cache-Control on: a read's private max-age, no-store for a refund and for an error", async () => {
    const gateway = await startApolloGateway((await composeApollo(sandbox.graphqlUrl, users.url)).supergraphSdl, ROUTER_SECRET);
    try {
      const read = await post(gateway.url, `{ wallet(id: "tester") { id balances { id amount } } }`);
      expect(read.body.errors).toBeUndefined();
      expect(read.cacheControl).toBe(`max-age=${DEFAULT_CACHE_MAX_AGE_SECONDS}, private`);
      const refund = await post(
        gateway.url,
        `mutation { refund(input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "1.0", idempotencyKey: "${crypto.randomUUID()}" }) { refund { status } } }`,
      );
      expect(refund.body.data).toEqual({ refund: { refund: { status: "SUCCEEDED" } } });
      expect(refund.cacheControl).toBe("no-store");
      const error = await post(gateway.url, `{ wallet(id: "tester") { total(currency: "usd") } }`);
      expect(error.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(error.cacheControl).toBe("no-store");
    } finally {
      await gateway.stop();
    }
  });

  it("Hive Gateway prices operations from @cost and @listSize, and refuses one over its budget before the subgraph sees it", async () => {
    const { supergraphSdl } = await composeGuild(sandbox.graphqlUrl, users.url);
    const gateway = await startHiveGateway(supergraphSdl, ROUTER_SECRET, await createJwtVerifier(sandbox.auth.jwt), { maxCost: 100 });
    try {
      const one = await post(gateway.url, `{ wallet(id: "tester") { id balances { id amount } } }`);
      expect(one.body.errors).toBeUndefined();
      // The wallet's seven provider calls (70), and its assumed 18 balances (1 each).
      expect(one.body.extensions?.cost?.estimated).toBe(
        PRINTED_SETTINGS.walletReadCalls * PROVIDER_CALL_WEIGHT + PRINTED_SETTINGS.walletBalances,
      );
      walletRequests = 0;
      const three = await post(
        gateway.url,
        `{ a: wallet(id: "tester") { balances { id } } b: wallet(id: "user-1") { balances { id } } c: wallet(id: "user-2") { balances { id } } }`,
      );
      expect(three.body.errors?.[0]?.extensions?.code).toBe("COST_ESTIMATED_TOO_EXPENSIVE");
      expect(three.body.extensions?.cost?.estimated).toBe(
        3 * (PRINTED_SETTINGS.walletReadCalls * PROVIDER_CALL_WEIGHT + PRINTED_SETTINGS.walletBalances),
      );
      expect(walletRequests).toBe(0);
    } finally {
      await gateway.stop();
    }
  });
});
