// Responsible for turning each configured provider into the client of its protocol, with the scale-out layer (rate limit, coalescing, balance cache) around it.
import type { ProviderConfig } from "../config/providers-file.js";
import { ScaleOut } from "../scale-out/scale-out.js";
import type { ProviderDependencies } from "./kit/descriptor.js";
import { protocolOf } from "./protocols.js";
import { ProviderRegistry } from "./registry.js";

export type { ProviderDependencies } from "./kit/descriptor.js";

/** `scaleOut`: shared through Redis, or this process's own (the default). */
export function buildProviderRegistry(
  configs: readonly ProviderConfig[],
  dependencies: ProviderDependencies,
  scaleOut: ScaleOut = new ScaleOut(),
): ProviderRegistry {
  return new ProviderRegistry(
    configs.map((config) => scaleOut.wrap(protocolOf(config).createClient(scaleOut.admitted(config), dependencies), config)),
  );
}
