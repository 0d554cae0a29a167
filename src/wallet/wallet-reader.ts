// Responsible for reading one wallet across every provider: its balances, the providers that failed, and totals.
import type { ReadableWallet } from "../auth/wallet-access.js";
import { ScaledDecimal } from "../money/decimal.js";
import type { ProviderFailure } from "../providers/failure.js";
import type { AccountBalance } from "../providers/provider.js";
import type { ProviderRegistry } from "../providers/registry.js";
import type { BalanceLoader } from "./balance-loader.js";

export interface WalletView {
  balances: AccountBalance[];
  failures: ProviderFailure[];
}

/**
 * Lives for one request, beside its loader. `balances`, `failures` and `total` of one wallet in one
 * currency share one view: each provider is asked once through the loader, and the view is put
 * together once, however many fields and aliases read it.
 */
export class WalletReader {
  private readonly views = new Map<string, Promise<WalletView>>();
  private missing = false;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly loader: BalanceLoader,
  ) {}

  /** Only a wallet the caller may read: the request's access made `wallet`. */
  read(wallet: ReadableWallet, currency: string | null): Promise<WalletView> {
    const walletId = wallet.id;
    const key = currency === null ? walletId : `${walletId}\u0000${currency}`;
    let view = this.views.get(key);
    if (!view) {
      view = readWallet(this.registry, this.loader, walletId, currency).then((read) => {
        if (read.failures.length > 0) this.missing = true;
        return read;
      });
      this.views.set(key, view);
    }
    return view;
  }

  /** Whether a wallet read in this request lacks a provider's balances (a partial answer). */
  get incomplete(): boolean {
    return this.missing;
  }
}

/**
 * Asks every provider through the request's loader. The loads are issued synchronously, before
 * any await, so that every wallet of an operation lands in the same DataLoader batch.
 */
function readWallet(registry: ProviderRegistry, loader: BalanceLoader, walletId: string, currency: string | null): Promise<WalletView> {
  const pending = registry.all.map((provider) => loader.load({ providerId: provider.info.id, walletId, currency }));
  return Promise.all(pending).then((results) => ({
    // A provider that answers every currency at once may return more than was asked.
    balances: results.flatMap((result) =>
      currency === null ? result.balances : result.balances.filter((balance) => balance.currency === currency),
    ),
    failures: results.flatMap((result) => result.failures),
  }));
}

/** The sum of one currency's amounts, with the largest scale among them; no conversion between currencies. */
export function totalOf(balances: readonly AccountBalance[], currency: string): ScaledDecimal {
  return balances
    .filter((balance) => balance.currency === currency)
    .reduce((sum, balance) => sum.plus(balance.amount), ScaledDecimal.zero());
}
