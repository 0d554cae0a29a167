// Responsible for the AlphaSMS demo: one account holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { randomUUID } from "node:crypto";
import { DEMO_WALLET, PLACEHOLDER_SECRET, PLACEHOLDER_URL, defineDemo, demoSecret } from "../kit/descriptor.js";
import type { AlphaSmsProviderConfig } from "./config.js";

/** Where the demo AlphaSMS answers and the API keys it accepts, by account ref. */
export interface AlphaSmsDemoEndpoints {
  alphaSms: { baseUrl: string; accounts: { ref: string; apiKey: string }[] };
}

/** A bench wallet's account: its API key and what it holds. */
interface AlphaSmsBenchAccount {
  ref: string;
  apiKey: string;
  amount: string;
  currency: string;
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
  placeholderEndpoints: { alphaSms: { baseUrl: PLACEHOLDER_URL, accounts: [{ ref: "main", apiKey: PLACEHOLDER_SECRET }] } },
  bench: {
    // One account (API key) per wallet, its ref the wallet's id.
    setup: async (walletIds): Promise<AlphaSmsBenchAccount[]> =>
      walletIds.map((id, index) => ({ ref: id, apiKey: `alpha-${randomUUID()}`, amount: `31.${1683 + index}`, currency: "UAH" })),
    simulators: ["alphaSms"],
    async startSimulator(_name, accounts) {
      const { AlphaSmsSimulator } = await import("./simulator.js");
      return AlphaSmsSimulator.start({ accounts });
    },
    endpoints: (accounts, ready) => ({
      alphaSms: { baseUrl: ready.alphaSms!.url, accounts: accounts.map(({ ref, apiKey }) => ({ ref, apiKey })) },
    }),
    links: (accounts) => accounts.map(({ ref }) => ({ walletId: ref, providerId: "alphasms", accountRef: ref, details: {} })),
  },
});
