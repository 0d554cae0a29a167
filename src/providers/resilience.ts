// Responsible for one provider's resilience policy (cockatiel): the call's time budget, the bulkhead, read retries with backoff and jitter, the circuit breaker, and the provider's status.
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState as BreakerState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from "cockatiel";
import { RESILIENCE_DEFAULTS, type ResilienceConfig } from "../config/provider-common.js";
import { NO_OBSERVER, type CircuitState, type UpstreamObserver } from "../observability/upstream-events.js";
import { OPEN_ADMISSION, type Admission } from "../scale-out/provider-admission.js";
import { FailureCode, ProviderError } from "./failure.js";

/** How a provider looks from its recent calls, without calling it. */
export type ProviderStatus = "UP" | "DEGRADED" | "OPEN";

/**
 * A read may be retried; a write (a refund) is sent once: if its answer is lost, the ledger's
 * reconciler settles it, never a blind second request. "reconcile" is the reconciler's write: sent
 * once, outside the circuit breaker (neither refused by it nor counted by it), since the reconciler
 * paces its own retries; its own failures cannot open the circuit that guards callers.
 */
export type CallKind = "read" | "write" | "reconcile";

/** One attempt: gets the signal that ends it when the call's budget is spent. */
export type Attempt<T> = (signal: AbortSignal) => Promise<T>;

/** The failures worth another attempt, and the only ones that count toward opening the circuit. */
const TRANSIENT = new Set<FailureCode>([FailureCode.TIMEOUT, FailureCode.UNREACHABLE, FailureCode.UPSTREAM_ERROR]);

function isTransient(error: unknown): boolean {
  return error instanceof ProviderError && TRANSIENT.has(error.code);
}

const BREAKER_STATES: Record<BreakerState, CircuitState> = {
  [BreakerState.Closed]: "closed",
  [BreakerState.HalfOpen]: "half-open",
  [BreakerState.Open]: "open",
  [BreakerState.Isolated]: "open",
};

/**
 * Lives for the process, one per provider. Every call runs, outermost first:
 * 1. a timeout of the provider's whole `timeoutMs` (the one owner of the budget: queueing, attempts and backoff all fit in it),
 *    cooperative: its signal ends whatever the call is doing when the time runs out (see the constructor);
 * 2. the circuit breaker: an open circuit refuses the call at once (CIRCUIT_OPEN) and no request is made;
 *    after `halfOpenAfterMs` one call probes the provider (half-open) and closes or reopens the circuit;
 * 3. a slot of the provider's rate limit (src/scale-out): none within the budget is RATE_LIMITED, nothing sent;
 * 4. the bulkhead: at most `maxConnections` calls at once (the pool's connection cap), `maxQueued` more waiting;
 * 5. for reads only, retries with exponential backoff and decorrelated jitter, only of TIMEOUT, UNREACHABLE and
 *    UPSTREAM_ERROR, and only while the budget left holds the longest backoff plus a useful attempt.
 * A call counts once toward the circuit, after its retries: a provider that answers a retry is not failing.
 */
export class ProviderResilience {
  readonly providerId: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly budget: TimeoutPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly bulkhead: BulkheadPolicy;
  /** Read retries: one policy for every call; whether a failure is worth another attempt is decided by `attempts`. */
  private readonly retry: RetryPolicy | undefined;
  /** Transient failures left too little of their call's budget for another attempt: the retry policy gives up on them. */
  private readonly lastChances = new WeakSet<Error>();
  private readonly observer: UpstreamObserver;
  private readonly admission: Admission;
  /** Calls in a row that ended in a transient failure; 0 after any success. */
  private consecutiveFailures = 0;

  constructor(config: ResilienceConfig, observer: UpstreamObserver = NO_OBSERVER, admission: Admission = OPEN_ADMISSION) {
    this.providerId = config.id;
    this.admission = admission;
    this.timeoutMs = config.timeoutMs;
    this.retries = config.retries ?? RESILIENCE_DEFAULTS.retries;
    this.observer = observer;
    // One policy for every call (it keeps no per-call state). The budget's signal is aborted when the time runs out,
    // and every wait of a call listens to it: the answer being read (the reader ends the call at once, its request
    // aborted, or never sent if undici had not started it), a rate-limit wait, and the bulkhead's queue, which lets a
    // waiting call go as soon as it is dequeued with its signal aborted: calls ahead of it in the queue and holding
    // the connections started earlier, so their budgets end no later than its own, and the queue empties at the latest
    // as its time runs out. Cooperative rather than aggressive: racing every call against a never-settled promise of its
    // timeout kept the call's objects reachable through young-generation GCs, which then cost a serving process 8 ms
    // a scavenge instead of 3.5. Only the rate limit's and back-off's shared store (Redis, bounded by its own timeout)
    // can hold a call past its budget, by at most that timeout, and nothing is sent once the signal is aborted.
    // `abortOnReturn: false` skips aborting the signal after every call that already ended, where nothing listens to
    // it any more: that abort cost a DOMException (with its stack trace) per call.
    this.budget = timeout(this.timeoutMs, { strategy: TimeoutStrategy.Cooperative, abortOnReturn: false });
    this.breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: config.circuitBreaker?.halfOpenAfterMs ?? RESILIENCE_DEFAULTS.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(config.circuitBreaker?.failureThreshold ?? RESILIENCE_DEFAULTS.failureThreshold),
    });
    this.breaker.onStateChange((state) => this.safely(() => this.observer.circuit(this.providerId, BREAKER_STATES[state])));
    this.bulkhead = bulkhead(config.maxConnections, config.maxQueued ?? RESILIENCE_DEFAULTS.maxQueued);
    const { retryMaxDelayMs, retryInitialDelayMs } = RESILIENCE_DEFAULTS;
    this.retry =
      this.retries === 0
        ? undefined
        : retry(
            handleWhen((error) => isTransient(error) && !this.lastChances.has(error)),
            {
              maxAttempts: this.retries,
              backoff: new ExponentialBackoff({ initialDelay: retryInitialDelayMs, maxDelay: retryMaxDelayMs }),
            },
          );
  }

  get circuit(): CircuitState {
    return BREAKER_STATES[this.breaker.state];
  }

  /** OPEN while the circuit refuses calls; DEGRADED while it is half-open or the latest calls failed; UP otherwise. */
  get status(): ProviderStatus {
    const circuit = this.circuit;
    if (circuit === "open") return "OPEN";
    if (circuit === "half-open" || this.consecutiveFailures > 0) return "DEGRADED";
    return "UP";
  }

  /**
   * Runs one call under the policy; rejects only with a ProviderError. Each attempt first takes a slot of the
   * provider's rate limit (for `credential` where the provider limits per credential): the first one before the
   * bulkhead, so that a call the limit refuses never holds one of its connection slots.
   */
  async run<T>(kind: CallKind, attempt: Attempt<T>, credential?: string): Promise<T> {
    const deadline = performance.now() + this.timeoutMs;
    const admitted = (signal: AbortSignal): Promise<T> => {
      const attempts = ({ signal: slot }: { signal: AbortSignal }) => this.attempts(kind, deadline, attempt, slot, credential);
      // Without a rate limit or a back-off in force, nothing is asked: the attempt goes straight to the bulkhead.
      if (this.admission.clear(credential)) return this.bulkhead.execute(attempts, signal);
      return this.admission.admit(kind, credential, deadline, this.timeoutMs, signal).then(() => this.bulkhead.execute(attempts, signal));
    };
    if (kind === "reconcile") {
      return this.budget
        .execute(({ signal }) => admitted(signal))
        .catch((error: unknown) => {
          throw this.asProviderError(error);
        });
    }
    try {
      const value = await this.budget.execute(({ signal }) => this.breaker.execute(() => admitted(signal), signal));
      this.consecutiveFailures = 0;
      return value;
    } catch (error) {
      const failure = this.asProviderError(error);
      if (TRANSIENT.has(failure.code)) this.consecutiveFailures++;
      else if (failure.code !== FailureCode.CIRCUIT_OPEN) this.consecutiveFailures = 0;
      if (failure.code === FailureCode.CIRCUIT_OPEN) {
        this.safely(() => this.observer.call({ providerId: this.providerId, outcome: "circuit_open", durationMs: 0, attempt: 1 }));
      }
      throw failure;
    }
  }

  /** An attempt was answered 429: the provider's later attempts (every replica's) wait for its Retry-After. */
  backOff(credential: string | undefined, retryAfter: string | undefined): Promise<void> {
    return this.admission.backOff(credential, retryAfter);
  }

  private attempts<T>(
    kind: CallKind,
    deadline: number,
    attempt: Attempt<T>,
    signal: AbortSignal,
    credential: string | undefined,
  ): Promise<T> {
    // An attempt shorter than this is not worth making: it would only turn one failure into two.
    const usefulAttemptMs = Math.max(20, this.timeoutMs / 4);
    const timed = async (number: number, attemptSignal: AbortSignal): Promise<T> => {
      // A retry is not a call until admitted (the first attempt was, in `run`): a refusal sent nothing, and is counted by
      // the limiter, not as a provider call.
      if (number > 1 && !this.admission.clear(credential)) {
        await this.admission.admit(kind, credential, deadline, this.timeoutMs, attemptSignal);
      }
      const started = performance.now();
      try {
        const value = await attempt(attemptSignal);
        this.report(number, "ok", started);
        return value;
      } catch (error) {
        const failure = this.asProviderError(error);
        this.report(number, failure.code, started);
        // Another attempt only while the budget left holds the longest backoff and a useful attempt.
        if (deadline - performance.now() < RESILIENCE_DEFAULTS.retryMaxDelayMs + usefulAttemptMs) this.lastChances.add(failure);
        throw failure;
      }
    };
    if (kind !== "read" || this.retry === undefined) return timed(1, signal);
    return this.retry.execute(({ attempt: index, signal: attemptSignal }) => timed(index + 1, attemptSignal), signal);
  }

  private report(attempt: number, outcome: "ok" | FailureCode, started: number): void {
    const durationMs = performance.now() - started;
    this.safely(() => this.observer.call({ providerId: this.providerId, outcome, durationMs, attempt }));
  }

  private asProviderError(error: unknown): ProviderError {
    if (error instanceof ProviderError) return error;
    if (error instanceof BrokenCircuitError || error instanceof IsolatedCircuitError) {
      return new ProviderError(
        FailureCode.CIRCUIT_OPEN,
        "the provider failed repeatedly just now: calls are held off until a probe finds it answering again",
        { cause: error, requestSent: false },
      );
    }
    if (error instanceof BulkheadRejectedError) {
      return new ProviderError(FailureCode.UNREACHABLE, "too many calls are waiting for this provider", {
        cause: error,
        requestSent: false,
      });
    }
    if (error instanceof TaskCancelledError) {
      // The budget ran out while the call waited for a slot or a probe: nothing was sent by this call.
      return new ProviderError(FailureCode.TIMEOUT, `no answer within ${this.timeoutMs} ms`, { cause: error });
    }
    return new ProviderError(FailureCode.BAD_RESPONSE, "the provider call failed unexpectedly", { cause: error });
  }

  private safely(report: () => void): void {
    try {
      report();
    } catch {
      // Observers must not throw; if one does, the call's outcome still stands.
    }
  }
}
