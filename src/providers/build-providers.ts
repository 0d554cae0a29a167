// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { ProviderDependencies } from "./kit/descriptor.js";
import { protocolOf } from "./protocols.js";
import { ProviderRegistry } from "./registry.js";

export type { ProviderDependencies } from "./kit/descriptor.js";

export function buildProviderRegistry(configs: readonly ProviderConfig[], dependencies: ProviderDependencies): ProviderRegistry {
  return new ProviderRegistry(configs.map((config) => protocolOf(config).createClient(config, dependencies)));
}
