// Responsible for the SLOT_SPEC protocol as the service sees it: its configuration, its client, its secret fields and its demo partners (Kyren, Lucky Monaco).
import { defineProtocol } from "../kit/descriptor.js";
import { distinctCount, walletsAsking } from "../kit/fewest-calls.js";
import { SlotSpecClient } from "./client.js";
import { slotSpecProviderConfig } from "./config.js";
import { slotSpecDemo } from "./demo.js";

export const slotSpec = defineProtocol(slotSpecProviderConfig, {
  createClient: (config, dependencies) => new SlotSpecClient(config, dependencies.observer),
  secretFields: ["token"],
  // With /user/info one call per user, for every currency; else one per (user, configured currency asked).
  fewestCalls: (config, asks) =>
    config.userInfo
      ? walletsAsking(asks, (currency) => currency === null || config.currencies.includes(currency)).length
      : distinctCount(
          asks.flatMap((ask) =>
            config.currencies
              .filter((currency) => ask.currency === null || ask.currency === currency)
              .map((currency) => [ask.walletId, currency]),
          ),
        ),
  // /user/info answers every currency of a user at once, else one call per configured currency.
  callsPerWalletRead: (config) => (config.userInfo ? 1 : config.currencies.length),
  // One balance per configured currency.
  balancesPerWalletRead: (config) => config.currencies.length,
  demo: slotSpecDemo,
});
