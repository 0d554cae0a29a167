// Responsible for the client tests' timing checks: calls run at once, and a hanging provider costs no more than the client's timeout.
import { expect } from "vitest";
import type { BalanceResult } from "../../src/providers/provider.js";

/** With each call answered 300 ms late, a load of several calls still ends within 900 ms: they run at once; returns its results. */
export async function loadWithSlowCalls(
  simulator: { setLatency(ms: number): void },
  load: () => Promise<BalanceResult[]>,
): Promise<BalanceResult[]> {
  simulator.setLatency(300);
  const started = performance.now();
  const results = await load();
  expect(performance.now() - started).toBeLessThan(900);
  return results;
}

/** Against a hanging provider a load ends when the client's timeout does, not before and not long after; returns its result. */
export async function loadAgainstHang(
  simulator: { setFault(fault: "hang"): Promise<void> },
  load: () => Promise<BalanceResult>,
  timeoutMs: number,
): Promise<BalanceResult> {
  await simulator.setFault("hang");
  const started = performance.now();
  const result = await load();
  const elapsed = performance.now() - started;
  expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 10);
  expect(elapsed).toBeLessThan(timeoutMs + 300);
  return result;
}
