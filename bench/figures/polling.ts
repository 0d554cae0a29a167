// Responsible for figure 8: provider calls per 1,000 wallet reads when clients poll three replicas sharing one Redis, without and with the balance cache, beside the fewest the cache's max age allows.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { startRecordingProxy } from "../../test/support/recording-proxy.js";
import { slotSpecProvidersYaml, startSubgraphProcess } from "../../test/support/subgraph-process.js";
import { figure, type FigureRecord } from "../lib/report.js";

const PARTNER = { partnerId: "polling", token: "polling-token" };
const REPLICAS = 3;
const CLIENTS = 100;
/** Five clients per wallet: a user's phone, tabs and widgets polling the same balance. */
const WALLETS = 20;
const POLL_EVERY_MS = 250;
const MAX_AGE_MS = 2_000;
const REDIS_URL = process.env.WALLET_BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";

interface Run {
  reads: number;
  calls: number;
  savedByCoalescing: number;
  savedByCache: number;
}

/** One polling run against three fresh replicas whose provider caches for `maxAgeMs` (0: coalescing only). */
async function pollingRun(maxAgeMs: number, seconds: number): Promise<Run> {
  const wallets = Array.from({ length: WALLETS }, (_, i) => `poller-${i}`);
  const simulator = await SlotSpecSimulator.start({
    partners: [PARTNER],
    wallets: Object.fromEntries(wallets.map((id) => [id, { USD: "10.00" }])),
  });
  const proxy = await startRecordingProxy(simulator.url);
  const scratch = await mkdtemp(join(tmpdir(), "wallet-bench-polling-"));
  const providersFile = join(scratch, "providers.yaml");
  const more: Record<string, string> = { balanceMaxAgeMs: String(maxAgeMs) };
  await writeFile(
    providersFile,
    slotSpecProvidersYaml([
      { id: "polled", name: "Polled", baseUrl: proxy.url, partnerId: PARTNER.partnerId, tokenEnv: "POLLED_TOKEN", timeoutMs: 3_000, more },
    ]),
  );
  const prefix = `wallet-bench-${randomUUID().slice(0, 8)}:`;
  const replicas = Array.from({ length: REPLICAS }, (_, i) =>
    startSubgraphProcess({
      WALLET_PROVIDERS_FILE: providersFile,
      WALLET_STORE_URL: `sqlite:${join(scratch, `replica-${i}.sqlite`)}`,
      POLLED_TOKEN: PARTNER.token,
      WALLET_REDIS_URL: REDIS_URL,
      WALLET_REDIS_KEY_PREFIX: prefix,
      WALLET_REDIS_TIMEOUT_MS: "1000",
      WALLET_AUTH: "off",
      WALLET_LOG_LEVEL: "warn",
    }),
  );
  try {
    const urls = await Promise.all(replicas.map((replica) => replica.ready));
    let reads = 0;
    const stopAt = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        const body = JSON.stringify({ query: `{ wallet(id: "${wallets[client % WALLETS]}") { balances(currency: "USD") { amount } } }` });
        while (performance.now() < stopAt) {
          const response = await fetch(urls[client % REPLICAS]!, { method: "POST", headers: { "content-type": "application/json" }, body });
          const text = await response.text();
          if (response.status !== 200 || !text.includes('"amount":"10.00"'))
            throw new Error(`polling read failed: HTTP ${response.status} ${text.slice(0, 300)}`);
          reads++;
          await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
        }
      }),
    );
    const metrics = await Promise.all(urls.map(async (url) => (await fetch(url.replace(/\/graphql$/, "/metrics"))).text()));
    const saved = (by: string) =>
      metrics.reduce(
        (sum, text) =>
          sum +
          Number(new RegExp(`^wallet_provider_calls_saved_total\\{provider="polled",by="${by}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0),
        0,
      );
    return { reads, calls: proxy.arrivals.length, savedByCoalescing: saved("coalescing"), savedByCache: saved("cache") };
  } finally {
    for (const replica of replicas) replica.child.kill("SIGTERM");
    await Promise.all(replicas.map((replica) => replica.exited));
    await proxy.stop();
    await simulator.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

const perThousand = (calls: number, reads: number) => Math.round((calls / reads) * 10_000) / 10;

export async function polling(seconds: number): Promise<FigureRecord[]> {
  const without = await pollingRun(0, seconds);
  const withCache = await pollingRun(MAX_AGE_MS, seconds);
  // The fewest a 2 s max age allows: one call per wallet per 2 s of polling.
  const minimum = WALLETS * Math.ceil((seconds * 1000) / MAX_AGE_MS);
  const shape = `${REPLICAS} replicas, ${CLIENTS} clients polling ${WALLETS} wallets every ${POLL_EVERY_MS} ms for ${seconds} s`;
  return [
    figure(
      "polling.calls_per_1000_reads.no_cache",
      perThousand(without.calls, without.reads),
      "calls / 1000 reads",
      null,
      `${shape}: ${without.calls} calls for ${without.reads} reads; saved by coalescing ${without.savedByCoalescing}`,
    ),
    figure(
      "polling.calls_per_1000_reads.cache_2s",
      perThousand(withCache.calls, withCache.reads),
      "calls / 1000 reads",
      null,
      `${withCache.calls} calls for ${withCache.reads} reads; saved by the cache ${withCache.savedByCache}, by coalescing ${withCache.savedByCoalescing}; ` +
        `minimum ${perThousand(minimum, withCache.reads)} (${minimum} calls: one per wallet per 2 s)`,
    ),
  ];
}
