// What Cache-Control tells a router's or a browser's cache: a read is the caller's alone for a few seconds; a refund, an error or a refusal is never stored.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAppConfig } from "../../src/config/app-config.js";
import { ConfigError } from "../../src/config/config-error.js";
import { DEFAULT_CACHE_MAX_AGE_SECONDS } from "../../src/http/cache-hints.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { asOperator } from "../support/graphql-http.js";

const ROUTER_SECRET = "router-shared-secret-for-tests";
const READ = `{ wallet(id: "tester") { id balances { id amount } } }`;

async function post(sandbox: Sandbox, query: string, headers: Record<string, string> = asOperator(sandbox)) {
  const response = await fetch(sandbox.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "router-authorization": ROUTER_SECRET, ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: response.status, cacheControl: response.headers.get("cache-control"), vary: response.headers.get("vary"), body };
}

describe("Cache-Control on /graphql answers", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET, cacheMaxAgeSeconds: 7 });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it("a read answered without errors is private to its caller, for the configured seconds", async () => {
    const answer = await post(sandbox, READ);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.cacheControl).toBe("private, max-age=7");
    expect(answer.vary).toMatch(/authorization/i);
  });

  it("a read missing a provider's balances is never stored: asking again may fill them", async () => {
    await sandbox.simulators.alphaSms.setFault("http500");
    try {
      const answer = await post(sandbox, `{ wallet(id: "tester") { balances { id } failures { code } } }`);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toMatchObject({ wallet: { failures: [{ code: "UPSTREAM_ERROR" }] } });
      expect(answer.cacheControl).toBe("no-store");
      // Even when the query does not ask which provider failed.
      expect((await post(sandbox, READ)).cacheControl).toBe("no-store");
    } finally {
      await sandbox.simulators.alphaSms.setFault(null);
    }
    expect((await post(sandbox, READ)).cacheControl).toBe("private, max-age=7");
  });

  it("a refund, successful or refused, is never stored", async () => {
    const refund = (amount: string) =>
      `mutation { refund(input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "${amount}", idempotencyKey: "${randomUUID()}" }) { refund { status } userErrors { code } } }`;
    const done = await post(sandbox, refund("1.0"));
    expect(done.body).toEqual({ data: { refund: { refund: { status: "SUCCEEDED" }, userErrors: [] } } });
    expect(done.cacheControl).toBe("no-store");
    const refused = await post(sandbox, refund("1000000.0"));
    expect(refused.body).toMatchObject({ data: { refund: { userErrors: [{ code: "INSUFFICIENT_FUNDS" }] } } });
    expect(refused.cacheControl).toBe("no-store");
  });

  it("an answer with an error is never stored: no token, a malformed query, a bad token, no router secret", async () => {
    const anonymous = await post(sandbox, READ, {});
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.cacheControl).toBe("no-store");

    const malformed = await post(sandbox, "{ wallet(id: ", asOperator(sandbox));
    expect(malformed.status).toBe(400);
    expect(malformed.cacheControl).toBe("no-store");

    const badToken = await post(sandbox, READ, { authorization: "Bearer not-a-token" });
    expect(badToken.status).toBe(401);
    expect(badToken.cacheControl).toBe("no-store");

    const outsider = await fetch(sandbox.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: READ }),
    });
    expect(outsider.status).toBe(401);
    expect(outsider.headers.get("cache-control")).toBe("no-store");
  });
});

describe("a read sent with GET", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const get = (headers: Record<string, string>) =>
    fetch(`${sandbox.graphqlUrl}?query=${encodeURIComponent(READ)}`, {
      headers: { "router-authorization": ROUTER_SECRET, ...asOperator(sandbox), ...headers },
    });

  it("is refused without a header a browser cannot send cross-site unasked (CSRF prevention), as urql's default GET is", async () => {
    const refused = await get({});
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/apollo-require-preflight/);
    expect(refused.headers.get("cache-control")).toBe("no-store");
  });

  it("is answered, private to its caller, with apollo-require-preflight or x-apollo-operation-name", async () => {
    for (const header of [{ "apollo-require-preflight": "true" }, { "x-apollo-operation-name": "Wallet" }] as Record<string, string>[]) {
      const answer = await get(header);
      expect(answer.status).toBe(200);
      expect(((await answer.json()) as { errors?: unknown }).errors).toBeUndefined();
      expect(answer.headers.get("cache-control")).toBe(`private, max-age=${DEFAULT_CACHE_MAX_AGE_SECONDS}`);
    }
  });
});

describe("Cache-Control with a max-age of 0", () => {
  it("stores no read either", async () => {
    const sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET, cacheMaxAgeSeconds: 0 });
    try {
      const answer = await post(sandbox, READ);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.cacheControl).toBe("no-store");
    } finally {
      await sandbox.stop();
    }
  });
});

describe("WALLET_CACHE_MAX_AGE_SECONDS", () => {
  it("defaults to a few seconds and is bounded", () => {
    expect(readAppConfig({}).cacheMaxAgeSeconds).toBe(DEFAULT_CACHE_MAX_AGE_SECONDS);
    expect(readAppConfig({ WALLET_CACHE_MAX_AGE_SECONDS: "0" }).cacheMaxAgeSeconds).toBe(0);
    expect(readAppConfig({ WALLET_CACHE_MAX_AGE_SECONDS: "300" }).cacheMaxAgeSeconds).toBe(300);
    for (const bad of ["301", "-1", "2.5", "soon"]) {
      expect(() => readAppConfig({ WALLET_CACHE_MAX_AGE_SECONDS: bad }), bad).toThrow(ConfigError);
    }
    expect(() => readAppConfig({ WALLET_CACHE_MAX_AGE_SECONDS: "301" })).toThrow(/WALLET_CACHE_MAX_AGE_SECONDS/);
  });
});
