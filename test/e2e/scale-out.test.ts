// Three replicas (processes) behave as one toward each provider through a real Redis: the rate limit holds across them, the balance cache makes one call per account per max age, a refund is seen at once everywhere, and Redis lost costs no 5xx and no refund.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { RefundDocument, WalletAsOfDocument, type WalletAsOfQuery } from "../generated/graphql.js";
import { postGraphQL } from "../support/graphql-http.js";
import { startRecordingProxy, worstWindow, type RecordingProxy } from "../support/recording-proxy.js";
import { startOwnRedis, type OwnRedis } from "../support/redis-server.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";
import { slotSpecProvidersYaml, startSubgraphProcess, type SubgraphProcess } from "../support/subgraph-process.js";

const PARTNER = { partnerId: "scale-out", token: "scale-out-token" };
const MACHINE_REDIS = process.env.WALLET_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** One simulated partner behind a proxy that notes every request it gets. */
interface Partner {
  simulator: SlotSpecSimulator;
  proxy: RecordingProxy;
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function partner(wallets: Record<string, Record<string, string>> = {}): Promise<Partner> {
  const simulator = await SlotSpecSimulator.start({ partners: [PARTNER], wallets });
  const proxy = await startRecordingProxy(simulator.url);
  cleanups.push(
    () => simulator.stop(),
    () => proxy.stop(),
  );
  return { simulator, proxy };
}

/** Three replicas of one providers file on one PostgreSQL, sharing `redisUrl` under a key prefix of this run. */
async function threeReplicas(
  providersYaml: string,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<{ urls: string[]; replicas: SubgraphProcess[] }> {
  const scratch = await mkdtemp(join(tmpdir(), "wallet-scale-out-"));
  const store: TestStore = await STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!.create();
  cleanups.push(
    () => rm(scratch, { recursive: true, force: true }),
    () => store.drop(),
  );
  const providersFile = join(scratch, "providers.yaml");
  await writeFile(providersFile, providersYaml);
  const prefix = `wallet-e2e-${randomUUID().slice(0, 8)}:`;
  const replicas = Array.from({ length: 3 }, () =>
    startSubgraphProcess({
      WALLET_PROVIDERS_FILE: providersFile,
      WALLET_STORE_URL: store.url,
      PARTNER_TOKEN: PARTNER.token,
      WALLET_REDIS_URL: redisUrl,
      WALLET_REDIS_KEY_PREFIX: prefix,
      // Not a test of authorisation: every caller may read and refund.
      WALLET_AUTH: "off",
      WALLET_LOG_LEVEL: "warn",
      // This machine's cores are shared by every test running: Redis may wait its turn for a while without being down.
      WALLET_REDIS_TIMEOUT_MS: "1000",
      ...env,
    }),
  );
  cleanups.push(async () => {
    for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill("SIGKILL");
  });
  return { urls: await Promise.all(replicas.map((replica) => replica.ready)), replicas };
}

function slotSpec(id: string, at: Partner, currency: string, more: Record<string, string>, canRefund = false) {
  return {
    id,
    name: id,
    baseUrl: at.proxy.url,
    partnerId: PARTNER.partnerId,
    tokenEnv: "PARTNER_TOKEN",
    currency,
    canRefund,
    timeoutMs: 3_000,
    more,
  };
}

/** One read over HTTP: its status, and its data when it has no errors. */
async function read(
  url: string,
  id: string,
  currency: string,
): Promise<{ status: number; wallet: NonNullable<WalletAsOfQuery["wallet"]> | undefined }> {
  try {
    const response = await postGraphQL(url, WalletAsOfDocument, { id, currency });
    const wallet = response.errors?.length ? undefined : (response.data?.wallet ?? undefined);
    return { status: response.status, wallet };
  } catch {
    return { status: 0, wallet: undefined };
  }
}

async function refund(url: string, providerId: string, walletId: string, amount: string, key: string = randomUUID()): Promise<string> {
  try {
    const response = await postGraphQL(url, RefundDocument, {
      input: { walletId, providerId, currency: "USD", amount, idempotencyKey: key },
    });
    if (response.status >= 500) return `HTTP ${response.status}`;
    const answer = response.data?.refund;
    return answer?.userErrors[0]?.code ?? answer?.refund?.status ?? `ERROR ${JSON.stringify(response.errors)}`;
  } catch {
    return "TRANSPORT_ERROR";
  }
}

const metricsOf = async (url: string) => (await fetch(url.replace(/\/graphql$/, "/metrics"))).text();

/** Times the replicas lost Redis (down, or slower than WALLET_REDIS_TIMEOUT_MS) and went on alone. */
async function fallbacks(urls: readonly string[]): Promise<number> {
  const texts = await Promise.all(urls.map(metricsOf));
  return texts.reduce((sum, text) => sum + Number(/^wallet_redis_fallbacks_total (\d+)$/m.exec(text)?.[1] ?? 0), 0);
}

function tally(words: readonly string[]): Record<string, number> {
  return words.reduce<Record<string, number>>((all, word) => ({ ...all, [word]: (all[word] ?? 0) + 1 }), {});
}

describe("three replicas sharing the machine's Redis", () => {
  let limited: Partner;
  let cached: Partner;
  let urls: string[];

  beforeAll(async () => {
    limited = await partner();
    const polled = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`poll-${i}`, { USD: "100.10" }]));
    cached = await partner({ ...polled, "refund-me": { USD: "500.50" } });
    const yaml = slotSpecProvidersYaml([
      slotSpec("limited", limited, "EUR", { rateLimit: "{ requests: 60, intervalMs: 60000 }" }),
      slotSpec("cached", cached, "USD", { balanceMaxAgeMs: "2000" }, true),
    ]);
    ({ urls } = await threeReplicas(yaml, MACHINE_REDIS));
  }, 60_000);

  it("hold a provider to 60 calls a minute under 1,000 concurrent reads: every refused read a RATE_LIMITED failure, no error", async () => {
    const reads = await Promise.all(Array.from({ length: 1_000 }, (_, i) => read(urls[i % 3]!, `user-${i}`, "EUR")));
    const failures = reads.flatMap((answer) => answer.wallet?.failures ?? []);
    const errors = reads.filter((answer) => answer.status !== 200 || !answer.wallet).length;
    const refused = failures.filter((failure) => failure.code === "RATE_LIMITED").length;
    const calls = limited.proxy.arrivals.length;
    const worst = worstWindow(
      limited.proxy.arrivals.map((arrival) => arrival.at),
      60_000,
    );
    const codes = tally(failures.map((failure) => `${failure.code} ${failure.retryable}`));
    console.log(
      `limiter: 1000 reads over 3 replicas, limit 60/min: ${calls} calls, worst 60 s window ${worst}; failures ${JSON.stringify(codes)}; ${errors} errors`,
    );
    expect(errors).toBe(0);
    // A read let through made a call; on a busy machine that call may run out of its budget (TIMEOUT), never be refused.
    expect(Object.keys(codes).filter((code) => code !== "RATE_LIMITED true" && code !== "TIMEOUT true")).toEqual([]);
    expect(1_000 - refused).toBeLessThanOrEqual(calls);
    expect(worst).toBeLessThanOrEqual(60);
    expect(calls).toBeGreaterThan(0);
  }, 60_000);

  it("make at most one call per account per 2 s when 300 clients poll them, every balance under 2 s old", async () => {
    const callsBefore = cached.proxy.arrivals.length;
    const stopAt = performance.now() + 6_000;
    const ages: number[] = [];
    let reads = 0;
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: 300 }, async (_, client) => {
        while (performance.now() < stopAt) {
          const sent = Date.now();
          const answer = await read(urls[client % 3]!, `poll-${Math.floor(client / 3) % 3}`, "USD");
          reads++;
          const balance = answer.wallet?.balances[0];
          if (!balance || balance.amount !== "100.10" || answer.wallet!.failures.length > 0) wrong.push(JSON.stringify(answer));
          // Served at some moment after it was sent: its balance was under 2 s old then, so under 2 s older than the sending.
          else ages.push(sent - Date.parse(balance.asOf));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    const calls = cached.proxy.arrivals.slice(callsBefore);
    const perAccount = [0, 1, 2].map((i) =>
      worstWindow(
        calls.filter((arrival) => arrival.walletId === `poll-${i}`).map((arrival) => arrival.at),
        2_000,
      ),
    );
    console.log(
      `cache: 300 clients, 3 replicas, 3 accounts, 6 s: ${reads} reads, ${calls.length} calls (${((calls.length / reads) * 1000).toFixed(1)} per 1000 reads), worst 2 s window per account ${perAccount.join("/")}, oldest balance when asked ${Math.max(...ages)} ms, Redis fallbacks ${await fallbacks(urls)}`,
    );
    expect(wrong.slice(0, 3)).toEqual([]);
    expect(perAccount).toEqual([1, 1, 1]);
    expect(Math.max(...ages)).toBeLessThan(2_000);
  }, 60_000);

  it("show a refund's new balance on another replica at once, cached or not", async () => {
    const before = await read(urls[1]!, "refund-me", "USD");
    expect(before.wallet?.balances.map((balance) => balance.amount)).toEqual(["500.50"]);
    expect(await refund(urls[0]!, "cached", "refund-me", "1.00")).toBe("SUCCEEDED");
    for (const url of [urls[2]!, urls[1]!]) {
      const after = await read(url, "refund-me", "USD");
      expect(after.wallet?.balances.map((balance) => balance.amount)).toEqual(["499.50"]);
    }
  }, 30_000);
});

describe("three replicas when their Redis is lost and comes back", () => {
  let redis: OwnRedis;
  let limited: Partner;
  let refundable: Partner;
  let urls: string[];
  let replicas: SubgraphProcess[];

  beforeAll(async () => {
    redis = await startOwnRedis();
    cleanups.push(() => redis.stop());
    limited = await partner();
    refundable = await partner({ tester: { USD: "1000.00" } });
    const yaml = slotSpecProvidersYaml([
      slotSpec("limited", limited, "EUR", { rateLimit: "{ requests: 20, intervalMs: 60000 }" }),
      slotSpec("refundable", refundable, "USD", { balanceMaxAgeMs: "2000" }, true),
    ]);
    ({ urls, replicas } = await threeReplicas(yaml, redis.url));
  }, 60_000);

  const readyOf = async (url: string) => (await fetch(url.replace(/\/graphql$/, "/ready"))).status;
  const shared = async (value: 0 | 1) =>
    (await Promise.all(urls.map(metricsOf))).every((text) => new RegExp(`^wallet_redis_shared ${value}$`, "m").test(text));

  /** 150 EUR reads over the replicas: the calls they made, and HTTP statuses other than 200. */
  async function burst(): Promise<{ calls: number; bad: number[] }> {
    const before = limited.proxy.arrivals.length;
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => read(urls[i % 3]!, `burst-${randomUUID().slice(0, 8)}`, "EUR")),
    );
    return {
      calls: limited.proxy.arrivals.length - before,
      bad: answers.filter((answer) => answer.status !== 200).map((answer) => answer.status),
    };
  }

  it("answer without a 5xx and lose no refund; limits fall back to each replica's own and are shared again once Redis is back", async () => {
    expect(await shared(1)).toBe(true);
    const whileShared = await burst();

    await redis.stop();
    // Refunds and reads while Redis is gone: each replica notices on its first command (or the connection's end).
    const keys: string[] = Array.from({ length: 30 }, () => randomUUID());
    const [outcomes, withoutRedis] = await Promise.all([
      Promise.all(keys.map((key, i) => refund(urls[i % 3]!, "refundable", "tester", "0.01", key))),
      burst(),
    ]);
    const ready = await Promise.all(urls.map(readyOf));
    const fellBack = await shared(0);

    await redis.start();
    const deadline = performance.now() + 15_000;
    while (!(await shared(1)) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const sharedAgain = await shared(1);
    const afterReturn = await burst();
    const debits = refundable.simulator.debits().filter((debit) => keys.includes(debit.uuid));
    const warnings = replicas.map((replica) => replica.output().stdout.split("Redis unavailable").length - 1);

    console.log(
      `redis down: calls shared ${whileShared.calls} (limit 20, reads 18), without Redis ${withoutRedis.calls} (3 replicas x 18), shared again ${afterReturn.calls}; ` +
        `refunds ${JSON.stringify(tally(outcomes))}, debits ${debits.length}; non-200 ${[...whileShared.bad, ...withoutRedis.bad, ...afterReturn.bad].length}; /ready ${ready.join(",")}; warnings per replica ${warnings.join(",")}`,
    );
    expect([...whileShared.bad, ...withoutRedis.bad, ...afterReturn.bad]).toEqual([]);
    expect(tally(outcomes)).toEqual({ SUCCEEDED: 30 });
    expect(debits).toHaveLength(30);
    expect(ready).toEqual([200, 200, 200]);
    expect(fellBack).toBe(true);
    expect(whileShared.calls).toBeLessThanOrEqual(20);
    expect(withoutRedis.calls).toBeGreaterThan(20);
    expect(withoutRedis.calls).toBeLessThanOrEqual(60);
    expect(sharedAgain).toBe(true);
    expect(afterReturn.calls).toBeLessThanOrEqual(20);
    // Said once per loss, not once per call.
    expect(warnings).toEqual([1, 1, 1]);
    // The refunds took the balance down, and a read on any replica shows it.
    const after = await read(urls[2]!, "tester", "USD");
    expect(after.wallet?.balances.map((balance) => balance.amount)).toEqual(["999.70"]);
  }, 90_000);
});
