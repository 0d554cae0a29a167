// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { WalletProvider } from "./provider.js";
import { ProviderRegistry } from "./registry.js";
import { SlotSpecClient } from "./slot-spec/client.js";

function buildProvider(config: ProviderConfig): WalletProvider {
  switch (config.protocol) {
    case "slot-spec":
      return new SlotSpecClient(config);
  }
}

export function buildProviderRegistry(configs: readonly ProviderConfig[]): ProviderRegistry {
  return new ProviderRegistry(configs.map(buildProvider));
}
