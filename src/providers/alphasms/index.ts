// Responsible for the AlphaSMS protocol as the service sees it: its configuration, its client, its secret fields and its demo account.
import { defineProtocol } from "../kit/descriptor.js";
import { linksOf, walletsAsking } from "../kit/fewest-calls.js";
import { AlphaSmsClient } from "./client.js";
import { ONE_ITEM_PER_ACCOUNT } from "./codes.js";
import { alphaSmsProviderConfig } from "./config.js";
import { alphaSmsDemo } from "./demo.js";

export const alphaSms = defineProtocol(alphaSmsProviderConfig, {
  createClient: (config, dependencies) => new AlphaSmsClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey"],
  // One call per API key and `maxItemsPerCall` items: an account's currency is only known from its answer, so every question asks.
  fewestCalls: (config, asks, links) => {
    const itemsByKey = new Map<string, number>();
    for (const link of linksOf(
      links,
      config.id,
      walletsAsking(asks, () => true),
    )) {
      const apiKey = config.accounts.find((account) => account.ref === link.accountRef)!.apiKey;
      // Without ONE_ITEM_PER_ACCOUNT a key's accounts share its one item.
      itemsByKey.set(apiKey, ONE_ITEM_PER_ACCOUNT ? (itemsByKey.get(apiKey) ?? 0) + 1 : 1);
    }
    return [...itemsByKey.values()].reduce((sum, items) => sum + Math.ceil(items / config.maxItemsPerCall), 0);
  },
  // One call per account, which answers its one balance.
  callsPerWalletRead: () => 1,
  balancesPerWalletRead: () => 1,
  demo: alphaSmsDemo,
});
