// Responsible for the SLOT_SPEC demo: two partners holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { DEMO_WALLET, PLACEHOLDER_SECRET, PLACEHOLDER_URL, defineDemo, demoName, demoSecret } from "../kit/descriptor.js";
import type { SlotSpecProviderConfig } from "./config.js";

/** Where a demo partner answers and the credentials it accepts. */
interface SlotSpecDemoEndpoint {
  baseUrl: string;
  partnerId: string;
  token: string;
}

/** The two demo partners: Kyren answers every currency at once, Lucky Monaco takes refunds. */
export interface SlotSpecDemoEndpoints {
  kyren: SlotSpecDemoEndpoint;
  luckyMonaco: SlotSpecDemoEndpoint;
}

/** The wallet the bench's refunds are taken from, at Lucky Monaco. */
export const BENCH_REFUND_WALLET = "bench-refunds";
const BENCH_REFUND_WALLET_USD = "1000000000.00";

/** A bench partner: its credentials, and what each user holds there (currency -> decimal text). */
interface SlotSpecBenchPartner {
  partner: { partnerId: string; token: string };
  wallets: Record<string, Record<string, string>>;
}

interface SlotSpecBenchSetup {
  kyren: SlotSpecBenchPartner;
  luckyMonaco: SlotSpecBenchPartner;
}

export const slotSpecDemo = defineDemo({
  configs: (endpoints: SlotSpecDemoEndpoints, limits): SlotSpecProviderConfig[] => [
    // Kyren, the later brand of the SLOT_SPEC API, offers /user/info: one call answers every currency of a user.
    {
      ...limits,
      protocol: "slot-spec",
      id: "kyren",
      name: "Kyren",
      ...endpoints.kyren,
      currencies: ["USD", "EUR"],
      userInfo: true,
      canRefund: false,
    },
    // Lucky Monaco publishes the refund call.
    {
      ...limits,
      protocol: "slot-spec",
      id: "lucky-monaco",
      name: "Lucky Monaco",
      ...endpoints.luckyMonaco,
      currencies: ["USD", "EUR"],
      userInfo: false,
      canRefund: true,
    },
  ],
  async start() {
    // Loaded only when a demo starts: a configured service never runs a simulator.
    const { SlotSpecSimulator } = await import("./simulator.js");
    const kyrenPartner = { partnerId: demoName("sandbox", 3), token: demoSecret() };
    const luckyMonacoPartner = { partnerId: demoName("sandbox", 3), token: demoSecret() };
    const [kyren, luckyMonaco] = await Promise.all([
      SlotSpecSimulator.start({ partners: [kyrenPartner], wallets: { [DEMO_WALLET]: { USD: "100.0" } } }),
      SlotSpecSimulator.start({ partners: [luckyMonacoPartner], wallets: { [DEMO_WALLET]: { USD: "300.0" } } }),
    ]);
    return {
      endpoints: {
        kyren: { baseUrl: kyren.url, ...kyrenPartner },
        luckyMonaco: { baseUrl: luckyMonaco.url, ...luckyMonacoPartner },
      },
      simulators: { kyren, luckyMonaco },
      links: [],
    };
  },
  placeholderEndpoints: {
    kyren: { baseUrl: PLACEHOLDER_URL, partnerId: "kyren", token: PLACEHOLDER_SECRET },
    luckyMonaco: { baseUrl: PLACEHOLDER_URL, partnerId: "lucky-monaco", token: PLACEHOLDER_SECRET },
  },
  bench: {
    async setup(walletIds): Promise<SlotSpecBenchSetup> {
      const cents = (index: number) => String(index).padStart(2, "0");
      return {
        kyren: {
          partner: { partnerId: "bench-kyren", token: demoSecret() },
          wallets: Object.fromEntries(walletIds.map((id, index) => [id, { USD: `1${index}.${cents(index)}`, EUR: `0.0${index % 10}` }])),
        },
        luckyMonaco: {
          partner: { partnerId: "bench-lucky-monaco", token: demoSecret() },
          wallets: {
            ...Object.fromEntries(walletIds.map((id, index) => [id, { USD: `30${index}.5`, EUR: "12.00" }])),
            // Enough money for every refund of a run.
            [BENCH_REFUND_WALLET]: { USD: BENCH_REFUND_WALLET_USD },
          },
        },
      };
    },
    simulators: ["kyren", "luckyMonaco"],
    async startSimulator(name, setup) {
      const { SlotSpecSimulator } = await import("./simulator.js");
      const partner = name === "kyren" ? setup.kyren : setup.luckyMonaco;
      return SlotSpecSimulator.start({ partners: [partner.partner], wallets: partner.wallets });
    },
    endpoints: (setup, ready) => ({
      kyren: { baseUrl: ready.kyren!.url, ...setup.kyren.partner },
      luckyMonaco: { baseUrl: ready.luckyMonaco!.url, ...setup.luckyMonaco.partner },
    }),
    links: () => [],
  },
});
