// Responsible for folding the failures of one query's parts (accounts, currencies) into one failure per cause, naming its parts.
import { toProviderFailure, type ProviderFailure } from "../failure.js";

/** One part of a query that could not be read: its name in the failure message, and why. */
export interface PartError {
  part: string;
  error: unknown;
}

/**
 * Failures with the same code and message become one, its message prefixed with the parts that
 * failed that way (by `name`, default "a, b"): a query keeps the balances of the parts that answered.
 */
export function failuresByCause(
  providerId: string,
  currency: string | null,
  errors: readonly PartError[],
  name: (parts: readonly string[]) => string = (parts) => parts.join(", "),
): ProviderFailure[] {
  const byCause = new Map<string, { failure: ProviderFailure; parts: string[] }>();
  for (const { part, error } of errors) {
    const failure = toProviderFailure(providerId, currency, error);
    const key = `${failure.code}\u0000${failure.message}`;
    const group = byCause.get(key);
    if (group) group.parts.push(part);
    else byCause.set(key, { failure, parts: [part] });
  }
  return [...byCause.values()].map(({ failure, parts }) => ({ ...failure, message: `${name(parts)}: ${failure.message}` }));
}
