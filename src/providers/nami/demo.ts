// Responsible for the Nami Exchange demo: one account holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { DEMO_WALLET, defineDemo, demoName, demoSecret } from "../kit/descriptor.js";
import { DEFAULT_NAMI_ASSETS } from "./codes.js";
import type { NamiProviderConfig } from "./config.js";

/** Where the demo exchange answers and the API keys it accepts, by account ref. */
export interface NamiDemoEndpoints {
  nami: { baseUrl: string; accounts: { ref: string; apiKey: string; apiSecret: string }[] };
}

export const namiDemo = defineDemo({
  configs: (endpoints: NamiDemoEndpoints, limits): NamiProviderConfig[] => [
    // Both wallet types, and the asset ids of the provider's pages.
    { ...limits, protocol: "nami", id: "nami", name: "Nami Exchange", ...endpoints.nami, walletTypes: ["spot", "futures"], assets: { ...DEFAULT_NAMI_ASSETS } },
  ],
  async start() {
    // Loaded only when a demo starts: a configured service never runs a simulator.
    const { NamiSimulator } = await import("./simulator.js");
    const account = { apiKey: demoName("sandbox", 8), apiSecret: demoSecret() };
    const nami = await NamiSimulator.start({
      accounts: [
        {
          ...account,
          spot: { "22": { value: "1234.56789012", locked: "234.5" }, "9": "0.00012345" },
          futures: { "22": "50" },
        },
      ],
    });
    return {
      endpoints: { nami: { baseUrl: nami.url, accounts: [{ ref: "main", ...account }] } },
      simulators: { nami },
      links: [{ walletId: DEMO_WALLET, providerId: "nami", accountRef: "main", details: {} }],
    };
  },
});
