// Responsible for asking a provider less: concurrent identical balance reads in this process share one call, and a balance younger than the provider's `balanceMaxAgeMs` is served without one.
import { setTimeout as sleep } from "node:timers/promises";
import { toProviderFailure } from "../providers/failure.js";
import type { BalanceQuery, BalanceResult, RefundOutcome, RefundRequest, WalletProvider } from "../providers/provider.js";
import type { ProviderStatus } from "../providers/resilience.js";
import type { BalanceStore, CachedBalances } from "./balance-store.js";
import type { ScaleOutMetrics } from "./scale-out-metrics.js";

export interface BalanceCacheOptions {
  /** 0: coalescing only, nothing cached. */
  maxAgeMs: number;
  /** The longest one provider call takes (its `timeoutMs`): how long others wait for the replica asking it. */
  callMs: number;
  store: BalanceStore;
  metrics: ScaleOutMetrics;
}

/** The provider with coalescing and, when `maxAgeMs` > 0, the bounded-staleness cache in front of its reads. */
export function withBalanceCache(provider: WalletProvider, options: BalanceCacheOptions): WalletProvider {
  return new CachedProvider(provider, options);
}

/** How often a replica waiting for another's answer looks for it. */
const FOLLOW_POLL_MS = 25;

/** One query's answer, kept while its call is in flight so later identical queries join it. */
interface InFlight {
  walletId: string;
  result: Promise<BalanceResult>;
}

/** A query of this batch that no call in flight answers: this batch answers it, for itself and any who join. */
interface Own {
  index: number;
  key: string;
  flight: InFlight;
  settle: (result: BalanceResult) => void;
  settled: boolean;
}

class CachedProvider implements WalletProvider {
  readonly refund?: (request: RefundRequest) => Promise<RefundOutcome>;
  private readonly inFlight = new Map<string, InFlight>();

  constructor(
    private readonly inner: WalletProvider,
    private readonly options: BalanceCacheOptions,
  ) {
    const refund = inner.refund?.bind(inner);
    if (refund) this.refund = (request) => this.refundDropping(refund, request);
  }

  get info() {
    return this.inner.info;
  }

  get accounts() {
    return this.inner.accounts;
  }

  get status(): ProviderStatus | undefined {
    return this.inner.status;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async loadBalances(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    const providerId = this.inner.info.id;
    const answers = new Array<Promise<BalanceResult>>(queries.length);
    const mine: Own[] = [];
    queries.forEach((query, index) => {
      const key = JSON.stringify([query.walletId, query.currency]);
      const joined = this.inFlight.get(key);
      if (joined) {
        answers[index] = joined.result;
        this.options.metrics.callsSaved(providerId, "coalescing");
        return;
      }
      let settle!: (result: BalanceResult) => void;
      const flight: InFlight = { walletId: query.walletId, result: new Promise<BalanceResult>((resolve) => (settle = resolve)) };
      this.inFlight.set(key, flight);
      answers[index] = flight.result;
      mine.push({ index, key, flight, settle, settled: false });
    });
    if (mine.length > 0) await this.answer(queries, mine);
    return Promise.all(answers);
  }

  /** Answers this batch's own queries from the cache or with one call for the rest; never rejects. */
  private async answer(queries: readonly BalanceQuery[], mine: Own[]): Promise<void> {
    const providerId = this.inner.info.id;
    const { maxAgeMs, store, metrics } = this.options;
    const done = (entry: Own, result: BalanceResult): void => {
      // Only this call's own entry is removed: after a refund dropped it, a newer call may hold the key.
      if (this.inFlight.get(entry.key) === entry.flight) this.inFlight.delete(entry.key);
      entry.settled = true;
      entry.settle(result);
    };
    try {
      const lookups = maxAgeMs > 0 ? await Promise.all(mine.map(({ index }) => this.lookUp(queries[index]!))) : [];
      const toAsk: { entry: Own; version: string | undefined }[] = [];
      mine.forEach((entry, i) => {
        const fresh = lookups[i]?.fresh;
        if (fresh) {
          metrics.callsSaved(providerId, "cache");
          done(entry, { balances: fresh.balances, failures: [] });
        } else {
          toAsk.push({ entry, version: lookups[i]?.version });
        }
      });
      if (toAsk.length === 0) return;

      const results = await this.inner.loadBalances(toAsk.map(({ entry }) => queries[entry.index]!));
      const asOf = new Date();
      const puts: Promise<void>[] = [];
      toAsk.forEach(({ entry, version }, i) => {
        const result = results[i] ?? { balances: [], failures: [] };
        for (const balance of result.balances) balance.asOf ??= asOf;
        const query = queries[entry.index]!;
        if (version !== undefined && result.failures.length === 0) {
          const cached: CachedBalances = { asOf, balances: result.balances };
          puts.push(store.put(providerId, query.walletId, fieldOf(query), version, cached, maxAgeMs));
        } else if (version !== undefined) {
          puts.push(store.release(providerId, query.walletId, fieldOf(query), version));
        }
        done(entry, result);
      });
      await Promise.all(puts);
    } catch (error) {
      // A provider's loadBalances and the stores never reject; should one, no caller that joined waits for ever.
      for (const entry of mine) {
        if (!entry.settled) done(entry, { balances: [], failures: [toProviderFailure(providerId, queries[entry.index]!.currency, error)] });
      }
    }
  }

  /**
   * A fresh entry, or the version to store the provider's answer under (none: store nothing). On a miss, only the
   * replica holding the balance's lease asks the provider; the others wait for its answer, and one of them takes the
   * lease over if the leader stalls past it. After twice a call's time a caller asks the provider itself.
   */
  private async lookUp(query: BalanceQuery): Promise<{ fresh?: CachedBalances; version?: string }> {
    const providerId = this.inner.info.id;
    const { store, callMs } = this.options;
    const field = fieldOf(query);
    const giveUpAt = performance.now() + 2 * callMs;
    for (;;) {
      const look = await store.get(providerId, query.walletId, field);
      if (!look) return {};
      if (this.isFresh(look.found)) return { fresh: look.found };
      if (performance.now() > giveUpAt || (await store.lead(providerId, query.walletId, field, look, callMs)))
        return { version: look.version };
      await sleep(FOLLOW_POLL_MS);
    }
  }

  private isFresh(entry: CachedBalances | undefined): entry is CachedBalances {
    return entry !== undefined && Date.now() - entry.asOf.getTime() < this.options.maxAgeMs;
  }

  /**
   * A refund drops the wallet's cached balances before it is sent (no replica serves them while it is under way)
   * and again before it answers (a read that started before it cannot store what it saw), and reads in flight for
   * the wallet are not joined by later ones.
   */
  private async refundDropping(refund: (request: RefundRequest) => Promise<RefundOutcome>, request: RefundRequest): Promise<RefundOutcome> {
    await this.drop(request.walletId);
    try {
      return await refund(request);
    } finally {
      await this.drop(request.walletId);
    }
  }

  private async drop(walletId: string): Promise<void> {
    for (const [key, flight] of this.inFlight) if (flight.walletId === walletId) this.inFlight.delete(key);
    await this.options.store.drop(this.inner.info.id, walletId);
  }
}

function fieldOf(query: BalanceQuery): string {
  return query.currency ?? "*";
}
