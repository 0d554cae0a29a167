// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { AccountDirectory, WalletProvider } from "./provider.js";
import { ProviderRegistry } from "./registry.js";
import { SlotSpecClient } from "./slot-spec/client.js";

/** What clients borrow from the process besides their own configuration. */
export interface ProviderDependencies {
  accounts: AccountDirectory;
}

function buildProvider(config: ProviderConfig, _dependencies: ProviderDependencies): WalletProvider {
  switch (config.protocol) {
    case "slot-spec":
      return new SlotSpecClient(config);
  }
}

export function buildProviderRegistry(configs: readonly ProviderConfig[], dependencies: ProviderDependencies): ProviderRegistry {
  return new ProviderRegistry(configs.map((config) => buildProvider(config, dependencies)));
}
