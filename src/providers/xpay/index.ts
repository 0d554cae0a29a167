// Responsible for the XPAY protocol as the service sees it: its configuration, its client, its secret fields and its demo instrument.
import { defineProtocol } from "../kit/descriptor.js";
import { distinctCount, linksOf, walletsAsking } from "../kit/fewest-calls.js";
import { XpayClient } from "./client.js";
import { xpayProviderConfig } from "./config.js";
import { xpayDemo } from "./demo.js";

export const xpay = defineProtocol(xpayProviderConfig, {
  createClient: (config, dependencies) => new XpayClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["partnerToken", "partnerPrivateKey"],
  // One call per linked instrument, when its configured currency (or every currency) is asked.
  fewestCalls: (config, asks, links) => {
    const asking = walletsAsking(asks, (currency) => currency === null || currency === config.currency);
    return distinctCount(linksOf(links, config.id, asking).map((link) => link.details.instrumentUuid));
  },
  // One call per instrument, which answers its one balance.
  callsPerWalletRead: () => 1,
  balancesPerWalletRead: () => 1,
  demo: xpayDemo,
});
