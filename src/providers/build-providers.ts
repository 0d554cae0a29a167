// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { AccountDirectory, WalletProvider } from "./provider.js";
import { ProviderRegistry } from "./registry.js";
import { AlphaSmsClient } from "./alphasms/client.js";
import { NamiClient } from "./nami/client.js";
import { SlotSpecClient } from "./slot-spec/client.js";
import { XpayClient } from "./xpay/client.js";

/** What clients borrow from the process besides their own configuration. */
export interface ProviderDependencies {
  accounts: AccountDirectory;
}

function buildProvider(config: ProviderConfig, dependencies: ProviderDependencies): WalletProvider {
  switch (config.protocol) {
    case "slot-spec":
      return new SlotSpecClient(config);
    case "alphasms":
      return new AlphaSmsClient(config, dependencies.accounts);
    case "nami":
      return new NamiClient(config, dependencies.accounts);
    case "xpay":
      return new XpayClient(config, dependencies.accounts);
  }
}

export function buildProviderRegistry(configs: readonly ProviderConfig[], dependencies: ProviderDependencies): ProviderRegistry {
  return new ProviderRegistry(configs.map((config) => buildProvider(config, dependencies)));
}
