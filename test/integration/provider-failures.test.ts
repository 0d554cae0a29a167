// Every protocol fails the same way in the schema: its auth refusal, business error, malformed body, timeout and
// refused connection become the same failures codes, while the other providers' balances still come back.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorFault } from "../../src/providers/simulator-knobs.js";
import { XPAY_DEMO_INSTRUMENT } from "../../src/sandbox/demo-providers.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { WalletOverviewDocument } from "../generated/graphql.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";

const TIMEOUT_MS = 800;
let sandbox: Sandbox;

/** A secret of the sandbox's own configuration, to aim a simulator's business error at the demo account. */
function demoKey(providerId: "alphasms" | "nami"): string {
  const provider = sandbox.providers.find((p) => p.id === providerId);
  if (provider?.protocol !== "alphasms" && provider?.protocol !== "nami") throw new Error(`no ${providerId} in the sandbox`);
  return provider.accounts[0]!.apiKey;
}

type ProviderId = "kyren" | "lucky-monaco" | "alphasms" | "nami" | "xpay";

/** How each protocol's provider says "no" about the business: its own documented error, switched on and off. */
const businessError: Record<ProviderId, { on(): void; off(): void }> = {
  kyren: { on: () => sandbox.simulators.kyren.setBusinessFailure(1), off: () => sandbox.simulators.kyren.setBusinessFailure(null) },
  "lucky-monaco": {
    on: () => sandbox.simulators.luckyMonaco.setBusinessFailure(1),
    off: () => sandbox.simulators.luckyMonaco.setBusinessFailure(null),
  },
  alphasms: {
    on: () => sandbox.simulators.alphaSms.setItemError(demoKey("alphasms"), "Balance is temporarily unavailable"),
    off: () => sandbox.simulators.alphaSms.setItemError(demoKey("alphasms"), null),
  },
  nami: {
    on: () => sandbox.simulators.nami.setBusinessError(demoKey("nami"), { code: 1, message: "Broker unavailable" }),
    off: () => sandbox.simulators.nami.setBusinessError(demoKey("nami"), null),
  },
  // XPAY answers "fail" for an instrument it does not hold.
  xpay: {
    on: () => sandbox.simulators.xpay.removeInstrument(XPAY_DEMO_INSTRUMENT),
    off: () =>
      sandbox.simulators.xpay.setInstrument(XPAY_DEMO_INSTRUMENT, { sum: "50000", phone: "380501234567", deviceId: "sandbox-device" }),
  },
};

function simulatorOf(providerId: ProviderId) {
  const { kyren, luckyMonaco, alphaSms, nami, xpay } = sandbox.simulators;
  return { kyren, "lucky-monaco": luckyMonaco, alphasms: alphaSms, nami, xpay }[providerId];
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", providerTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(async () => {
  for (const simulator of Object.values(sandbox.simulators)) await simulator.setFault(null);
  for (const toggle of Object.values(businessError)) toggle.off();
});

/** The simulators' knob for each failure that is not the business's own. */
const FAULT_KNOB: Record<"AUTH_FAILED" | "BAD_RESPONSE" | "TIMEOUT" | "UNREACHABLE", SimulatorFault> = {
  AUTH_FAILED: "auth",
  BAD_RESPONSE: "malformed",
  TIMEOUT: "hang",
  UNREACHABLE: "refuse",
};

const PROVIDERS: ProviderId[] = ["kyren", "lucky-monaco", "alphasms", "nami", "xpay"];
const FAULTS = [
  ["refuses our credentials", "AUTH_FAILED", false],
  ["answers with its business error", "REJECTED", false],
  ["answers with a malformed body", "BAD_RESPONSE", false],
  ["hangs", "TIMEOUT", true],
  ["refuses connections", "UNREACHABLE", true],
] as const;

describe.each(PROVIDERS)("when %s", (providerId) => {
  it.each(FAULTS)("%s, the wallet shows a %s failure for it and every other provider's balances", async (what, code, retryable) => {
    const simulator = simulatorOf(providerId);
    if (code === "REJECTED") businessError[providerId].on();
    else await simulator.setFault(FAULT_KNOB[code]);

    const started = performance.now();
    const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }));
    expect(performance.now() - started, `${what}: answered within the timeout`).toBeLessThan(TIMEOUT_MS + 700);

    expect(wallet!.failures.map((f) => [f.provider.id, f.code, f.retryable])).toEqual([[providerId, code, retryable]]);
    const answered = new Set(wallet!.balances.map((b) => b.provider.id));
    expect(answered.has(providerId)).toBe(false);
    expect([...answered].sort()).toEqual(PROVIDERS.filter((p) => p !== providerId).sort());
  });
});
