// Responsible for the Nami Exchange demo: one account holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { randomUUID } from "node:crypto";
import { DEMO_WALLET, PLACEHOLDER_SECRET, PLACEHOLDER_URL, defineDemo, demoName, demoSecret } from "../kit/descriptor.js";
import { DEFAULT_NAMI_ASSETS } from "./codes.js";
import type { NamiProviderConfig } from "./config.js";

/** Where the demo exchange answers and the API keys it accepts, by account ref. */
export interface NamiDemoEndpoints {
  nami: { baseUrl: string; accounts: { ref: string; apiKey: string; apiSecret: string }[] };
}

/** A bench wallet's exchange account: its credentials and what its spot and futures wallets hold. */
interface NamiBenchAccount {
  ref: string;
  apiKey: string;
  apiSecret: string;
  spot: Record<string, { value: string; locked: string } | string>;
  futures: Record<string, string>;
}

export const namiDemo = defineDemo({
  configs: (endpoints: NamiDemoEndpoints, limits): NamiProviderConfig[] => [
    // Both wallet types, and the asset ids of the provider's pages.
    {
      ...limits,
      protocol: "nami",
      id: "nami",
      name: "Nami Exchange",
      ...endpoints.nami,
      walletTypes: ["spot", "futures"],
      assets: { ...DEFAULT_NAMI_ASSETS },
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
  placeholderEndpoints: {
    nami: { baseUrl: PLACEHOLDER_URL, accounts: [{ ref: "main", apiKey: PLACEHOLDER_SECRET, apiSecret: PLACEHOLDER_SECRET }] },
  },
  bench: {
    // One API account per wallet, its ref the wallet's id.
    setup: async (walletIds): Promise<NamiBenchAccount[]> =>
      walletIds.map((id, index) => ({
        ref: id,
        apiKey: `nami-${index}-${randomUUID().slice(0, 8)}`,
        apiSecret: randomUUID(),
        spot: { "22": { value: `1234.5678901${index % 10}`, locked: "234.5" }, "9": "0.00012345" },
        futures: { "22": `5${index}` },
      })),
    simulators: ["nami"],
    async startSimulator(_name, accounts) {
      const { NamiSimulator } = await import("./simulator.js");
      return NamiSimulator.start({ accounts });
    },
    endpoints: (accounts, ready) => ({
      nami: { baseUrl: ready.nami!.url, accounts: accounts.map(({ ref, apiKey, apiSecret }) => ({ ref, apiKey, apiSecret })) },
    }),
    links: (accounts) => accounts.map(({ ref }) => ({ walletId: ref, providerId: "nami", accountRef: ref, details: {} })),
  },
});
