// Responsible for the fewest upstream calls each provider's API allows for a set of balance questions, from its published rules.
import type { ProviderConfig } from "../src/config/providers-file.js";
import type { DemoLink } from "../src/sandbox/demo-providers.js";
import type { BalanceAsk } from "./operations.js";

const distinct = <T>(items: T[]): number => new Set(items.map((item) => JSON.stringify(item))).size;

/**
 * Per provider:
 * - SLOT_SPEC with /user/info: one call per user, for every currency;
 * - SLOT_SPEC with /user/balance only: one call per (user, configured currency asked);
 * - AlphaSMS: one call per API key and 50 items (an account's currency is only known from its answer);
 * - Nami: one call per (account, wallet type), which lists every asset, when a configured asset (or every currency) is asked;
 * - XPAY: one call per linked instrument, when its configured currency (or every currency) is asked.
 */
export function minimumCalls(providers: readonly ProviderConfig[], links: readonly DemoLink[], asks: readonly BalanceAsk[]): Record<string, number> {
  const linked = (providerId: string, walletIds: string[]) =>
    links.filter((link) => link.providerId === providerId && walletIds.includes(link.walletId));
  const minimum: Record<string, number> = {};
  for (const provider of providers) {
    const walletsAsking = (currencies: (currency: string | null) => boolean) =>
      [...new Set(asks.filter((ask) => currencies(ask.currency)).map((ask) => ask.walletId))];
    switch (provider.protocol) {
      case "slot-spec":
        minimum[provider.id] = provider.userInfo
          ? walletsAsking((currency) => currency === null || provider.currencies.includes(currency)).length
          : distinct(
              asks.flatMap((ask) =>
                provider.currencies.filter((currency) => ask.currency === null || ask.currency === currency).map((currency) => [ask.walletId, currency]),
              ),
            );
        break;
      case "alphasms": {
        const keys = new Map<string, number>();
        for (const link of linked(provider.id, walletsAsking(() => true))) {
          const apiKey = provider.accounts.find((account) => account.ref === link.accountRef)!.apiKey;
          keys.set(apiKey, (keys.get(apiKey) ?? 0) + 1);
        }
        minimum[provider.id] = [...keys.values()].reduce((sum, items) => sum + Math.ceil(items / provider.maxItemsPerCall), 0);
        break;
      }
      case "nami":
        minimum[provider.id] =
          distinct(
            linked(provider.id, walletsAsking((currency) => currency === null || Object.values(provider.assets).includes(currency))).map(
              (link) => link.accountRef,
            ),
          ) * provider.walletTypes.length;
        break;
      case "xpay":
        minimum[provider.id] = distinct(
          linked(provider.id, walletsAsking((currency) => currency === null || currency === provider.currency)).map((link) => link.details.instrumentUuid),
        );
        break;
    }
  }
  return minimum;
}
