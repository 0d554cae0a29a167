// Responsible for the AlphaSMS protocol as the service sees it: its configuration, its client, its secrets and its demo account.
import { DEMO_WALLET, defineProtocol, demoSecret } from "../kit/descriptor.js";
import { AlphaSmsClient } from "./client.js";
import { alphaSmsProviderConfig, type AlphaSmsProviderConfig } from "./config.js";

/** Where the demo AlphaSMS answers and the API keys it accepts, by account ref. */
export interface AlphaSmsDemoEndpoints {
  alphaSms: { baseUrl: string; accounts: { ref: string; apiKey: string }[] };
}

export const alphaSms = defineProtocol({
  protocol: "alphasms",
  configSchema: alphaSmsProviderConfig,
  createClient: (config, dependencies) => new AlphaSmsClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey"],
  demo: {
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
  },
});
