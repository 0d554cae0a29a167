// SIGTERM during a stream of refunds: every accepted refund completes, none is lost or doubled, and the process exits 0 within its grace period.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { openStore } from "../../src/store/open-store.js";
import { RefundDocument } from "../generated/graphql.js";
import { postGraphQL } from "../support/graphql-http.js";
import { startSubgraphProcess, writeLuckyMonacoProvidersFile, type SubgraphProcess } from "../support/subgraph-process.js";

const PARTNER = { partnerId: "shutdown-test", token: "shutdown-token" };
const LATENCY_MS = 400;
const GRACE_MS = 5_000;
const LANES = 16;

let simulator: SlotSpecSimulator;
let scratch: string;
let subgraph: SubgraphProcess | undefined;

beforeAll(async () => {
  simulator = await SlotSpecSimulator.start({ partners: [PARTNER], wallets: { tester: { USD: "1000000.00" } } });
  scratch = await mkdtemp(join(tmpdir(), "wallet-shutdown-"));
});

afterAll(async () => {
  if (subgraph?.child.exitCode === null) subgraph.child.kill("SIGKILL");
  await simulator?.stop();
  await rm(scratch, { recursive: true, force: true });
});

interface Sent {
  key: string;
  startedAt: number;
  endedAt: number;
  outcome: string;
}

async function sendRefund(url: string, key: string): Promise<string> {
  try {
    const response = await postGraphQL(url, RefundDocument, {
      input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "0.01", idempotencyKey: key },
    });
    // Arrived on an old keep-alive connection while draining: refused before any work.
    if (response.status === 503 && response.errors?.[0]?.extensions?.code === "SHUTTING_DOWN") return "NOT_ACCEPTED";
    if (response.errors?.length || !response.data) return `ERROR ${response.status} ${JSON.stringify(response.errors)}`;
    return response.data.refund.userErrors[0]?.code ?? response.data.refund.refund?.status ?? "NO_REFUND";
  } catch {
    // Connection refused, or closed by the draining server before any work: not accepted.
    return "NOT_ACCEPTED";
  }
}

describe("SIGTERM during load", () => {
  it("lets in-flight refunds finish, accepts no new ones, loses none, and exits 0", async () => {
    const providersFile = join(scratch, "providers.yaml");
    const storeUrl = `sqlite:${join(scratch, "wallet.sqlite")}`;
    await writeLuckyMonacoProvidersFile(providersFile, simulator.url, PARTNER.partnerId, 3_000);
    subgraph = startSubgraphProcess({
      WALLET_PROVIDERS_FILE: providersFile,
      WALLET_STORE_URL: storeUrl,
      LUCKY_TOKEN: PARTNER.token,
      WALLET_SHUTDOWN_GRACE_MS: String(GRACE_MS),
      // Not a test of authorisation: every caller may refund.
      WALLET_AUTH: "off",
    });
    const url = await subgraph.ready;
    const base = url.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    simulator.setLatency(LATENCY_MS);

    const sent: Sent[] = [];
    let stop = false;
    const lanes = Array.from({ length: LANES }, async () => {
      while (!stop) {
        const key = randomUUID();
        const startedAt = performance.now();
        const outcome = await sendRefund(url, key);
        sent.push({ key, startedAt, endedAt: performance.now(), outcome });
        if (outcome === "NOT_ACCEPTED") return;
      }
    });

    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS * 2.5));
    const signalledAt = performance.now();
    subgraph.child.kill("SIGTERM");
    const exitCode = await subgraph.exited;
    const drainMs = performance.now() - signalledAt;
    stop = true;
    await Promise.all(lanes);
    simulator.setLatency(0);

    expect(exitCode, subgraph.output().stderr).toBe(0);
    expect(drainMs).toBeLessThan(GRACE_MS + 2_000);
    // Once it has stopped, nothing is accepted.
    await expect(fetch(`${base}/ready`)).rejects.toThrow();

    const outcomes = sent.reduce<Record<string, number>>((all, s) => ({ ...all, [s.outcome]: (all[s.outcome] ?? 0) + 1 }), {});
    expect(
      Object.keys(outcomes).every((o) => o === "SUCCEEDED" || o === "NOT_ACCEPTED"),
      JSON.stringify(outcomes),
    ).toBe(true);
    // Refunds that were in flight when the signal came, and completed after it.
    const inFlight = sent.filter((s) => s.startedAt < signalledAt && s.endedAt > signalledAt && s.outcome === "SUCCEEDED");
    expect(inFlight.length).toBeGreaterThan(0);

    // None lost: the ledger and the provider agree on every key sent.
    const store = await openStore(storeUrl);
    try {
      const rows = await store.db.selectFrom("refunds").select(["idempotency_key", "status", "amount"]).execute();
      const ledger = new Map(rows.map((row) => [row.idempotency_key, row]));
      const debits = simulator.debits();
      for (const s of sent) {
        const debited = debits.filter((debit) => debit.uuid === s.key).map((debit) => debit.amount);
        const row = ledger.get(s.key);
        if (s.outcome === "SUCCEEDED") {
          expect(row, s.key).toMatchObject({ status: "SUCCEEDED", amount: "0.01" });
          expect(debited, s.key).toEqual(["0.01"]);
        } else {
          expect(row, `${s.key} was not accepted, so not written`).toBeUndefined();
          expect(debited, `${s.key} was not accepted, so not debited`).toEqual([]);
        }
      }
      expect(rows.filter((row) => row.status !== "SUCCEEDED")).toEqual([]);
      expect(rows.length).toBe(debits.length);
    } finally {
      await store.close();
    }
    console.log(
      `shutdown: ${sent.length} refunds sent (${JSON.stringify(outcomes)}), ${inFlight.length} in flight at SIGTERM completed; ` +
        `drained and exited 0 in ${Math.round(drainMs)} ms (provider latency ${LATENCY_MS} ms, grace ${GRACE_MS} ms)`,
    );
  }, 60_000);

  it("stops at start with a clear message and a non-zero exit on a bad shutdown or tracing setting", async () => {
    for (const [variable, value] of [
      ["WALLET_SHUTDOWN_GRACE_MS", "soon"],
      ["OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"],
    ] as const) {
      const bad = startSubgraphProcess({ [variable]: value, WALLET_STORE_URL: "sqlite::memory:", WALLET_AUTH: "off" });
      expect(await bad.exited, variable).toBe(1);
      expect(bad.output().stderr).toContain(`wallet-subgraph: ${variable} must be`);
    }
  }, 60_000);
});
