// Responsible for the AlphaSMS demo: one account holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { DEMO_WALLET, defineDemo, demoSecret } from "../kit/descriptor.js";
import type { AlphaSmsProviderConfig } from "./config.js";

/** Where the demo AlphaSMS answers and the API keys it accepts, by account ref. */
export interface AlphaSmsDemoEndpoints {
  alphaSms: { baseUrl: string; accounts: { ref: string; apiKey: string }[] };
}

export const alphaSmsDemo = defineDemo({
  configs: (endpoints: AlphaSmsDemoEndpoints, limits): AlphaSmsProviderConfig[] => [
    { ...limits, protocol: "alphasms", id: "alphasms", name: "AlphaSMS", ...endpoints.alphaSms, maxItemsPerCall: 50 },
  ],
  async start() {
    // Loaded only when a demo starts: a configured service never runs a simulator.
    const { AlphaSmsSimulator } = await import("./simulator.js");
    const apiKey = demoSecret();
    const alphaSms = await AlphaSmsSimulator.start({ accounts: [{ apiKey, amount: "31.1683", currency: "UAH" }] });
    return {
      endpoints: { alphaSms: { baseUrl: alphaSms.url, accounts: [{ ref: "main", apiKey }] } },
      simulators: { alphaSms },
      links: [{ walletId: DEMO_WALLET, providerId: "alphasms", accountRef: "main", details: {} }],
    };
  },
});
