// Responsible for the Prometheus metrics of one server (its own prom-client registry): requests, upstream calls, circuits, batches, refunds, backlog.
import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FailureCode } from "../providers/failure.js";
import type { RefundLedger } from "../refunds/refund-ledger.js";
import type { CircuitState, UpstreamCall, UpstreamObserver } from "./upstream-events.js";

const CIRCUIT_STATES: readonly CircuitState[] = ["closed", "open", "half-open"];
/** Every outcome an upstream call is counted under: a refusal by an open circuit is "circuit_open", never the failure code. */
export const UPSTREAM_OUTCOMES: readonly UpstreamCall["outcome"][] = [
  "ok",
  ...Object.values(FailureCode).filter((code) => code !== FailureCode.CIRCUIT_OPEN),
  "circuit_open",
];
/** Refund settlements are counted under these statuses. */
const SETTLED_STATUSES = ["SUCCEEDED", "FAILED", "UNKNOWN"] as const;
/** Operation names come from clients: past this many distinct ones, the rest are counted as "other". */
const MAX_OPERATION_NAMES = 100;
/** The reconciler backlog gauge counts up to this many unsettled refunds per scrape. */
const BACKLOG_SCRAPE_LIMIT = 10_000;

/** Latency buckets, in seconds, shared by GraphQL requests and provider calls. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A count of events and a histogram of their latency under the same labels, as requests and provider calls are both measured. */
function countedAndTimed<Label extends string>(
  registers: Registry[],
  labelNames: Label[],
  count: { name: string; help: string },
  latency: { name: string; help: string },
): [Counter<Label>, Histogram<Label>] {
  return [new Counter({ ...count, labelNames, registers }), new Histogram({ ...latency, labelNames, buckets: LATENCY_BUCKETS, registers })];
}

export interface MetricsOptions {
  /** Node process metrics (memory, event loop, GC) besides the wallet's own; default true. */
  processMetrics?: boolean;
}

/** Lives for the process (one per server): every method is cheap and never throws. */
export class WalletMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<"operation" | "outcome">;
  private readonly requestSeconds: Histogram<"operation" | "outcome">;
  private readonly upstreamCalls: Counter<"provider" | "outcome">;
  private readonly upstreamSeconds: Histogram<"provider" | "outcome">;
  private readonly circuitState: Gauge<"provider" | "state">;
  private readonly batchSize: Histogram<"provider">;
  private readonly refundSettlements: Counter<"status">;
  private readonly refundClaims: Counter;
  private readonly operationNames = new Set<string>();
  private backlogSource: (() => Promise<number>) | undefined;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    [this.requests, this.requestSeconds] = countedAndTimed(
      registers,
      ["operation", "outcome"],
      { name: "wallet_graphql_requests_total", help: "GraphQL requests answered, by operation name and outcome (ok, errors)" },
      { name: "wallet_graphql_request_duration_seconds", help: "GraphQL request latency, by operation name and outcome" },
    );
    [this.upstreamCalls, this.upstreamSeconds] = countedAndTimed(
      registers,
      ["provider", "outcome"],
      {
        name: "wallet_upstream_calls_total",
        help: "Provider calls, by provider and outcome (ok, a failure code, or circuit_open when refused without a call)",
      },
      { name: "wallet_upstream_call_duration_seconds", help: "Provider call latency, by provider and outcome" },
    );
    this.circuitState = new Gauge({
      name: "wallet_circuit_state",
      help: "1 for each provider's current circuit state (closed, open, half-open), 0 for the others",
      labelNames: ["provider", "state"],
      registers,
    });
    this.batchSize = new Histogram({
      name: "wallet_balance_batch_size",
      help: "Balances asked of one provider in one DataLoader batch",
      labelNames: ["provider"],
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    });
    this.refundClaims = new Counter({
      name: "wallet_refunds_claimed_total",
      help: "Refunds written to the ledger as PENDING before their provider is called",
      registers,
    });
    this.refundSettlements = new Counter({
      name: "wallet_refunds_settled_total",
      help: "Refund attempts settled in the ledger, by status (SUCCEEDED, FAILED, UNKNOWN)",
      labelNames: ["status"],
      registers,
    });
    for (const status of SETTLED_STATUSES) this.refundSettlements.inc({ status }, 0);
    const backlog: Gauge = new Gauge({
      name: "wallet_reconciler_backlog",
      help: "Refunds not settled yet (PENDING or UNKNOWN) in the ledger, counted at scrape time",
      registers,
      collect: async () => {
        if (!this.backlogSource) return;
        try {
          backlog.set(await this.backlogSource());
        } catch {
          // A store that does not answer leaves the last value; /ready reports the store.
        }
      },
    });
  }

  /**
   * Makes every per-provider series exist at zero (and each circuit closed) before the first call, so a dashboard
   * or an alert sees a provider that has not been called yet, and a rate over a counter starts from its first scrape.
   */
  declareProviders(providerIds: readonly string[]): void {
    for (const provider of providerIds) {
      for (const outcome of UPSTREAM_OUTCOMES) this.upstreamCalls.inc({ provider, outcome }, 0);
      this.upstreamSeconds.zero({ provider, outcome: "ok" });
      this.batchSize.zero({ provider });
      this.upstream.circuit(provider, "closed");
    }
  }

  /** The provider layer's observer: upstream calls and circuit states. */
  readonly upstream: UpstreamObserver = {
    call: (event: UpstreamCall) => {
      const labels = { provider: event.providerId, outcome: event.outcome };
      this.upstreamCalls.inc(labels);
      if (event.outcome !== "circuit_open") this.upstreamSeconds.observe(labels, event.durationMs / 1000);
    },
    circuit: (providerId: string, state: CircuitState) => {
      for (const each of CIRCUIT_STATES) this.circuitState.set({ provider: providerId, state: each }, each === state ? 1 : 0);
    },
  };

  /** For the balance loader: one provider's part of one batch. */
  readonly balanceBatch = (providerId: string, size: number): void => {
    this.batchSize.observe({ provider: providerId }, size);
  };

  /** Counts the ledger's claims and settlements as they happen, and reads its backlog at scrape time. */
  observeLedger(ledger: RefundLedger): RefundLedger {
    this.backlogSource = () => ledger.countUnsettled(BACKLOG_SCRAPE_LIMIT);
    const claims = this.refundClaims;
    const settlements = this.refundSettlements;
    return new Proxy(ledger, {
      get(target, property, receiver) {
        if (property === "claim") {
          return async (...args: Parameters<RefundLedger["claim"]>) => {
            const result = await target.claim(...args);
            if (result.claimed) claims.inc();
            return result;
          };
        }
        if (property === "settle") {
          return async (...args: Parameters<RefundLedger["settle"]>) => {
            const record = await target.settle(...args);
            // A stale attempt changes nothing: only count what this call settled.
            if (record.attempt === args[1] && record.status === args[2].status) settlements.inc({ status: record.status });
            return record;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Counts and times each GraphQL request by operation name. */
  plugin(): ApolloServerPlugin {
    return {
      requestDidStart: async () => {
        const started = performance.now();
        return {
          willSendResponse: async ({ operationName, errors, response }) => {
            const failed = (errors?.length ?? 0) > 0 || (response.http.status ?? 200) >= 400;
            const labels = { operation: this.operationLabel(operationName), outcome: failed ? "errors" : "ok" };
            this.requests.inc(labels);
            this.requestSeconds.observe(labels, (performance.now() - started) / 1000);
          },
        };
      },
    };
  }

  /** The text a Prometheus scrape reads. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name) return "anonymous";
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return "other";
    this.operationNames.add(name);
    return name;
  }
}
