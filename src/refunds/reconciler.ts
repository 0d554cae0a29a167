// Responsible for settling refunds left unsettled (a crash between "sent" and "recorded", a lost answer) and pruning old keys.
import type { RefundLedger } from "./refund-ledger.js";
import type { RefundService } from "./refund-service.js";
import { RefundStatus } from "./refund.js";

export interface ReconcilerOptions {
  /** How often to look, after the look made at start. */
  intervalMs: number;
  /** PENDING and UNKNOWN refunds untouched this long are asked about again. Longer than any provider timeout. */
  staleAfterMs: number;
  /** Settled refunds, and so their idempotency keys, are kept at least this long. */
  retentionMs: number;
  /** Most refunds settled per look. */
  batchSize?: number;
  onError?: (error: unknown) => void;
}

export interface ReconcileReport {
  examined: number;
  settled: number;
  stillUnknown: number;
  /** Taken by another replica or request first. */
  skipped: number;
  pruned: number;
}

/**
 * Lives for the process. Every replica may run one: each record is taken with a conditional
 * write (`takeOver`), so only one replica asks the provider about it, with the refund's own
 * idempotency key, which the provider applies once and answers again.
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
    const now = Date.now();
    const report: ReconcileReport = { examined: 0, settled: 0, stillUnknown: 0, skipped: 0, pruned: 0 };
    const stale = await this.ledger.findUnsettled(new Date(now - this.options.staleAfterMs), this.options.batchSize ?? 100);
    report.examined = stale.length;

    await Promise.all(
      stale.map(async (refund) => {
        const taken = await this.ledger.takeOver(refund.id, refund.status, refund.attempt);
        if (!taken) {
          report.skipped++;
          return;
        }
        const settled = await this.refunds.attempt(taken);
        if (settled.status === RefundStatus.UNKNOWN) report.stillUnknown++;
        else report.settled++;
      }),
    );

    report.pruned = await this.ledger.prune(new Date(now - this.options.retentionMs));
    return report;
  }
}
