// Responsible for the counting every protocol's fewest-calls rule shares: which wallets ask, which links they have, how many distinct things are read.
import type { BalanceQuery } from "../provider.js";
import type { DemoLink } from "./descriptor.js";

/** How many distinct values `items` holds (compared as JSON, so tuples count by content). */
export function distinctCount(items: readonly unknown[]): number {
  return new Set(items.map((item) => JSON.stringify(item))).size;
}

/** The wallets with a question about a currency `holds` accepts (`null`: every currency). */
export function walletsAsking(asks: readonly BalanceQuery[], holds: (currency: string | null) => boolean): string[] {
  return [...new Set(asks.filter((ask) => holds(ask.currency)).map((ask) => ask.walletId))];
}

/** The links of these wallets at this provider. */
export function linksOf(links: readonly DemoLink[], providerId: string, walletIds: readonly string[]): DemoLink[] {
  return links.filter((link) => link.providerId === providerId && walletIds.includes(link.walletId));
}
