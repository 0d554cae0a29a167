// Responsible for the scale-out metrics: provider calls saved by coalescing and the cache, the limiter's waits and refusals, and whether Redis is shared.
import { Counter, Gauge, type Registry } from "prom-client";
import type { CallKind } from "../providers/resilience.js";

export type SavedBy = "coalescing" | "cache";

/** Each counter's name, help and labels. */
const COUNTERS = {
  saved: [
    "wallet_provider_calls_saved_total",
    "Balance reads answered without a provider call of their own: joined to one in flight (coalescing) or served from the cache",
    ["provider", "by"],
  ],
  waits: [
    "wallet_rate_limit_waits_total",
    "Provider calls that waited for a slot of the provider's rate limit, by call kind (read, write, reconcile)",
    ["provider", "kind"],
  ],
  refusals: [
    "wallet_rate_limit_refusals_total",
    "Provider calls refused by the rate limit within their budget (RATE_LIMITED), nothing sent, by call kind",
    ["provider", "kind"],
  ],
  backoffs: [
    "wallet_rate_limit_backoffs_total",
    "HTTP 429 answers from a provider, each holding its calls off for its Retry-After",
    ["provider"],
  ],
  redisFallbacks: [
    "wallet_redis_fallbacks_total",
    "Times this replica stopped using Redis (down, slow or refusing) and fell back to its local limiter without a cache",
    [],
  ],
} as const satisfies Record<string, readonly [string, string, readonly string[]]>;

/** Lives for the process; every method is cheap and never throws. */
export class ScaleOutMetrics {
  private readonly saved: Counter<"provider" | "by">;
  private readonly waits: Counter<"provider" | "kind">;
  private readonly refusals: Counter<"provider" | "kind">;
  private readonly backoffs: Counter<"provider">;
  private readonly redisShared: Gauge;
  private readonly redisFallbacks: Counter<never>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    const counter = <L extends string>([name, help, labelNames]: readonly [string, string, readonly L[]]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.saved = counter(COUNTERS.saved);
    this.waits = counter(COUNTERS.waits);
    this.refusals = counter(COUNTERS.refusals);
    this.backoffs = counter(COUNTERS.backoffs);
    this.redisFallbacks = counter(COUNTERS.redisFallbacks);
    this.redisShared = new Gauge({
      name: "wallet_redis_shared",
      help: "1 while limits and the balance cache are shared through Redis; 0 while this replica runs on its own (no Redis configured, or Redis down)",
      registers,
    });
  }

  declareProviders(providerIds: readonly string[]): void {
    for (const provider of providerIds) {
      for (const by of ["coalescing", "cache"] as const) this.saved.inc({ provider, by }, 0);
      for (const kind of ["read", "write", "reconcile"] as const) {
        this.waits.inc({ provider, kind }, 0);
        this.refusals.inc({ provider, kind }, 0);
      }
      this.backoffs.inc({ provider }, 0);
    }
  }

  callsSaved(provider: string, by: SavedBy, count = 1): void {
    if (count > 0) this.saved.inc({ provider, by }, count);
  }

  limiterWaited(provider: string, kind: CallKind): void {
    this.waits.inc({ provider, kind });
  }

  limiterRefused(provider: string, kind: CallKind): void {
    this.refusals.inc({ provider, kind });
  }

  backedOff(provider: string): void {
    this.backoffs.inc({ provider });
  }

  redis(shared: boolean, fellBack: boolean): void {
    this.redisShared.set(shared ? 1 : 0);
    if (fellBack) this.redisFallbacks.inc();
  }
}
