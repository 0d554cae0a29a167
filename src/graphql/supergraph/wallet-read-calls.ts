// Responsible for what reading one wallet costs at the providers (calls) and can answer (balances), from their configuration.
import type { ProviderConfig } from "../../config/providers-file.js";

/**
 * Calls one provider makes to read every currency of one wallet with one account there: a SLOT_SPEC
 * partner answers all currencies at once with /user/info, else one call per configured currency;
 * Nami one call per wallet type (spot, futures); AlphaSMS and XPAY one call per account.
 */
export function callsPerWalletRead(provider: ProviderConfig): number {
  switch (provider.protocol) {
    case "slot-spec":
      return provider.userInfo ? 1 : provider.currencies.length;
    case "nami":
      return provider.walletTypes.length;
    case "alphasms":
    case "xpay":
      return 1;
  }
}

/** Every configured provider's calls for one wallet: the price of reading a wallet's money. */
export function walletReadCalls(providers: readonly ProviderConfig[]): number {
  return providers.reduce((sum, provider) => sum + callsPerWalletRead(provider), 0);
}

/**
 * Balances one provider can answer for one wallet with one account there: one per configured
 * currency (SLOT_SPEC), per wallet type and named asset (Nami), one for AlphaSMS and XPAY.
 */
export function balancesPerWalletRead(provider: ProviderConfig): number {
  switch (provider.protocol) {
    case "slot-spec":
      return provider.currencies.length;
    case "nami":
      return provider.walletTypes.length * Object.keys(provider.assets).length;
    case "alphasms":
    case "xpay":
      return 1;
  }
}

/** Every configured provider's balances for one wallet: the assumed length of `balances`. */
export function walletBalanceCount(providers: readonly ProviderConfig[]): number {
  return providers.reduce((sum, provider) => sum + balancesPerWalletRead(provider), 0);
}
