// Responsible for a balance's identity: the same provider, account and currency name the same balance in every answer.

/**
 * `provider/account/currency`, each part URI-encoded so no part can run into the next: Nami's
 * `main:spot` and `main:futures` USDT are two ids, as they are two balances.
 */
export function balanceId(providerId: string, account: string, currency: string): string {
  return `${encodeURIComponent(providerId)}/${encodeURIComponent(account)}/${encodeURIComponent(currency)}`;
}
