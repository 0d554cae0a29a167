// The scale-out parts against the machine's real Redis (a key prefix of their own per run) and real HTTP: the sliding window, admission, 429 back-off, coalescing and the balance cache.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { createLogger } from "../../src/observability/logger.js";
import { FailureCode, ProviderError } from "../../src/providers/failure.js";
import { ProviderHttp } from "../../src/providers/http.js";
import type { WalletProvider } from "../../src/providers/provider.js";
import { SlotSpecClient } from "../../src/providers/slot-spec/client.js";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { withBalanceCache } from "../../src/scale-out/balance-cache.js";
import { LocalBalanceStore, RedisBalanceStore, type BalanceStore } from "../../src/scale-out/balance-store.js";
import type { RateLimitConfig } from "../../src/scale-out/config.js";
import { ProviderAdmission } from "../../src/scale-out/provider-admission.js";
import { RedisLink } from "../../src/scale-out/redis-link.js";
import { ScaleOutMetrics } from "../../src/scale-out/scale-out-metrics.js";
import { FallbackWindowLog, LocalWindowLog, RedisWindowLog, type WindowLog } from "../../src/scale-out/sliding-window.js";

const REDIS_URL = process.env.WALLET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `wallet-test-${randomUUID().slice(0, 8)}:`;
const PARTNER = { partnerId: "cache-partner", token: "cache-token" };
const silent = createLogger({ level: "silent" });
/** A wallet no other test reads (SLOT_SPEC ids have at most 32 characters). */
const newWallet = () => `w-${randomUUID().slice(0, 18)}`;

const links: RedisLink[] = [];
const closers: (() => Promise<void>)[] = [];

/** A connection as one replica holds it; `url` elsewhere for a Redis that is down. */
async function link(url = REDIS_URL, metrics = new ScaleOutMetrics()): Promise<RedisLink> {
  const created = new RedisLink({ url, keyPrefix: PREFIX, timeoutMs: 250 }, silent, metrics);
  links.push(created);
  if (url === REDIS_URL) {
    const deadline = performance.now() + 5_000;
    while (!created.shared && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!created.shared) throw new Error(`Redis is needed at ${REDIS_URL} for these tests`);
  }
  return created;
}

/** A SLOT_SPEC client in USD, closed after the test. */
function cachedClient(baseUrl: string, canRefund: boolean): SlotSpecClient {
  const client = new SlotSpecClient({
    protocol: "slot-spec",
    id: "cached",
    name: "Cached",
    timeoutMs: 2_000,
    maxConnections: 8,
    baseUrl,
    ...PARTNER,
    currencies: ["USD"],
    userInfo: false,
    canRefund,
  });
  closers.push(() => client.close());
  return client;
}

afterAll(async () => {
  for (const each of links.splice(0)) await each.close();
  // Every key expires on its own; this leaves nothing behind even for a moment.
  const admin = new Redis(REDIS_URL);
  const keys = await admin.keys(`${PREFIX}*`);
  if (keys.length > 0) await admin.del(...keys);
  await admin.quit();
});

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const WINDOWS: { name: string; make: () => Promise<[WindowLog, WindowLog]> }[] = [
  {
    name: "in this process",
    make: async () => {
      const log = new LocalWindowLog();
      return [log, log];
    },
  },
  {
    name: "in Redis, two replicas",
    make: async () => [asWindowLog(new RedisWindowLog(await link())), asWindowLog(new RedisWindowLog(await link()))],
  },
];

/** A Redis log that must answer: `undefined` (Redis unusable) fails the test. */
function asWindowLog(log: RedisWindowLog): WindowLog {
  return {
    take: async (key, limit, windowMs) => {
      const grant = await log.take(key, limit, windowMs);
      if (!grant) throw new Error("Redis did not answer");
      return grant;
    },
    block: async (key, ms) => {
      if (!(await log.block(key, ms))) throw new Error("Redis did not answer");
    },
  };
}

describe.each(WINDOWS)("the sliding window $name", ({ make }) => {
  it("grants at most the limit in a window, says when the next slot frees, and grants again then", async () => {
    const [a, b] = await make();
    const key = randomUUID();
    const grants = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take(key, 5, 400)));
    expect(grants.filter((grant) => grant.granted)).toHaveLength(5);
    const waits = grants.flatMap((grant) => (grant.granted ? [] : [grant.retryInMs]));
    expect(Math.max(...waits)).toBeLessThanOrEqual(401);
    expect(Math.min(...waits)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(...waits) + 5));
    expect(await a.take(key, 5, 400)).toEqual({ granted: true });
  });

  it("holds a key off for a back-off, whatever its limit", async () => {
    const [a, b] = await make();
    const key = randomUUID();
    await a.block(key, 300);
    const grant = await b.take(key, 100, 1_000);
    expect(grant.granted).toBe(false);
    expect(grant.granted ? 0 : grant.retryInMs).toBeGreaterThan(200);
  });
});

describe("admission to one provider", () => {
  const limit = (requests: number, intervalMs: number): RateLimitConfig => ({ requests, intervalMs, per: "provider" });
  const never = new AbortController().signal;

  it("refuses a read at once with RATE_LIMITED, nothing sent, when no slot comes within its budget, keeping a tenth for refunds", async () => {
    const admission = new ProviderAdmission("p", limit(10, 10_000), new LocalWindowLog(), new ScaleOutMetrics());
    const deadline = () => performance.now() + 1_000;
    for (let read = 0; read < 9; read++) await admission.admit("read", undefined, deadline(), 1_000, never);
    const started = performance.now();
    const refused = await admission.admit("read", undefined, deadline(), 1_000, never).catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(50);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: FailureCode.RATE_LIMITED, requestSent: false, retryable: true });
    // The slot reads may not take is a refund's (or the reconciler's); after it, the window is full for everyone.
    await admission.admit("reconcile", undefined, deadline(), 1_000, never);
    await expect(admission.admit("write", undefined, deadline(), 1_000, never)).rejects.toMatchObject({ code: FailureCode.RATE_LIMITED });
  });

  it("lets a refund wait for a slot within its budget, and refuses one whose wait would not fit", async () => {
    const admission = new ProviderAdmission("p", limit(1, 300), new LocalWindowLog(), new ScaleOutMetrics());
    await admission.admit("write", undefined, performance.now() + 2_000, 2_000, never);
    const started = performance.now();
    await admission.admit("write", undefined, performance.now() + 2_000, 2_000, never);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    const tight = new ProviderAdmission("q", limit(1, 10_000), new LocalWindowLog(), new ScaleOutMetrics());
    await tight.admit("write", undefined, performance.now() + 2_000, 2_000, never);
    await expect(tight.admit("write", undefined, performance.now() + 2_000, 2_000, never)).rejects.toMatchObject({
      code: FailureCode.RATE_LIMITED,
      requestSent: false,
    });
  });

  it("limits each credential on its own where the provider limits per credential", async () => {
    const admission = new ProviderAdmission(
      "p",
      { requests: 1, intervalMs: 10_000, per: "credential" },
      new LocalWindowLog(),
      new ScaleOutMetrics(),
    );
    const deadline = performance.now() + 1_000;
    await admission.admit("read", "key-a", deadline, 1_000, never);
    await admission.admit("read", "key-b", deadline, 1_000, never);
    await expect(admission.admit("read", "key-a", deadline, 1_000, never)).rejects.toMatchObject({ code: FailureCode.RATE_LIMITED });
  });

  it("backs every replica off after a 429, for its Retry-After, without sending", async () => {
    let calls = 0;
    const server: Server = createServer((_request, response) => {
      calls++;
      response.writeHead(429, { "retry-after": "1", "content-type": "text/plain" });
      response.end("Too Many Requests");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const replica = async () =>
      new ProviderHttp({
        baseUrl,
        maxConnections: 2,
        timeoutMs: 3_000,
        resilience: { id: "busy", retries: 0 },
        admission: new ProviderAdmission("busy", limit(100, 1_000), new FallbackWindowLog(await link()), new ScaleOutMetrics()),
      });
    const [first, second] = [await replica(), await replica()];
    closers.push(
      () => first.close(),
      () => second.close(),
    );

    expect((await first.send({ method: "GET", path: "/" })).status).toBe(429);
    const started = performance.now();
    // The other replica waits out the Retry-After (its budget holds it), then is answered 429 again.
    expect((await second.send({ method: "GET", path: "/" })).status).toBe(429);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect(calls).toBe(2);
  });
});

describe.each([
  {
    name: "in this process",
    store: async (): Promise<[BalanceStore, BalanceStore]> => [new LocalBalanceStore(), new LocalBalanceStore()],
    shared: false,
  },
  {
    name: "in Redis, two replicas",
    store: async (): Promise<[BalanceStore, BalanceStore]> => [new RedisBalanceStore(await link()), new RedisBalanceStore(await link())],
    shared: true,
  },
])("the balance cache $name", ({ store, shared }) => {
  let simulator: SlotSpecSimulator;

  beforeAll(async () => {
    simulator = await SlotSpecSimulator.start({ partners: [PARTNER] });
    return () => simulator.stop();
  });

  function replica(balanceStore: BalanceStore, maxAgeMs: number, metrics = new ScaleOutMetrics()): WalletProvider {
    const client = cachedClient(simulator.url, true);
    return withBalanceCache(client, { maxAgeMs, callMs: 2_000, store: balanceStore, metrics });
  }

  /** Two replicas' providers: each with its own store where the store is shared, one store between them otherwise. */
  async function twoReplicas(maxAgeMs: number): Promise<[WalletProvider, WalletProvider]> {
    const [a, b] = await store();
    return [replica(a, maxAgeMs), replica(shared ? b : a, maxAgeMs)];
  }

  function walletHolding(usd: string): string {
    const wallet = newWallet();
    simulator.setWallet(wallet, "USD", usd);
    return wallet;
  }

  const read = async (provider: WalletProvider, walletId: string) => (await provider.loadBalances([{ walletId, currency: "USD" }]))[0]!;
  const amountOf = async (provider: WalletProvider, walletId: string) => (await read(provider, walletId)).balances[0]?.amount.toString();

  it("makes one call for concurrent identical reads, even with the cache off", async () => {
    const [local] = await store();
    const registry = new Registry();
    const metrics = new ScaleOutMetrics(registry);
    const provider = replica(local, 0, metrics);
    const wallet = newWallet();
    simulator.setWallet(wallet, "USD", "7.50");
    simulator.setLatency(50);
    simulator.resetCalls();
    const results = await Promise.all(Array.from({ length: 10 }, () => read(provider, wallet)));
    simulator.setLatency(0);
    expect(simulator.calls()).toBe(1);
    expect(results.map((result) => result.balances[0]?.amount.toString())).toEqual(Array(10).fill("7.50"));
    expect(await registry.metrics()).toContain('wallet_provider_calls_saved_total{provider="cached",by="coalescing"} 9');
    // With the cache off, the next read asks again.
    await read(provider, wallet);
    expect(simulator.calls()).toBe(2);
  });

  it("serves a balance younger than its max age without a call, its text, scale and asOf kept", async () => {
    const [first, second] = await twoReplicas(1_000);
    const wallet = walletHolding("100.10");
    simulator.resetCalls();
    const fresh = (await read(first, wallet)).balances[0]!;
    const cached = (await read(second, wallet)).balances[0]!;
    const asText = (balance: typeof fresh) => ({
      amount: balance.amount.toString(),
      scale: balance.amount.scale,
      locked: balance.locked.toString(),
      asOf: balance.asOf,
    });
    expect({ calls: simulator.calls(), ...asText(cached) }).toEqual({ calls: 1, ...asText(fresh), amount: "100.10", scale: 2 });
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await read(second, wallet);
    expect(simulator.calls()).toBe(2);
  });

  it("drops the wallet's cached balances on every replica before a refund answers, even for a read under way", async () => {
    const [refunding, reading] = await twoReplicas(60_000);
    const wallet = walletHolding("100.10");
    expect(await amountOf(reading, wallet)).toBe("100.10");
    // A slow read that started before the refund must not store what it saw.
    simulator.setLatency(150);
    const before = read(refunding, wallet);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outcome = await refunding.refund!({
      walletId: wallet,
      currency: "USD",
      amount: ScaledDecimal.parse("1.00"),
      idempotencyKey: randomUUID(),
    });
    await before;
    simulator.setLatency(0);
    expect(outcome.status).toBe("SUCCEEDED");
    expect(await amountOf(reading, wallet)).toBe("99.10");
    expect(await amountOf(refunding, wallet)).toBe("99.10");
  });
});

describe("replicas sharing the balance cache in Redis", () => {
  it("make one call between them for a balance they all miss at once: the others wait for it", async () => {
    const simulator = await SlotSpecSimulator.start({ partners: [PARTNER] });
    closers.push(() => simulator.stop());
    const replicas = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const client = cachedClient(simulator.url, false);
        return withBalanceCache(client, {
          maxAgeMs: 5_000,
          callMs: 2_000,
          store: new RedisBalanceStore(await link()),
          metrics: new ScaleOutMetrics(),
        });
      }),
    );
    const wallet = newWallet();
    simulator.setWallet(wallet, "USD", "3.30");
    simulator.setLatency(100);
    simulator.resetCalls();
    const results = await Promise.all(replicas.map((provider) => provider.loadBalances([{ walletId: wallet, currency: "USD" }])));
    simulator.setLatency(0);
    expect(simulator.calls()).toBe(1);
    expect(results.map((result) => result[0]!.balances[0]?.amount.toString())).toEqual(["3.30", "3.30", "3.30"]);
  });
});

describe("the balance cache with Redis down", () => {
  it("asks the provider for every read, still coalescing, refunds unaffected, and says so in metrics", async () => {
    const simulator = await SlotSpecSimulator.start({ partners: [PARTNER] });
    closers.push(() => simulator.stop());
    const registry = new Registry();
    const metrics = new ScaleOutMetrics(registry);
    // Nothing listens on port 1: Redis is down from the start.
    const down = await link("redis://127.0.0.1:1", metrics);
    const client = cachedClient(simulator.url, true);
    const provider = withBalanceCache(client, { maxAgeMs: 60_000, callMs: 2_000, store: new RedisBalanceStore(down), metrics });
    const wallet = newWallet();
    simulator.setWallet(wallet, "USD", "5.00");
    simulator.resetCalls();
    await provider.loadBalances([{ walletId: wallet, currency: "USD" }]);
    await provider.loadBalances([{ walletId: wallet, currency: "USD" }]);
    expect(simulator.calls()).toBe(2);
    const outcome = await provider.refund!({
      walletId: wallet,
      currency: "USD",
      amount: ScaledDecimal.parse("1.00"),
      idempotencyKey: randomUUID(),
    });
    expect(outcome.status).toBe("SUCCEEDED");
    expect(await registry.metrics()).toContain("wallet_redis_shared 0");
  });
});
