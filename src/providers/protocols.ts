// Responsible for the one list of protocols the service speaks: every consumer (providers file, client building, demo, logs, bench) reads it.
import type { ProviderConfig } from "../config/providers-file.js";
import { alphaSms } from "./alphasms/index.js";
import type { DemoLink, ProtocolBenchDemo, ProviderDependencies } from "./kit/descriptor.js";
import { nami } from "./nami/index.js";
import type { BalanceQuery, WalletProvider } from "./provider.js";
import { slotSpec } from "./slot-spec/index.js";
import { xpay } from "./xpay/index.js";

/** In this order the providers file's union tries them and the demo lists its providers. */
export const PROTOCOLS = [slotSpec, alphaSms, nami, xpay] as const;

export type Protocol = (typeof PROTOCOLS)[number];

/** A descriptor's parts that take its own data, for any configuration or bench setup of its protocol. */
export interface ConfiguredProtocol {
  readonly protocol: string;
  createClient(config: ProviderConfig, dependencies: ProviderDependencies): WalletProvider;
  fewestCalls(config: ProviderConfig, asks: readonly BalanceQuery[], links: readonly DemoLink[]): number;
  callsPerWalletRead(config: ProviderConfig): number;
  balancesPerWalletRead(config: ProviderConfig): number;
  readonly demo: { readonly bench: ProtocolBenchDemo<object, unknown> };
}

// A configuration's `protocol` names the descriptor whose schema parsed it, so that descriptor's parts take it as it is.
const BY_NAME: ReadonlyMap<string, ConfiguredProtocol> = new Map(
  PROTOCOLS.map((descriptor): [string, ConfiguredProtocol] => [descriptor.protocol, descriptor as ConfiguredProtocol]),
);

/** The descriptor of the protocol a configuration speaks, or of the protocol of this name. */
export function protocolOf(configOrName: ProviderConfig | string): ConfiguredProtocol {
  const name = typeof configOrName === "string" ? configOrName : configOrName.protocol;
  const descriptor = BY_NAME.get(name);
  if (!descriptor) throw new Error(`no descriptor speaks the protocol "${name}"`);
  return descriptor;
}
