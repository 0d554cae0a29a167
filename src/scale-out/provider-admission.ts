// Responsible for admitting each call to one provider under its rate limit: a slot before every attempt, waits within the call's budget, refusals as RATE_LIMITED, and 429 back-offs.
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { FailureCode, ProviderError } from "../providers/failure.js";
import type { CallKind } from "../providers/resilience.js";
import type { RateLimitConfig } from "./config.js";
import { LocalWindowLog, type Grant, type WindowLog } from "./sliding-window.js";
import type { ScaleOutMetrics } from "./scale-out-metrics.js";

/** What the resilience policy asks before each attempt, and tells after a 429. */
export interface Admission {
  /** True when an attempt may be sent now without asking: no rate limit and no back-off holds it (the common case costs no promise). */
  clear(credential: string | undefined): boolean;
  /** Resolves when the attempt may be sent; rejects with RATE_LIMITED (nothing sent) when no slot comes within the budget. */
  admit(kind: CallKind, credential: string | undefined, deadline: number, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** The provider answered 429: its calls (or the credential's) are held off for `retryAfter` (the header's text). */
  backOff(credential: string | undefined, retryAfter: string | undefined): Promise<void>;
}

/** Admits everything at once: a provider built without scale-out (tests, tools). */
export const OPEN_ADMISSION: Admission = {
  clear: () => true,
  admit: async () => undefined,
  backOff: async () => undefined,
};

/**
 * Grants are logged this much longer than the configured interval: a request reaches the provider a moment after its
 * slot is granted, and two requests granted an interval apart must not arrive closer than that.
 */
function windowWithMargin(intervalMs: number): number {
  return intervalMs + Math.min(1_000, Math.max(50, Math.round(intervalMs / 100)));
}

/**
 * Reads may fill the window only up to this share of it: the rest is kept for refunds and the reconciler, which
 * wait for a slot, so that a stream of reads, each taking any slot that frees, cannot starve them.
 */
const READ_SHARE = 0.9;

/** A read's limit in the shared window; refunds and the reconciler count against the whole of it. */
function slotsFor(kind: CallKind, requests: number): number {
  return kind === "read" ? Math.max(1, Math.floor(requests * READ_SHARE)) : requests;
}

/** Without Retry-After, a 429 holds calls off this long; a longer Retry-After than the cap is capped. */
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 600_000;

/** Lives for the process, one per provider. */
export class ProviderAdmission implements Admission {
  /** Back-offs of a provider without a rate limit stay in this process: its calls never wait on Redis. */
  private readonly local = new LocalWindowLog();

  constructor(
    private readonly providerId: string,
    private readonly limit: RateLimitConfig | undefined,
    private readonly log: WindowLog,
    private readonly metrics: ScaleOutMetrics,
  ) {}

  clear(credential: string | undefined): boolean {
    return this.limit === undefined && this.local.blockedMs(this.keyOf(credential)) <= 0;
  }

  async admit(kind: CallKind, credential: string | undefined, deadline: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    const key = this.keyOf(credential);
    // A read needs a useful attempt after its wait; a refund more, since sending it late risks an unknown outcome.
    const leaveMs = kind === "read" ? timeoutMs / 4 : timeoutMs / 2;
    let waited = false;
    for (;;) {
      const grant: Grant = this.limit
        ? await this.log.take(key, slotsFor(kind, this.limit.requests), windowWithMargin(this.limit.intervalMs))
        : unlessBlocked(this.local.blockedMs(key));
      if (grant.granted) {
        if (waited) this.metrics.limiterWaited(this.providerId, kind);
        return;
      }
      // Spread the waiters of one window over a few ms, so they do not all ask again at the same instant.
      const waitMs = grant.retryInMs + Math.random() * 20;
      if (performance.now() + waitMs + leaveMs > deadline) {
        this.metrics.limiterRefused(this.providerId, kind);
        throw rateLimited(`no slot of this provider's rate limit within the call's ${timeoutMs} ms budget: nothing was sent`);
      }
      waited = true;
      try {
        await sleep(waitMs, undefined, { signal });
      } catch {
        this.metrics.limiterRefused(this.providerId, kind);
        throw rateLimited("the call's budget ran out waiting for a slot of this provider's rate limit: nothing was sent");
      }
    }
  }

  async backOff(credential: string | undefined, retryAfter: string | undefined): Promise<void> {
    const ms = retryAfterMs(retryAfter);
    this.metrics.backedOff(this.providerId);
    const key = this.keyOf(credential);
    await (this.limit ? this.log.block(key, ms) : this.local.block(key, ms));
  }

  /** The provider, or one of its credentials (hashed: a key in Redis must not carry a secret). */
  private keyOf(credential: string | undefined): string {
    if (this.limit?.per !== "credential" || credential === undefined) return this.providerId;
    return `${this.providerId}:${createHash("sha256").update(credential).digest("hex").slice(0, 16)}`;
  }
}

function unlessBlocked(blockedMs: number): Grant {
  return blockedMs > 0 ? { granted: false, retryInMs: blockedMs } : { granted: true };
}

/** Nothing was sent: a refund refused here is NOT_SENT (PROVIDER_UNAVAILABLE, nothing taken). */
function rateLimited(message: string): ProviderError {
  return new ProviderError(FailureCode.RATE_LIMITED, message, { requestSent: false });
}

/** Retry-After as seconds or an HTTP date (RFC 9110 10.2.3), within bounds. */
function retryAfterMs(header: string | undefined): number {
  if (header === undefined || header.trim() === "") return DEFAULT_BACKOFF_MS;
  const text = header.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - Date.now();
  if (!Number.isFinite(ms)) return DEFAULT_BACKOFF_MS;
  return Math.min(MAX_BACKOFF_MS, Math.max(1, Math.round(ms)));
}
