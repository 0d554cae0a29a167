// Refunds across real processes: two replicas on one PostgreSQL never debit a key twice; a replica killed mid-refund loses nothing.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { sendRefund, type RefundOutcomeWord } from "../support/refund-requests.js";
import { STORE_KINDS, TestStores } from "../support/stores.js";
import { startSubgraphProcess, writeLuckyMonacoProvidersFile, type SubgraphProcess } from "../support/subgraph-process.js";

const PARTNER = { partnerId: "replica-test", token: "replica-token" };
const TIMEOUT_MS = 1_000;
/** Twice the least the configuration allows: 200 requests at once on a shared machine can take a while to claim. */
const RECONCILE_AFTER_MS = 3_000;

let simulator: SlotSpecSimulator;
let scratch: string;
let providersFile: string;
const processes: SubgraphProcess[] = [];
const stores = new TestStores();

beforeAll(async () => {
  simulator = await SlotSpecSimulator.start({ partners: [PARTNER], wallets: { tester: { USD: "1000000.00" } } });
  scratch = await mkdtemp(join(tmpdir(), "wallet-replicas-"));
  providersFile = join(scratch, "providers.yaml");
  await writeLuckyMonacoProvidersFile(providersFile, simulator.url, PARTNER.partnerId, TIMEOUT_MS);
});

afterEach(() => {
  for (const replica of processes.splice(0)) if (replica.child.exitCode === null) replica.child.kill("SIGKILL");
});

afterAll(async () => {
  await simulator?.stop();
  await stores.dropAll();
  await rm(scratch, { recursive: true, force: true });
});

function startReplica(storeUrl: string): SubgraphProcess {
  const replica = startSubgraphProcess({
    WALLET_PROVIDERS_FILE: providersFile,
    WALLET_STORE_URL: storeUrl,
    LUCKY_TOKEN: PARTNER.token,
    WALLET_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
    WALLET_RECONCILE_INTERVAL_MS: "500",
    // Not a test of authorisation: every caller may refund.
    WALLET_AUTH: "off",
  });
  processes.push(replica);
  return replica;
}

/** The ledger's rows next to the provider's debits, for the keys sent. */
async function compare(storeUrl: string, keys: string[]) {
  const store: Store = await openStore(storeUrl);
  try {
    const rows = await store.db.selectFrom("refunds").select(["idempotency_key", "status", "amount"]).execute();
    const ledger = new Map(rows.map((row) => [row.idempotency_key, row]));
    const debits = simulator.debits();
    return keys.map((key) => ({
      key,
      ledger: ledger.get(key) ? { status: ledger.get(key)!.status, amount: ledger.get(key)!.amount } : null,
      debits: debits.filter((debit) => debit.uuid === key).map((debit) => debit.amount),
    }));
  } finally {
    await store.close();
  }
}

describe("two replicas sharing PostgreSQL", () => {
  it("answer 200 concurrent refunds over 20 keys with exactly 20 debits, the ledger matching the provider", async () => {
    const store = await stores.create(STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!);
    const urls = await Promise.all([startReplica(store.url).ready, startReplica(store.url).ready]);
    simulator.setLatency(40);
    const keys = Array.from({ length: 20 }, () => randomUUID());
    const requests = Array.from({ length: 200 }, (_, i) => {
      const key = keys[i % 20]!;
      // Every fifth key is also sent with a changed amount by some of its requests.
      const amount = i % 20 < 4 && i % 3 === 0 ? "2.00" : "1.00";
      return { url: urls[i % 2]!, key, amount };
    });
    const debitsBefore = simulator.debits().length;

    const outcomes = await Promise.all(requests.map((r) => sendRefund(r.url, r.key, r.amount)));
    simulator.setLatency(0);

    const counts = outcomes.reduce<Record<string, number>>((all, o) => ({ ...all, [o]: (all[o] ?? 0) + 1 }), {});
    expect(
      Object.keys(counts).every((o) => ["SUCCEEDED", "IDEMPOTENCY_KEY_REUSED", "REFUND_IN_PROGRESS"].includes(o)),
      JSON.stringify(counts),
    ).toBe(true);
    expect(simulator.debits().length - debitsBefore).toBe(20);

    const compared = await compare(store.url, keys);
    for (const entry of compared) {
      expect(entry.debits, entry.key).toHaveLength(1);
      expect(entry.ledger, entry.key).toEqual({ status: "SUCCEEDED", amount: entry.debits[0] });
    }
    console.log(`replicas: 200 requests over 20 keys: ${JSON.stringify(counts)}; debits ${simulator.debits().length - debitsBefore}`);
  }, 120_000);
});

describe.each(STORE_KINDS)("a replica killed mid-refund on $name", (kind) => {
  it("loses and doubles nothing: after restarts and reconciliation every key's debits match the ledger, none PENDING", async () => {
    const store = await stores.create(kind);
    const sent = new Set<string>();
    const outcomes: RefundOutcomeWord[] = [];
    let replica = startReplica(store.url);
    let url = await replica.ready;

    for (let crash = 0; crash < 3; crash++) {
      simulator.setLatency(30 + Math.floor(Math.random() * 60));
      const inFlight: Promise<void>[] = [];
      // A stream of refunds, ten at a time, until the process is killed at a random moment.
      let stop = false;
      for (let lane = 0; lane < 10; lane++) {
        inFlight.push(
          (async () => {
            while (!stop) {
              const key = randomUUID();
              sent.add(key);
              const outcome = await sendRefund(url, key, "0.01");
              outcomes.push(outcome);
              if (outcome === "TRANSPORT_ERROR") return;
            }
          })(),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 600));
      replica.child.kill("SIGKILL");
      stop = true;
      await replica.exited;
      await Promise.all(inFlight);

      replica = startReplica(store.url);
      url = await replica.ready;
    }
    simulator.setLatency(0);

    // The last replica's reconciler settles what the killed ones left behind.
    const keys = [...sent];
    const deadline = Date.now() + 15_000;
    let compared = await compare(store.url, keys);
    while (compared.some((entry) => entry.ledger && ["PENDING", "UNKNOWN"].includes(entry.ledger.status)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      compared = await compare(store.url, keys);
    }

    for (const entry of compared) {
      expect(entry.debits.length, entry.key).toBeLessThanOrEqual(1);
      if (entry.ledger === null) expect(entry.debits, `${entry.key}: no record, no debit`).toEqual([]);
      else if (entry.ledger.status === "SUCCEEDED") expect(entry.debits, entry.key).toEqual([entry.ledger.amount]);
      else expect(entry.ledger, `${entry.key}: settled`).toMatchObject({ status: "FAILED" });
    }
    expect(compared.filter((entry) => entry.ledger?.status === "FAILED")).toEqual([]);
    const lost = outcomes.filter((o) => o === "TRANSPORT_ERROR").length;
    console.log(
      `crash on ${kind.name}: ${keys.length} keys sent, 3 kills, ${lost} answers lost, ${compared.filter((e) => e.debits.length).length} debits, ${compared.filter((e) => e.ledger).length} ledger records`,
    );
  }, 120_000);
});
