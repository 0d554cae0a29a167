// Responsible for what the router-facing directives depend on: the scope names and the providers' call counts.
import { DEFAULT_SCOPES, type ScopeNames } from "../../auth/caller.js";
import type { ProviderConfig } from "../../config/providers-file.js";
import { walletBalanceCount, walletReadCalls } from "./wallet-read-calls.js";

export interface SupergraphSettings {
  /** Scope names, as the subgraph itself checks them. */
  scopes: ScopeNames;
  /** Provider calls one wallet read makes (the @cost of a Wallet). */
  walletReadCalls: number;
  /** Balances one wallet can hold with one account per provider (the @listSize of balances). */
  walletBalances: number;
  /** Configured providers (the @listSize of providers and failures). */
  providerCount: number;
}

export function supergraphSettings(providers: readonly ProviderConfig[], scopes: ScopeNames = DEFAULT_SCOPES): SupergraphSettings {
  return {
    scopes,
    walletReadCalls: walletReadCalls(providers),
    walletBalances: walletBalanceCount(providers),
    providerCount: providers.length,
  };
}
