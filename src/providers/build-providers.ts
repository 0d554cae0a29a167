// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { UpstreamObserver } from "../observability/upstream-events.js";
import { ScaleOut } from "../scale-out/scale-out.js";
import type { AccountDirectory, WalletProvider } from "./provider.js";
import { ProviderRegistry } from "./registry.js";
import { AlphaSmsClient } from "./alphasms/client.js";
import { NamiClient } from "./nami/client.js";
import { SlotSpecClient } from "./slot-spec/client.js";
import { XpayClient } from "./xpay/client.js";

/** What clients borrow from the process besides their own configuration. */
export interface ProviderDependencies {
  accounts: AccountDirectory;
  /** Told of every upstream attempt and circuit change (metrics, traces); none by default. */
  observer?: UpstreamObserver;
  /** Rate limits, coalescing and the balance cache, shared through Redis or this process's own; a local one by default. */
  scaleOut?: ScaleOut;
}

function buildProvider(config: ProviderConfig, dependencies: ProviderDependencies): WalletProvider {
  switch (config.protocol) {
    case "slot-spec":
      return new SlotSpecClient(config, dependencies.observer);
    case "alphasms":
      return new AlphaSmsClient(config, dependencies.accounts, dependencies.observer);
    case "nami":
      return new NamiClient(config, dependencies.accounts, dependencies.observer);
    case "xpay":
      return new XpayClient(config, dependencies.accounts, dependencies.observer);
  }
}

export function buildProviderRegistry(configs: readonly ProviderConfig[], dependencies: ProviderDependencies): ProviderRegistry {
  const scaleOut = dependencies.scaleOut ?? new ScaleOut();
  return new ProviderRegistry(configs.map((config) => scaleOut.wrap(buildProvider(scaleOut.admitted(config), dependencies), config)));
}
