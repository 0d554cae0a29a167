// Responsible for distrusting every provider's answer the same way: an unbounded, negative, absurd or inconsistent amount is a failure, not money.
import { isBoundedAmount } from "../money/amount-bounds.js";
import { Decimal, type ScaledDecimal } from "../money/decimal.js";
import { FailureCode, ProviderError, toProviderFailure } from "./failure.js";
import { MAX_ANSWER_ITEMS } from "./answer-size.js";
import type { AccountBalance, BalanceQuery, BalanceResult } from "./provider.js";

/** No account holds 10^18 of anything: beyond that an answer is broken, whatever its protocol says. */
const MAX_PLAUSIBLE_AMOUNT = new Decimal("1e18");

/** What is wrong with one amount a provider answered, or null when it may be shown as money. */
export function amountProblem(amount: ScaledDecimal): string | null {
  if (!isBoundedAmount(amount)) return "an amount beyond the bounds of money";
  if (amount.isNegative()) return "a negative amount";
  if (amount.value.greaterThanOrEqualTo(MAX_PLAUSIBLE_AMOUNT)) return "an implausibly large amount";
  return null;
}

function problemWith(balance: AccountBalance): string | null {
  for (const part of [balance.amount, balance.available, balance.locked]) {
    const problem = amountProblem(part);
    if (problem !== null) return problem;
  }
  if (!balance.available.value.plus(balance.locked.value).equals(balance.amount.value)) return "available + locked != amount";
  if (!/^[A-Z0-9]{3,5}$/.test(balance.currency)) return "a malformed currency code";
  return null;
}

function badResponse(providerId: string, query: BalanceQuery, problem: string) {
  return toProviderFailure(providerId, query.currency, new ProviderError(FailureCode.BAD_RESPONSE, `the provider answered ${problem}`));
}

/**
 * Keeps the sound balances of a result; each unsound one becomes a BAD_RESPONSE failure of that
 * provider. Every balance the schema shows has passed here: no amount reaches a serializer unchecked.
 */
export function distrust(providerId: string, query: BalanceQuery, result: BalanceResult): BalanceResult {
  if (result.balances.length > MAX_ANSWER_ITEMS) {
    return { balances: [], failures: [...result.failures, badResponse(providerId, query, `more than ${MAX_ANSWER_ITEMS} balances`)] };
  }
  const sound: AccountBalance[] = [];
  const problems = new Set<string>();
  for (const balance of result.balances) {
    const problem = balance.providerId === providerId ? problemWith(balance) : "a balance of another provider";
    if (problem === null) sound.push(balance);
    else problems.add(problem);
  }
  if (problems.size === 0) return result;
  // One failure per kind of problem: a thousand broken balances make one line, not a thousand.
  return { balances: sound, failures: [...result.failures, ...[...problems].map((problem) => badResponse(providerId, query, problem))] };
}
