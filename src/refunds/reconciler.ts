// Responsible for asking the providers again about every unsettled refund until one answer settles it, paced per provider, and releasing old keys.
import type { RefundLedger } from "./refund-ledger.js";
import type { RefundService } from "./refund-service.js";
import { RefundStatus, type RefundRecord } from "./refund.js";

export interface ReconcilerOptions {
  /** How often to look, after the look made at start. */
  intervalMs: number;
  /** Idempotency keys of settled refunds are released this long after settling (the refunds themselves are kept). */
  keyRetentionMs: number;
  /** Most refunds looked at per look. */
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface ReconcileReport {
  examined: number;
  settled: number;
  stillUnknown: number;
  /** Taken by another replica or request first. */
  skipped: number;
  /** Left for a later look because their provider did not answer the one before. */
  deferred: number;
  keysReleased: number;
}

/**
 * Lives for the process. Every replica may run one: each record is taken with a conditional
 * write (`takeOver`), so only one replica asks the provider about it, with the refund's own
 * idempotency key, which the provider applies once and answers again.
 *
 * Paced per provider: one refund at a time, and a look stops asking a provider at its first
 * unsettled answer (the rest wait for the next look; each record's own retry delay doubles). Its
 * calls bypass the provider's circuit breaker, so its retries can neither open the circuit callers
 * depend on nor be refused by it for ever when no caller is left to probe it.
 */
export class RefundReconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReconcileReport> | undefined;

  constructor(
    private readonly ledger: RefundLedger,
    private readonly refunds: RefundService,
    private readonly options: ReconcilerOptions,
  ) {}

  start(): void {
    const tick = () => {
      this.runOnce().catch((error: unknown) => this.options.onError?.(error));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a look under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One look; concurrent calls share it. */
  runOnce(): Promise<ReconcileReport> {
    this.running ??= this.reconcile().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async reconcile(): Promise<ReconcileReport> {
    const report: ReconcileReport = { examined: 0, settled: 0, stillUnknown: 0, skipped: 0, deferred: 0, keysReleased: 0 };
    const due = await this.ledger.findDue(this.options.batchSize ?? 100);
    report.examined = due.length;

    const byProvider = new Map<string, RefundRecord[]>();
    for (const refund of due) byProvider.set(refund.providerId, [...(byProvider.get(refund.providerId) ?? []), refund]);
    await Promise.all([...byProvider.values()].map((refunds) => this.askInTurn(refunds, report)));

    report.keysReleased = await this.ledger.releaseKeys(this.options.keyRetentionMs);
    return report;
  }

  /** One provider's due refunds, one after the other, until one is not settled. */
  private async askInTurn(refunds: readonly RefundRecord[], report: ReconcileReport): Promise<void> {
    for (const [index, refund] of refunds.entries()) {
      const leaseStarted = performance.now();
      const taken = await this.ledger.takeOver(refund, { onlyWhenDue: true });
      if (!taken) {
        report.skipped++;
        continue;
      }
      const settled = await this.refunds.attempt(taken, leaseStarted, "reconciler");
      if (settled.status === RefundStatus.UNKNOWN) {
        report.stillUnknown++;
        report.deferred += refunds.length - index - 1;
        return;
      }
      report.settled++;
    }
  }
}
