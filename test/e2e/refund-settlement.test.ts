// Refunds settled across real subgraph processes against the SLOT_SPEC simulator: a replica killed mid-refund with the
// provider slow and then down after the restart, two replicas with one clock a second ahead, and a month-old refund
// still in the history after a restart. Each ends with the ledger equal to the provider's debits, key by key.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { openStore } from "../../src/store/open-store.js";
import { RefundByIdDocument, RefundHistoryDocument } from "../generated/graphql.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";
import { auditKeys, expectLedgerEqualsProvider, isUnsettled, summary, type KeyAudit } from "../support/ledger-audit.js";
import { sendRefund } from "../support/refund-requests.js";
import { ageRefund } from "../support/refund-records.js";
import { STORE_KINDS, TestStores } from "../support/stores.js";
import { startSubgraphProcess, writeLuckyMonacoProvidersFile, type SubgraphProcess } from "../support/subgraph-process.js";

const PARTNER = { partnerId: "settlement-test", token: "settlement-token" };
const TIMEOUT_MS = 1_000;
/** The provider timeout plus the 1 s margin the configuration demands. */
const RECONCILE_AFTER_MS = 2_000;
const MONTH_MS = 30 * 24 * 3_600_000;
/** libfaketime, preloaded into one process, moves its wall clock (Date.now(), and SQLite's 'now') and not its timers. */
const CLOCK_ONE_SECOND_AHEAD = {
  LD_PRELOAD: "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
  FAKETIME: "+1s",
  FAKETIME_DONT_FAKE_MONOTONIC: "1",
};

let simulator: SlotSpecSimulator;
let scratch: string;
let providersFile: string;
const processes: SubgraphProcess[] = [];
const stores = new TestStores();

beforeAll(async () => {
  simulator = await SlotSpecSimulator.start({ partners: [PARTNER], wallets: { tester: { USD: "1000000.00" } }, slowMs: 10_000 });
  scratch = await mkdtemp(join(tmpdir(), "wallet-settlement-"));
  providersFile = join(scratch, "providers.yaml");
  await writeLuckyMonacoProvidersFile(providersFile, simulator.url, PARTNER.partnerId, TIMEOUT_MS);
});

afterEach(async () => {
  for (const replica of processes.splice(0)) if (replica.child.exitCode === null) replica.child.kill("SIGKILL");
  await simulator.setFault(null);
  simulator.setLatency(0);
});

afterAll(async () => {
  await simulator?.stop();
  await stores.dropAll();
  await rm(scratch, { recursive: true, force: true });
});

function startReplica(storeUrl: string, clock: Record<string, string> = {}): SubgraphProcess {
  const replica = startSubgraphProcess({
    WALLET_PROVIDERS_FILE: providersFile,
    WALLET_STORE_URL: storeUrl,
    LUCKY_TOKEN: PARTNER.token,
    WALLET_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
    WALLET_RECONCILE_INTERVAL_MS: "250",
    WALLET_RECONCILE_MAX_DELAY_MS: "4000",
    // Not a test of authorisation: every caller may refund.
    WALLET_AUTH: "off",
    WALLET_LOG_LEVEL: "warn",
    ...clock,
  });
  processes.push(replica);
  return replica;
}

async function audit(storeUrl: string, keys: string[]): Promise<KeyAudit[]> {
  const store = await openStore(storeUrl);
  try {
    return await auditKeys(store.db, simulator, keys);
  } finally {
    await store.close();
  }
}

/** Audits until none of `keys` is unsettled, or `ms` pass. */
async function auditWhenSettled(storeUrl: string, keys: string[], ms: number): Promise<KeyAudit[]> {
  const deadline = Date.now() + ms;
  let audits = await audit(storeUrl, keys);
  while (audits.some(isUnsettled) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    audits = await audit(storeUrl, keys);
  }
  return audits;
}

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

const providerStatus = async (url: string): Promise<string> =>
  dataOf(
    await postGraphQL<{ providers: { id: string; status: string }[] }, Record<string, never>>(url, "{ providers { id status } }", {}),
  ).providers.find((provider) => provider.id === "lucky-monaco")!.status;

describe.each(STORE_KINDS)("a replica killed mid-refund on $name", (kind) => {
  it("restarts into a provider slow and then down, never opens the circuit on its own retries, and settles every key once it answers", async () => {
    const store = await stores.create(kind);
    const first = startReplica(store.url);
    const firstUrl = await first.ready;
    const keys = Array.from({ length: 12 }, () => randomUUID());

    // Twelve refunds reach the provider, which applies them and takes its time to answer; the process dies meanwhile.
    simulator.setLatency(600);
    const answers = keys.map((key) => sendRefund(firstUrl, key, "0.01"));
    await until(() => keys.every((key) => simulator.sendsOf(key) === 1), 10_000);
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await Promise.all(answers)).toEqual(keys.map(() => "TRANSPORT_ERROR"));

    // After the restart the provider answers too late for a while, then refuses connections for a while.
    simulator.setLatency(0);
    await simulator.setFault("slow");
    const second = startReplica(store.url);
    const secondUrl = await second.ready;
    const statuses = new Set<string>();
    const watch = setInterval(
      () =>
        void providerStatus(secondUrl).then(
          (status) => statuses.add(status),
          () => undefined,
        ),
      100,
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await simulator.setFault("refuse");
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const during = await audit(store.url, keys);
      expect(
        during.filter((a) => a.status === "FAILED"),
        "nothing marked 'nothing was taken'",
      ).toEqual([]);
      await simulator.setFault(null);

      const audits = await auditWhenSettled(store.url, keys, 30_000);
      expectLedgerEqualsProvider(audits);
      expect(audits.every((a) => a.status === "SUCCEEDED" && a.debits.length === 1)).toBe(true);
      expect(statuses.has("OPEN"), `provider statuses seen: ${[...statuses].join(", ")}`).toBe(false);
      console.log(`crash on ${kind.name}: ${summary(audits)}; provider statuses seen after the restart: ${[...statuses].join(", ")}`);
    } finally {
      clearInterval(watch);
    }
  }, 120_000);

  it("keeps a refund settled a month ago in the history after a restart, its key released and its record whole", async () => {
    const store = await stores.create(kind);
    const first = startReplica(store.url);
    const firstUrl = await first.ready;
    const key = randomUUID();
    expect(await sendRefund(firstUrl, key, "7.25")).toBe("SUCCEEDED");
    first.child.kill("SIGKILL");
    await first.exited;

    // A month passes.
    const direct = await openStore(store.url);
    await ageRefund(direct.db, "idempotency_key", key, MONTH_MS);
    await direct.close();

    const second = startReplica(store.url);
    const secondUrl = await second.ready;
    // The reconciler's look at start releases keys past their retention.
    const released = async () => {
      const check = await openStore(store.url);
      try {
        return (
          (await check.db.selectFrom("refunds").select("live_key").where("idempotency_key", "=", key).executeTakeFirstOrThrow())
            .live_key === null
        );
      } finally {
        await check.close();
      }
    };
    const deadline = Date.now() + 10_000;
    while (!(await released()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await released()).toBe(true);

    const history = dataOf(
      await postGraphQL(secondUrl, RefundHistoryDocument, { walletId: "tester", first: 50 }),
    ).wallet!.refunds.edges.map((edge) => edge.node);
    const old = history.find((node) => node.amount === "7.25");
    expect(old).toMatchObject({ status: "SUCCEEDED", amount: "7.25" });
    expect(Date.now() - Date.parse(old!.createdAt)).toBeGreaterThan(MONTH_MS - 60_000);
    const byId = dataOf(await postGraphQL(secondUrl, RefundByIdDocument, { id: old!.id })).refund;
    expect(byId).toMatchObject({ status: "SUCCEEDED", amount: "7.25", currency: "USD" });
    const audits = await audit(store.url, [key]);
    expectLedgerEqualsProvider(audits);
    console.log(`month-old refund on ${kind.name}: ${summary(audits)}`);
  }, 60_000);
});

describe("two replicas on PostgreSQL, one clock a second ahead", () => {
  it("never has two sends of one key open at once: every lease is judged by the database's clock", async () => {
    // Check that the preloaded library does move Node's clock here.
    const skewed = Number(
      execFileSync(process.execPath, ["-e", "process.stdout.write(String(Date.now()))"], {
        env: { ...process.env, ...CLOCK_ONE_SECOND_AHEAD },
      }).toString(),
    );
    expect(skewed - Date.now()).toBeGreaterThan(800);

    const store = await stores.create(STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!);
    const [onTime, ahead] = await Promise.all([startReplica(store.url).ready, startReplica(store.url, CLOCK_ONE_SECOND_AHEAD).ready]);
    const keys = Array.from({ length: 8 }, () => randomUUID());

    // Every answer comes after the timeout (the refund applied on arrival): each attempt ends UNKNOWN, and the replica
    // a second ahead keeps retrying every key meanwhile, as a client would, while its reconciler looks every 250 ms.
    simulator.setLatency(TIMEOUT_MS + 500);
    const firstAnswers = Promise.all(keys.map((key) => sendRefund(onTime, key, "0.01")));
    await until(() => keys.every((key) => simulator.sendsOf(key) === 1), 10_000);
    let retrying = true;
    const retries = Promise.all(
      keys.map(async (key) => {
        const seen: string[] = [];
        while (retrying) {
          seen.push(await sendRefund(ahead, key, "0.01"));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return seen;
      }),
    );
    expect(new Set(await firstAnswers)).toEqual(new Set(["OUTCOME_UNKNOWN"]));
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    retrying = false;
    const seen = (await retries).flat();
    simulator.setLatency(0);

    const audits = await auditWhenSettled(store.url, keys, 30_000);
    expectLedgerEqualsProvider(audits);
    expect(audits.every((a) => a.status === "SUCCEEDED")).toBe(true);
    expect(seen).not.toContain("PROVIDER_UNAVAILABLE");
    const counts = seen.reduce<Record<string, number>>((all, o) => ({ ...all, [o]: (all[o] ?? 0) + 1 }), {});
    console.log(
      `skewed replicas on PostgreSQL: ${summary(audits)}; answers to the retries of the replica ahead: ${JSON.stringify(counts)}`,
    );
  }, 120_000);
});
