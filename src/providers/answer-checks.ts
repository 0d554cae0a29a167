// Responsible for distrusting every provider's answer the same way: a negative, absurd or inconsistent balance is a failure, not money.
import { Decimal } from "../money/decimal.js";
import { FailureCode, ProviderError, toProviderFailure } from "./failure.js";
import type { AccountBalance, BalanceQuery, BalanceResult } from "./provider.js";

/** No account holds 10^18 of anything: beyond that an answer is broken, whatever its protocol says. */
export const MAX_PLAUSIBLE_AMOUNT = new Decimal("1e18");

function problemWith(balance: AccountBalance): string | null {
  const parts = [balance.amount, balance.available, balance.locked];
  if (parts.some((part) => part.isNegative())) return "a negative amount";
  if (parts.some((part) => part.value.greaterThanOrEqualTo(MAX_PLAUSIBLE_AMOUNT))) return "an implausibly large amount";
  if (!balance.available.value.plus(balance.locked.value).equals(balance.amount.value)) return "available + locked != amount";
  if (!/^[A-Z0-9]{3,5}$/.test(balance.currency)) return "a malformed currency code";
  return null;
}

/** Keeps the sound balances of a result; each unsound one becomes a BAD_RESPONSE failure of that provider. */
export function distrust(providerId: string, query: BalanceQuery, result: BalanceResult): BalanceResult {
  const sound: AccountBalance[] = [];
  const failures = [...result.failures];
  for (const balance of result.balances) {
    const problem = balance.providerId === providerId ? problemWith(balance) : "a balance of another provider";
    if (problem === null) sound.push(balance);
    else {
      failures.push(
        toProviderFailure(providerId, query.currency, new ProviderError(FailureCode.BAD_RESPONSE, `the provider answered ${problem}`)),
      );
    }
  }
  return failures.length === result.failures.length ? result : { balances: sound, failures };
}
