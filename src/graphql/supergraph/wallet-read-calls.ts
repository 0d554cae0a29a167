// Responsible for what reading one wallet costs at the providers (calls) and can answer (balances), from their configuration.
import type { ProviderConfig } from "../../config/providers-file.js";
import { protocolOf } from "../../providers/protocols.js";

/** Calls one provider makes to read every currency of one wallet with one account there, by its protocol's rule. */
export function callsPerWalletRead(provider: ProviderConfig): number {
  return protocolOf(provider).callsPerWalletRead(provider);
}

/** Every configured provider's calls for one wallet: the price of reading a wallet's money. */
export function walletReadCalls(providers: readonly ProviderConfig[]): number {
  return providers.reduce((sum, provider) => sum + callsPerWalletRead(provider), 0);
}

/** Balances one provider can answer for one wallet with one account there, by its protocol's rule. */
export function balancesPerWalletRead(provider: ProviderConfig): number {
  return protocolOf(provider).balancesPerWalletRead(provider);
}

/** Every configured provider's balances for one wallet: the assumed length of `balances`. */
export function walletBalanceCount(providers: readonly ProviderConfig[]): number {
  return providers.reduce((sum, provider) => sum + balancesPerWalletRead(provider), 0);
}
