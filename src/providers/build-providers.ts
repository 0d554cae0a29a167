// Responsible for turning each configured provider into the client of its protocol.
import type { ProviderConfig } from "../config/providers-file.js";
import type { ProviderDependencies } from "./kit/descriptor.js";
import type { WalletProvider } from "./provider.js";
import { PROTOCOLS } from "./protocols.js";
import { ProviderRegistry } from "./registry.js";

export type { ProviderDependencies } from "./kit/descriptor.js";

/** Builds a client from the configuration its own protocol's schema produced. */
type ClientMaker = (config: ProviderConfig, dependencies: ProviderDependencies) => WalletProvider;

// A configuration's `protocol` names the descriptor whose schema parsed it, so its own createClient takes it as it is.
const CLIENT_MAKERS: ReadonlyMap<string, ClientMaker> = new Map(
  PROTOCOLS.map((descriptor) => [descriptor.protocol, descriptor.createClient as ClientMaker]),
);

function buildProvider(config: ProviderConfig, dependencies: ProviderDependencies): WalletProvider {
  const createClient = CLIENT_MAKERS.get(config.protocol);
  if (!createClient) throw new Error(`no client speaks the protocol "${config.protocol}"`);
  return createClient(config, dependencies);
}

export function buildProviderRegistry(configs: readonly ProviderConfig[], dependencies: ProviderDependencies): ProviderRegistry {
  return new ProviderRegistry(configs.map((config) => buildProvider(config, dependencies)));
}
