// Every digit survives: random amounts set at each provider's simulator come back through `balances` exactly,
// whether the provider writes them as decimal strings, JSON numbers or integer kopecks.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XPAY_DEMO_INSTRUMENT } from "../../src/sandbox/demo-providers.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { WalletOverviewDocument } from "../generated/graphql.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";

const RUNS = 40;
let sandbox: Sandbox;

/** A positive decimal in plain notation: up to 18 integer digits and up to 8 decimals, as JSON would write it. */
const amountText = fc
  .tuple(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.string({ unit: fc.constantFrom(..."0123456789"), maxLength: 8 }))
  .map(([integer, decimals]) => (decimals ? `${integer}.${decimals}` : `${integer}`))
  .filter((text) => /[1-9]/.test(text));

async function balanceOf(providerId: string, currency: string, account?: string): Promise<string | undefined> {
  const { wallet } = dataOf(await sandboxPost(sandbox, WalletOverviewDocument, { id: "tester", currency, totalCurrency: currency }));
  expect(wallet!.failures).toEqual([]);
  return wallet!.balances.find((b) => b.provider.id === providerId && (account === undefined || b.account === account))?.amount;
}

function demoKey(providerId: "alphasms" | "nami"): string {
  const provider = sandbox.providers.find((p) => p.id === providerId);
  if (provider?.protocol !== "alphasms" && provider?.protocol !== "nami") throw new Error(`no ${providerId} in the sandbox`);
  return provider.accounts[0]!.apiKey;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:" });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe("amounts keep every digit from the provider to the schema", () => {
  it("SLOT_SPEC decimal strings (Lucky Monaco)", async () => {
    await fc.assert(
      fc.asyncProperty(amountText, async (amount) => {
        sandbox.simulators.luckyMonaco.setWallet("tester", "EUR", amount);
        expect(await balanceOf("lucky-monaco", "EUR")).toBe(amount);
      }),
      { numRuns: RUNS },
    );
  });

  it.each(["number", "string"] as const)("AlphaSMS amounts written as JSON %ss", async (amountAs) => {
    await fc.assert(
      fc.asyncProperty(amountText, async (amount) => {
        sandbox.simulators.alphaSms.setBalance(demoKey("alphasms"), amount, { currency: "UAH", amountAs });
        expect(await balanceOf("alphasms", "UAH")).toBe(amount);
      }),
      { numRuns: RUNS },
    );
  });

  it.each([false, true])("Nami values and locked parts as JSON numbers (as strings: %s)", async (asStrings) => {
    sandbox.simulators.nami.setAmountsAsStrings(asStrings);
    try {
      await fc.assert(
        fc.asyncProperty(amountText, async (amount) => {
          sandbox.simulators.nami.setBalance(demoKey("nami"), "spot", "9", amount, "0");
          expect(await balanceOf("nami", "BTC", "main:spot")).toBe(amount);
        }),
        { numRuns: RUNS },
      );
    } finally {
      sandbox.simulators.nami.setAmountsAsStrings(false);
    }
  });

  it.each(["number", "string"] as const)("XPAY kopecks as JSON %ss become two-decimal hryvnias", async (sumAs) => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }), async (kopecks) => {
        sandbox.simulators.xpay.setInstrument(XPAY_DEMO_INSTRUMENT, {
          sum: kopecks.toString(),
          sumAs,
          phone: "380501234567",
          deviceId: "sandbox-device",
        });
        const hryvnias = `${kopecks / 100n}.${(kopecks % 100n).toString().padStart(2, "0")}`;
        expect(await balanceOf("xpay", "UAH")).toBe(hryvnias);
      }),
      { numRuns: RUNS },
    );
  });
});
