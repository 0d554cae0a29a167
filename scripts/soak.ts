// Soak run: the sandbox on loopback under mixed load (wallet reads, _entities batches, refunds) with provider faults switched on and off; checks no 5xx, no unhandled rejection, flat RSS.
//
//   tsx scripts/soak.ts [--minutes 10] [--concurrency 8] [--max-requests 5000000]
//
// Bounded in time (--minutes, plus a hard stop one minute later) and in count (--max-requests).
// Exits 0 when every check passes, 1 otherwise; prints a JSON summary as its last line.
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "../src/observability/logger.js";
import type { SimulatorFault } from "../src/providers/simulator-knobs.js";
import { startSandbox } from "../src/sandbox.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    concurrency: { type: "string", default: "8" },
    "max-requests": { type: "string", default: "5000000" },
  },
});
const minutes = Number(values.minutes);
const concurrency = Number(values.concurrency);
const maxRequests = Number(values["max-requests"]);
if (!(minutes > 0 && minutes <= 120) || !(concurrency >= 1 && concurrency <= 256) || !(maxRequests >= 1)) {
  console.error("soak: --minutes must be in (0, 120], --concurrency in [1, 256], --max-requests at least 1");
  process.exit(2);
}
const durationMs = minutes * 60_000;
/** RSS is compared between this moment and the end: after the first minute (half-way in a run of two minutes or less). */
const baselineAtMs = Math.min(60_000, durationMs / 2);
const PROVIDER_TIMEOUT_MS = 500;
const FAULTS: SimulatorFault[] = ["hang", "slow", "http500", "malformed", "bad-shape", "auth", "refuse"];
const CURRENCIES = ["USD", "UAH", "USDT", "BTC", "EUR"];

const WALLET_QUERY = /* GraphQL */ `
  query SoakWallet($currency: String!) {
    wallet(id: "tester") {
      id
      balances {
        provider {
          id
        }
        currency
        amount
        available
        locked
      }
      failures {
        provider {
          id
        }
        code
        retryable
      }
      total(currency: $currency)
    }
  }
`;
const ENTITIES_QUERY = /* GraphQL */ `
  query SoakEntities($representations: [_Any!]!, $currency: String) {
    _entities(representations: $representations) {
      ... on Wallet {
        id
        balances(currency: $currency) {
          amount
        }
        failures(currency: $currency) {
          code
        }
      }
    }
  }
`;
const REFUND_MUTATION = /* GraphQL */ `
  mutation SoakRefund($input: RefundInput!) {
    refund(input: $input) {
      refund {
        status
      }
      userErrors {
        code
      }
    }
  }
`;
const PROVIDERS_QUERY = /* GraphQL */ `
  query SoakProviders {
    providers {
      id
      name
      canRefund
    }
  }
`;

let unhandledRejections = 0;
let uncaughtExceptions = 0;
process.on("unhandledRejection", (reason) => {
  unhandledRejections++;
  console.error("soak: unhandled rejection", reason);
});
process.on("uncaughtException", (error) => {
  uncaughtExceptions++;
  console.error("soak: uncaught exception", error);
});

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function main(): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), "wallet-soak-"));
  // A file store: the ledger's growth stays on disk, out of the RSS being measured.
  const sandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    storeUrl: `sqlite:${join(scratch, "soak.sqlite")}`,
    providerTimeoutMs: PROVIDER_TIMEOUT_MS,
    playground: false,
    introspection: false,
    logger: createLogger({ level: "silent" }),
  });
  const simulators = Object.entries(sandbox.simulators);
  const headers = { "content-type": "application/json", authorization: `Bearer ${sandbox.auth.tokens.operator}` };

  const counts = {
    requests: 0,
    byStatus: {} as Record<string, number>,
    fiveXX: 0,
    transportErrors: 0,
    graphqlErrors: 0,
    refunds: {} as Record<string, number>,
    faultSwitches: 0,
  };
  const recentKeys: string[] = [];
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  let stopping = false;

  const send = async (query: string, variables: Record<string, unknown>): Promise<unknown> => {
    counts.requests++;
    try {
      const response = await fetch(sandbox.graphqlUrl, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      counts.byStatus[response.status] = (counts.byStatus[response.status] ?? 0) + 1;
      if (response.status >= 500) counts.fiveXX++;
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors?.length) counts.graphqlErrors++;
      return body.data;
    } catch (error) {
      counts.transportErrors++;
      console.error("soak: transport error", error);
      return undefined;
    }
  };

  const oneRequest = async (): Promise<void> => {
    const roll = Math.random();
    if (roll < 0.45) {
      await send(WALLET_QUERY, { currency: pick(CURRENCIES) });
    } else if (roll < 0.75) {
      const size = 5 + Math.floor(Math.random() * 46);
      const representations = Array.from({ length: size }, (_, i) => ({
        __typename: "Wallet",
        id: i === 0 ? "tester" : `soak-${Math.floor(Math.random() * 200)}`,
      }));
      await send(ENTITIES_QUERY, { representations, currency: Math.random() < 0.3 ? null : pick(CURRENCIES) });
    } else if (roll < 0.9) {
      // Now and then the same key again: answered from the ledger.
      const key = recentKeys.length > 0 && Math.random() < 0.2 ? pick(recentKeys) : randomUUID();
      recentKeys.push(key);
      if (recentKeys.length > 100) recentKeys.shift();
      const data = (await send(REFUND_MUTATION, {
        input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "0.01", idempotencyKey: key },
      })) as { refund?: { refund: { status: string } | null; userErrors: { code: string }[] } } | undefined;
      const outcome = data?.refund ? (data.refund.userErrors[0]?.code ?? data.refund.refund?.status ?? "NONE") : "NO_DATA";
      counts.refunds[outcome] = (counts.refunds[outcome] ?? 0) + 1;
    } else {
      await send(PROVIDERS_QUERY, {});
    }
  };

  // Faults on and off: every 3 s one simulator gets a random fault or none; every 30 s all are cleared.
  let tick = 0;
  const faults = setInterval(() => {
    tick++;
    counts.faultSwitches++;
    const all = tick % 10 === 0;
    void Promise.all(
      (all ? simulators : [pick(simulators)]).map(([, simulator]) => simulator.setFault(all || Math.random() < 0.3 ? null : pick(FAULTS))),
    ).catch((error: unknown) => console.error("soak: could not switch a fault", error));
    // The simulators count every call they get: keep their bookkeeping from growing with the run.
    if (tick % 5 === 0) for (const [, simulator] of simulators) simulator.resetCalls();
  }, 3_000);

  let baselineRss: number | undefined;
  let baselineHeap: number | undefined;
  /** Heap in use after a full collection when the run has --expose-gc (for telling a leak from a lazy GC); RSS is never adjusted. */
  const heapUsed = () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage().heapUsed;
  };
  const baseline = setTimeout(() => {
    baselineRss = process.memoryUsage().rss;
    baselineHeap = heapUsed();
    console.log(`soak: RSS after ${Math.round(baselineAtMs / 1000)} s: ${mb(baselineRss)} MB, ${counts.requests} requests so far`);
  }, baselineAtMs);
  const progress = setInterval(() => {
    console.log(
      `soak: ${Math.round(elapsed() / 1000)} s, ${counts.requests} requests, 5xx ${counts.fiveXX}, RSS ${mb(process.memoryUsage().rss)} MB`,
    );
  }, 30_000);
  // The hard bound: whatever happens, the run ends a minute after its time.
  setTimeout(() => {
    console.error("soak: did not finish in time");
    process.exit(1);
  }, durationMs + 60_000).unref();

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!stopping) {
        if (elapsed() >= durationMs || counts.requests >= maxRequests) {
          stopping = true;
          break;
        }
        await oneRequest();
      }
    }),
  );
  clearInterval(faults);
  clearInterval(progress);
  clearTimeout(baseline);
  const endRss = process.memoryUsage().rss;
  const endHeap = heapUsed();
  baselineRss ??= endRss;
  baselineHeap ??= endHeap;
  await Promise.all(simulators.map(([, simulator]) => simulator.setFault(null)));
  await sandbox.stop();
  await rm(scratch, { recursive: true, force: true });

  const rssChange = (endRss - baselineRss) / baselineRss;
  const summary = {
    minutes,
    concurrency,
    durationS: Math.round(elapsed() / 1000),
    requests: counts.requests,
    perSecond: Math.round(counts.requests / (elapsed() / 1000)),
    byStatus: counts.byStatus,
    fiveXX: counts.fiveXX,
    transportErrors: counts.transportErrors,
    graphqlErrors: counts.graphqlErrors,
    refunds: counts.refunds,
    faultSwitches: counts.faultSwitches,
    unhandledRejections,
    uncaughtExceptions,
    rssBaselineMB: mb(baselineRss),
    rssBaselineAtS: Math.round(baselineAtMs / 1000),
    rssEndMB: mb(endRss),
    rssChangePercent: Math.round(rssChange * 1000) / 10,
    heapUsedBaselineMB: mb(baselineHeap),
    heapUsedEndMB: mb(endHeap),
    heapAfterGc: typeof (globalThis as { gc?: unknown }).gc === "function",
  };
  const failures = [
    counts.fiveXX > 0 && "5xx answers",
    counts.transportErrors > 0 && "transport errors",
    unhandledRejections > 0 && "unhandled rejections",
    uncaughtExceptions > 0 && "uncaught exceptions",
    Math.abs(rssChange) > 0.15 && "RSS moved more than 15%",
  ].filter(Boolean);
  console.log(`soak: ${failures.length === 0 ? "PASS" : `FAIL (${failures.join(", ")})`}`);
  console.log(JSON.stringify(summary));
  process.exit(failures.length === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error("soak: failed", error);
  process.exit(1);
});
