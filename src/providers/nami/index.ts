// Responsible for the Nami Exchange protocol as the service sees it: its configuration, its client, its secrets and its demo account.
import { DEMO_WALLET, defineProtocol, demoName, demoSecret } from "../kit/descriptor.js";
import { NamiClient } from "./client.js";
import { namiProviderConfig, type NamiProviderConfig } from "./config.js";

/** Where the demo exchange answers and the API keys it accepts, by account ref. */
export interface NamiDemoEndpoints {
  nami: { baseUrl: string; accounts: { ref: string; apiKey: string; apiSecret: string }[] };
}

export const nami = defineProtocol({
  protocol: "nami",
  configSchema: namiProviderConfig,
  createClient: (config, dependencies) => new NamiClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey", "apiSecret"],
  demo: {
    configs: (endpoints: NamiDemoEndpoints, limits): NamiProviderConfig[] => [
      {
        ...limits,
        protocol: "nami",
        id: "nami",
        name: "Nami Exchange",
        ...endpoints.nami,
        walletTypes: ["spot", "futures"],
        assets: { "1": "NAMI", "9": "BTC", "10": "ETH", "22": "USDT", "39": "VNST", "72": "VNDC" },
      },
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
  },
});
