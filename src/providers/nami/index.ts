// Responsible for the Nami Exchange protocol as the service sees it: its configuration, its client, its secret fields and its demo account.
import { defineProtocol } from "../kit/descriptor.js";
import { distinctCount, linksOf, walletsAsking } from "../kit/fewest-calls.js";
import { NamiClient } from "./client.js";
import { namiProviderConfig } from "./config.js";
import { namiDemo } from "./demo.js";

export const nami = defineProtocol(namiProviderConfig, {
  createClient: (config, dependencies) => new NamiClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey", "apiSecret"],
  // One call per (account, wallet type), which lists every asset, when a configured asset (or every currency) is asked.
  fewestCalls: (config, asks, links) => {
    const asking = walletsAsking(asks, (currency) => currency === null || Object.values(config.assets).includes(currency));
    return distinctCount(linksOf(links, config.id, asking).map((link) => link.accountRef)) * config.walletTypes.length;
  },
  // One call per wallet type (spot, futures), which lists every asset.
  callsPerWalletRead: (config) => config.walletTypes.length,
  // One balance per wallet type and named asset.
  balancesPerWalletRead: (config) => config.walletTypes.length * Object.keys(config.assets).length,
  demo: namiDemo,
});
