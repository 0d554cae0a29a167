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
            config.currencies.filter((currency) => ask.currency === null || ask.currency === currency).map((currency) => [ask.walletId, currency]),
          ),
        ),
  demo: slotSpecDemo,
});
