// Responsible for batching every balance one GraphQL operation needs into the fewest provider calls.
import DataLoader from "dataloader";
import type { BalanceQuery, BalanceResult } from "../providers/provider.js";
import type { Logger } from "../observability/logger.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { distrust } from "../providers/answer-checks.js";
import { FailureCode, toProviderFailure, ProviderError } from "../providers/failure.js";

interface BalanceKey extends BalanceQuery {
  providerId: string;
}

export type BalanceLoader = DataLoader<BalanceKey, BalanceResult, string>;

/** Two keys are the same balance when provider, wallet and currency match; `null` currency means all. */
function balanceCacheKey(key: BalanceKey): string {
  return JSON.stringify([key.providerId, key.walletId, key.currency]);
}

/**
 * Lives for one request: its cache is that request's view of the providers, so the same balance
 * asked twice in one operation costs one call, and nothing is shared between callers.
 * One batch is split by provider; each provider answers its part in one `loadBalances` call.
 */
export function createBalanceLoader(
  registry: ProviderRegistry,
  logger?: Logger,
  /** Told how many balances each provider is asked for in each batch (for metrics). */
  onBatch?: (providerId: string, size: number) => void,
): BalanceLoader {
  return new DataLoader<BalanceKey, BalanceResult, string>(
    async (keys) => {
      const byProvider = new Map<string, number[]>();
      keys.forEach((key, index) => {
        const positions = byProvider.get(key.providerId) ?? [];
        positions.push(index);
        byProvider.set(key.providerId, positions);
      });

      const results = new Array<BalanceResult>(keys.length);
      await Promise.all(
        [...byProvider].map(async ([providerId, positions]) => {
          const queries = positions.map((position) => keys[position]!);
          onBatch?.(providerId, queries.length);
          const answers = await loadFromProvider(registry, providerId, queries);
          for (const failure of answers.flatMap((answer) => answer.failures)) {
            logger?.warn(
              { providerId, code: failure.code, retryable: failure.retryable, reason: failure.message },
              "provider could not be read",
            );
          }
          positions.forEach((position, i) => {
            results[position] = answers[i]!;
          });
        }),
      );
      return results;
    },
    { cacheKeyFn: balanceCacheKey },
  );
}

async function loadFromProvider(registry: ProviderRegistry, providerId: string, queries: BalanceKey[]): Promise<BalanceResult[]> {
  const provider = registry.get(providerId);
  try {
    if (!provider) throw new ProviderError(FailureCode.REJECTED, `no provider "${providerId}" is configured`);
    const results = await provider.loadBalances(queries.map(({ walletId, currency }) => ({ walletId, currency })));
    // A provider without the scale-out cache in front (which stamps its answers) answered just now.
    const answeredAt = new Date();
    for (const result of results) for (const balance of result.balances) balance.asOf ??= answeredAt;
    return results.map((result, i) => distrust(providerId, queries[i]!, result));
  } catch (error) {
    // A client must not reject, but if one does, its queries fail alone.
    return queries.map((query) => ({ balances: [], failures: [toProviderFailure(providerId, query.currency, error)] }));
  }
}
