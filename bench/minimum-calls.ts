// Responsible for the fewest upstream calls each provider's API allows for a set of balance questions, from its protocol's published rules.
import type { ProviderConfig } from "../src/config/providers-file.js";
import { protocolOf } from "../src/providers/protocols.js";
import type { DemoLink } from "../src/sandbox/demo-providers.js";
import type { BalanceAsk } from "./operations.js";

/** Per provider id: the fewest calls its protocol's rules allow (each protocol's `fewestCalls` says how it counts). */
export function minimumCalls(
  providers: readonly ProviderConfig[],
  links: readonly DemoLink[],
  asks: readonly BalanceAsk[],
): Record<string, number> {
  return Object.fromEntries(providers.map((provider) => [provider.id, protocolOf(provider).fewestCalls(provider, asks, links)]));
}
