// Responsible for what the client tests expect of every provider alike: each simulator fault's failure code, and a refused port.
import { expect } from "vitest";
import { FailureCode } from "../../src/providers/failure.js";
import type { BalanceResult } from "../../src/providers/provider.js";
import type { SimulatorFault } from "../../src/providers/simulator-knobs.js";

/** Each fault a simulator can play, the code a client must give for it, and whether that failure is retryable. */
export const FAULT_OUTCOMES: [SimulatorFault, FailureCode, boolean][] = [
  ["hang", FailureCode.TIMEOUT, true],
  ["slow", FailureCode.TIMEOUT, true],
  ["http500", FailureCode.UPSTREAM_ERROR, true],
  ["malformed", FailureCode.BAD_RESPONSE, false],
  ["bad-shape", FailureCode.BAD_RESPONSE, false],
  ["auth", FailureCode.AUTH_FAILED, false],
];

/** The amounts of a result as text, so scale is part of what is compared. */
export function amounts(result: BalanceResult): Record<string, string> {
  return Object.fromEntries(result.balances.map((balance) => [`${balance.account}/${balance.currency}`, balance.amount.toString()]));
}

/** Each result has exactly these amounts, one record a query, and not one failure. */
export function expectAmountsOnly(results: BalanceResult[], expected: Record<string, string>[]): void {
  expect(results.map(amounts)).toEqual(expected);
  expect(results.every((result) => result.failures.length === 0)).toBe(true);
}

/**
 * A refused connection is UNREACHABLE and retryable, and the same client answers again once the port reopens.
 * Returns the refused result for checks of its own.
 */
export async function expectUnreachableUntilReopened(
  simulator: { setFault(fault: "refuse" | null): Promise<void> },
  load: () => Promise<BalanceResult>,
  expectAnswered: (result: BalanceResult) => void,
): Promise<BalanceResult> {
  expectAnswered(await load());
  await simulator.setFault("refuse");
  const refused = await load();
  expect(refused.failures).toMatchObject([{ code: FailureCode.UNREACHABLE, retryable: true }]);
  await simulator.setFault(null);
  expectAnswered(await load());
  return refused;
}
