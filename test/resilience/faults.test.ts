// Fault injection for every protocol: hang, slow, 500, refused connection, malformed body and flapping, each bounded in
// time, reported with its failure code, opening the provider's circuit (no request while open) and closing it after a probe.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import type { CircuitState, UpstreamCall, UpstreamObserver } from "../../src/observability/upstream-events.js";
import { FailureCode } from "../../src/providers/failure.js";
import type { SimulatorFault } from "../../src/providers/simulator-knobs.js";
import { SlotSpecClient } from "../../src/providers/slot-spec/client.js";
import { startDemoProviders, type DemoProviders } from "../../src/sandbox/demo-providers.js";
import type { RunningServer } from "../../src/server.js";
import { createServices, type ProcessServices } from "../../src/services.js";
import { ProviderStatusesDocument, RefundDocument, WalletOverviewDocument, type WalletOverviewQuery } from "../generated/graphql.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";
import { startTrustedServer } from "../support/trusted-server.js";

const TIMEOUT_MS = 300;
/** What a wallet query may take beyond the slowest provider's timeout: GraphQL, the other providers, scheduling. */
const MARGIN_MS = 250;
const FAILURE_THRESHOLD = 3;
const HALF_OPEN_AFTER_MS = 200;
const RETRIES = 2;

type ProviderId = "kyren" | "lucky-monaco" | "alphasms" | "nami" | "xpay";
const PROVIDERS: ProviderId[] = ["kyren", "lucky-monaco", "alphasms", "nami", "xpay"];

let demo: DemoProviders;
let services: ProcessServices;
let server: RunningServer;

function simulatorOf(providerId: ProviderId) {
  const { kyren, luckyMonaco, alphaSms, nami, xpay } = demo.simulators;
  return { kyren, "lucky-monaco": luckyMonaco, alphasms: alphaSms, nami, xpay }[providerId];
}

beforeAll(async () => {
  demo = await startDemoProviders({ timeoutMs: TIMEOUT_MS });
  // The sandbox's providers, with read retries and a circuit quick to open and to probe.
  const providers: ProviderConfig[] = demo.providers.map((provider) => ({
    ...provider,
    retries: RETRIES,
    circuitBreaker: { failureThreshold: FAILURE_THRESHOLD, halfOpenAfterMs: HALF_OPEN_AFTER_MS },
  }));
  services = await createServices({ providers, storeUrl: "sqlite::memory:" });
  for (const link of demo.links) {
    const { userErrors } = await services.accountLinks.link(link, link.details);
    expect(userErrors).toEqual([]);
  }
  server = await startTrustedServer(services);
});

afterAll(async () => {
  await server?.stop();
  await services?.close();
  await demo?.stop();
});

afterEach(async () => {
  for (const simulator of Object.values(demo.simulators)) await simulator.setFault(null);
  // Leave every circuit closed for the next test: past the half-open delay, one query probes and closes them.
  if (Object.values(await statuses()).some((status) => status !== "UP")) {
    await sleep(HALF_OPEN_AFTER_MS + 50);
    await readWallet();
  }
  expect(await statuses()).toEqual(Object.fromEntries(PROVIDERS.map((id) => [id, "UP"])));
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function statuses(): Promise<Record<string, string>> {
  const { providers } = dataOf(await postGraphQL(server.graphqlUrl, ProviderStatusesDocument));
  return Object.fromEntries(providers.map((provider) => [provider.id, provider.status]));
}

type Wallet = NonNullable<WalletOverviewQuery["wallet"]>;

/** The demo wallet, every currency, and how long it took. */
async function readWallet(): Promise<{ wallet: Wallet; elapsedMs: number }> {
  const started = performance.now();
  const { wallet } = dataOf(
    await postGraphQL(server.graphqlUrl, WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }),
  );
  return { wallet: wallet!, elapsedMs: performance.now() - started };
}

/**
 * The query answered within the bound, the faulty provider failed with `code` (and, where it reads twice per
 * query, possibly CIRCUIT_OPEN for the read that waited on a failed probe), and every other provider answered.
 */
function expectOnlyFailure(
  { wallet, elapsedMs }: { wallet: Wallet; elapsedMs: number },
  providerId: ProviderId,
  code: string,
  orCircuitOpen = false,
): void {
  expect(elapsedMs, "answered within the provider's timeout plus the margin").toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  const failures = wallet.failures.map((failure) => JSON.stringify([failure.provider.id, failure.code, failure.retryable]));
  const expected = JSON.stringify([providerId, code, code !== "BAD_RESPONSE"]);
  expect(failures).toContain(expected);
  const allowed = new Set([expected, ...(orCircuitOpen ? [JSON.stringify([providerId, "CIRCUIT_OPEN", true])] : [])]);
  expect(failures.filter((failure) => !allowed.has(failure))).toEqual([]);
  const answered = new Set(wallet.balances.map((balance) => balance.provider.id));
  expect([...answered].sort()).toEqual(PROVIDERS.filter((id) => id !== providerId).sort());
}

/** Queries until the provider's circuit opens: the first failed query leaves it DEGRADED; it must open within the threshold. */
async function openCircuit(providerId: ProviderId, code: string): Promise<void> {
  for (let query = 1; query <= FAILURE_THRESHOLD; query++) {
    expectOnlyFailure(await readWallet(), providerId, code);
    const status = (await statuses())[providerId];
    if (query === 1 && status !== "OPEN") expect(status).toBe("DEGRADED");
    if (status === "OPEN") return;
  }
  throw new Error(`the circuit of ${providerId} did not open after ${FAILURE_THRESHOLD} failed queries`);
}

/** While open: the call fails at once with CIRCUIT_OPEN and no request reaches the provider. */
async function expectOpenCircuitFailsFast(providerId: ProviderId): Promise<void> {
  const simulator = simulatorOf(providerId);
  simulator.resetCalls();
  const read = await readWallet();
  expectOnlyFailure(read, providerId, "CIRCUIT_OPEN");
  expect(simulator.calls(), "no request to a provider whose circuit is open").toBe(0);
  expect((await statuses())[providerId]).toBe("OPEN");
}

/** After the half-open delay, with the provider well again, one probe closes the circuit and its balances are back. */
async function expectRecovery(providerId: ProviderId): Promise<void> {
  const simulator = simulatorOf(providerId);
  await sleep(HALF_OPEN_AFTER_MS + 50);
  simulator.resetCalls();
  const { wallet, elapsedMs } = await readWallet();
  expect(elapsedMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  expect(wallet.failures).toEqual([]);
  expect(new Set(wallet.balances.map((balance) => balance.provider.id))).toEqual(new Set(PROVIDERS));
  expect(simulator.calls(), "the probe reached the provider").toBeGreaterThan(0);
  expect((await statuses())[providerId]).toBe("UP");
}

const TRANSIENT_FAULTS: [string, SimulatorFault, string][] = [
  ["hangs", "hang", "TIMEOUT"],
  ["answers too late", "slow", "TIMEOUT"],
  ["answers HTTP 500", "http500", "UPSTREAM_ERROR"],
  ["refuses connections", "refuse", "UNREACHABLE"],
];

describe.each(PROVIDERS)("when %s", (providerId) => {
  it.each(TRANSIENT_FAULTS)(
    "%s: bounded %s failures open its circuit, which refuses without a request and closes after a probe",
    async (_what, fault, code) => {
      const simulator = simulatorOf(providerId);
      await simulator.setFault(fault);
      await openCircuit(providerId, code);
      await expectOpenCircuitFailsFast(providerId);

      // Still failing when the probe goes: it reopens at once, after one probe's requests.
      await sleep(HALF_OPEN_AFTER_MS + 50);
      simulator.resetCalls();
      expectOnlyFailure(await readWallet(), providerId, code, true);
      expect(simulator.calls() > 0 || fault === "refuse").toBe(true);
      expect((await statuses())[providerId]).toBe("OPEN");
      await expectOpenCircuitFailsFast(providerId);

      await simulator.setFault(null);
      await expectRecovery(providerId);
    },
  );

  it("answers with a malformed body: BAD_RESPONSE every time, not retried, and its circuit stays closed", async () => {
    const simulator = simulatorOf(providerId);
    await simulator.setFault("malformed");
    simulator.resetCalls();
    const { wallet } = await readWallet();
    const callsPerQuery = simulator.calls();
    expect(callsPerQuery).toBeGreaterThan(0);
    expectOnlyFailure({ wallet, elapsedMs: 0 }, providerId, "BAD_RESPONSE");
    for (let query = 0; query < FAILURE_THRESHOLD + 1; query++) {
      expectOnlyFailure(await readWallet(), providerId, "BAD_RESPONSE");
    }
    // One request per read each time: a wrong answer is not asked again, and the provider is not cut off.
    expect(simulator.calls()).toBe(callsPerQuery * (FAILURE_THRESHOLD + 2));
    expect((await statuses())[providerId]).toBe("UP");
  });

  it("flaps: each query is bounded and right, failures between successes never open the circuit", async () => {
    const simulator = simulatorOf(providerId);
    for (let round = 0; round < FAILURE_THRESHOLD + 2; round++) {
      await simulator.setFault("http500");
      expectOnlyFailure(await readWallet(), providerId, "UPSTREAM_ERROR");
      expect((await statuses())[providerId]).not.toBe("OPEN");
      await simulator.setFault(null);
      const { wallet, elapsedMs } = await readWallet();
      expect(elapsedMs).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
      expect(wallet.failures).toEqual([]);
      expect(new Set(wallet.balances.map((balance) => balance.provider.id))).toEqual(new Set(PROVIDERS));
      expect((await statuses())[providerId]).toBe("UP");
    }
  });

  it("flaps while its circuit is open: a failed probe reopens it, the next good probe closes it", async () => {
    const simulator = simulatorOf(providerId);
    await simulator.setFault("hang");
    await openCircuit(providerId, "TIMEOUT");
    await simulator.setFault("http500");
    await sleep(HALF_OPEN_AFTER_MS + 50);
    expectOnlyFailure(await readWallet(), providerId, "UPSTREAM_ERROR", true);
    await expectOpenCircuitFailsFast(providerId);
    await simulator.setFault(null);
    await expectRecovery(providerId);
  });
});

describe("retries", () => {
  it("a read that meets an HTTP 500 is asked again within its budget", async () => {
    await demo.simulators.kyren.setFault("http500");
    demo.simulators.kyren.resetCalls();
    expectOnlyFailure(await readWallet(), "kyren", "UPSTREAM_ERROR");
    // Kyren answers a whole wallet in one /user/info call: more than one request is a retry.
    expect(demo.simulators.kyren.calls("/user/info")).toBeGreaterThan(1);
    expect(demo.simulators.kyren.calls("/user/info")).toBeLessThanOrEqual(1 + RETRIES);
  });

  it("a refund that meets an HTTP 500 is sent once, never retried", async () => {
    const simulator = demo.simulators.luckyMonaco;
    await simulator.setFault("http500");
    simulator.resetCalls();
    const { refund } = dataOf(
      await postGraphQL(server.graphqlUrl, RefundDocument, {
        input: {
          walletId: "tester",
          providerId: "lucky-monaco",
          currency: "USD",
          amount: "1.0",
          idempotencyKey: "5f0c5d53-8e43-4f5e-9a53-0f0a1c1e2d3b",
        },
      }),
    );
    expect(simulator.calls("/user/refund")).toBe(1);
    expect(refund.refund?.status).not.toBe("SUCCEEDED");
  });

  it("Query.providers shows every status without calling a provider", async () => {
    for (const simulator of Object.values(demo.simulators)) simulator.resetCalls();
    expect(await statuses()).toEqual(Object.fromEntries(PROVIDERS.map((id) => [id, "UP"])));
    for (const simulator of Object.values(demo.simulators)) expect(simulator.calls()).toBe(0);
  });
});

describe("what the policy tells its observer, and its bulkhead", () => {
  class RecordingObserver implements UpstreamObserver {
    readonly calls: UpstreamCall[] = [];
    readonly circuits: CircuitState[] = [];
    call(event: UpstreamCall): void {
      this.calls.push(event);
    }
    circuit(_providerId: string, state: CircuitState): void {
      this.circuits.push(state);
    }
  }

  function kyrenClient(overrides: Partial<ProviderConfig>, observer?: UpstreamObserver): SlotSpecClient {
    const config = demo.providers.find((provider) => provider.id === "kyren");
    if (config?.protocol !== "slot-spec") throw new Error("no kyren in the demo providers");
    return new SlotSpecClient({ ...config, ...overrides } as typeof config, observer);
  }

  it("reports every attempt and every circuit change; an open circuit's refusal is reported without a request", async () => {
    const observer = new RecordingObserver();
    const client = kyrenClient({ retries: 2, circuitBreaker: { failureThreshold: 2, halfOpenAfterMs: 100 } }, observer);
    try {
      const simulator = demo.simulators.kyren;
      await simulator.setFault("http500");
      simulator.resetCalls();
      const [first] = await client.loadBalances([{ walletId: "tester", currency: null }]);
      expect(first!.failures).toMatchObject([{ code: "UPSTREAM_ERROR", retryable: true }]);
      expect(observer.calls.length).toBe(simulator.calls());
      expect(observer.calls.length).toBeGreaterThan(1);
      expect(observer.calls.map((call) => call.attempt)).toEqual(observer.calls.map((_, index) => index + 1));
      expect(observer.calls.every((call) => call.providerId === "kyren" && call.outcome === FailureCode.UPSTREAM_ERROR)).toBe(true);
      expect(client.status).toBe("DEGRADED");

      await client.loadBalances([{ walletId: "tester", currency: null }]);
      expect(observer.circuits).toEqual(["open"]);
      expect(client.status).toBe("OPEN");

      simulator.resetCalls();
      observer.calls.length = 0;
      const [refused] = await client.loadBalances([{ walletId: "tester", currency: null }]);
      expect(refused!.failures).toMatchObject([{ code: "CIRCUIT_OPEN", retryable: true }]);
      expect(simulator.calls()).toBe(0);
      expect(observer.calls).toEqual([{ providerId: "kyren", outcome: "circuit_open", durationMs: 0, attempt: 1 }]);

      await simulator.setFault(null);
      await sleep(150);
      observer.calls.length = 0;
      const [recovered] = await client.loadBalances([{ walletId: "tester", currency: null }]);
      expect(recovered!.failures).toEqual([]);
      expect(observer.circuits).toEqual(["open", "half-open", "closed"]);
      expect(observer.calls).toMatchObject([{ providerId: "kyren", outcome: "ok", attempt: 1 }]);
      expect(client.status).toBe("UP");
    } finally {
      await client.close();
    }
  });

  it("ends the calls waiting for a connection behind a provider that hangs within their budget, as TIMEOUT", async () => {
    const budgetMs = 300;
    const client = kyrenClient({ maxConnections: 1, maxQueued: 20, timeoutMs: budgetMs, retries: 0 });
    try {
      await demo.simulators.kyren.setFault("hang");
      const started = performance.now();
      const results = await client.loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "second", currency: null },
        { walletId: "third", currency: null },
      ]);
      const elapsedMs = performance.now() - started;
      // One call holds the only connection until its budget ends; the others wait in the queue and end with it.
      expect(results.map((result) => result.failures.map((failure) => failure.code))).toEqual([["TIMEOUT"], ["TIMEOUT"], ["TIMEOUT"]]);
      expect(elapsedMs, "every queued call ended within its own budget").toBeLessThan(budgetMs + MARGIN_MS);
    } finally {
      await client.close();
    }
  });

  it("caps concurrent calls at maxConnections with a bounded queue: beyond it, a call is refused without a request", async () => {
    const client = kyrenClient({ maxConnections: 1, maxQueued: 1, timeoutMs: 2_000 });
    try {
      const simulator = demo.simulators.kyren;
      simulator.setLatency(100);
      simulator.resetCalls();
      const results = await client.loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "second", currency: null },
        { walletId: "third", currency: null },
      ]);
      const codes = results.map((result) => result.failures.map((failure) => failure.code));
      expect(codes).toEqual([[], [], ["UNREACHABLE"]]);
      expect(results[2]!.failures[0]!.message).toMatch(/too many calls/);
      expect(simulator.calls()).toBe(2);
    } finally {
      demo.simulators.kyren.setLatency(0);
      await client.close();
    }
  });
});
