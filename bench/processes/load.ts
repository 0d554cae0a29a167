// Responsible for the load: autocannon for throughput, and closed-loop lanes timing every request for latency; apart from every server.
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { Agent, request } from "undici";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";

/** What each request sends: the same body every time, or a refund with an idempotency key of its own. */
export type RequestBody = { kind: "fixed"; body: string } | { kind: "refund"; query: string; input: Record<string, string> };

export interface LoadTarget {
  url: string;
  headers: Record<string, string>;
  body: RequestBody;
}

export interface ThroughputRun extends LoadTarget {
  connections: number;
  /** Either a time or a number of requests. */
  seconds?: number;
  amount?: number;
}

export interface ThroughputResult {
  requests: number;
  seconds: number;
  perSecond: number;
  /** Answers that were not HTTP 2xx, or carried GraphQL errors (or, for refunds, did not succeed). */
  failed: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface LatencyRun extends LoadTarget {
  lanes: number;
  seconds: number;
}

export interface LatencyResult {
  requests: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const bodyOf = (body: RequestBody): string =>
  body.kind === "fixed"
    ? body.body
    : JSON.stringify({ query: body.query, variables: { input: { ...body.input, idempotencyKey: randomUUID() } } });

/** A failed answer: not 2xx, GraphQL errors, or a refund that did not succeed. */
const isFailure = (status: number, text: string, body: RequestBody): boolean =>
  status < 200 || status > 299 || text.includes('"errors"') || (body.kind === "refund" && !text.includes('"SUCCEEDED"'));

async function throughput(run: ThroughputRun): Promise<ThroughputResult> {
  let failed = 0;
  const started = performance.now();
  let lastAnswer = started;
  const result = await autocannon({
    url: run.url,
    method: "POST",
    connections: run.connections,
    ...(run.amount !== undefined ? { amount: run.amount } : { duration: run.seconds ?? 10 }),
    headers: { "content-type": "application/json", ...run.headers },
    requests: [
      {
        method: "POST",
        ...(run.body.kind === "fixed" ? { body: run.body.body } : { setupRequest: (req) => ({ ...req, body: bodyOf(run.body) }) }),
        onResponse: (status, text) => {
          lastAnswer = performance.now();
          if (isFailure(status, text, run.body)) failed++;
        },
      },
    ],
  });
  // Until the last answer: with `amount`, autocannon itself returns only at its next whole-second tick.
  const seconds = (lastAnswer - started) / 1000;
  const requests = result.requests.total;
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    failed: failed + result.errors + result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}

/** `lanes` clients, each sending its next request when the last is answered; every request timed to the microsecond. */
async function latency(run: LatencyRun): Promise<LatencyResult> {
  const dispatcher = new Agent({ connections: run.lanes });
  const times: number[] = [];
  let failed = 0;
  const until = performance.now() + run.seconds * 1000;
  await Promise.all(
    Array.from({ length: run.lanes }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const response = await request(run.url, {
          method: "POST",
          dispatcher,
          headers: { "content-type": "application/json", ...run.headers },
          body: bodyOf(run.body),
        });
        const text = await response.body.text();
        times.push(performance.now() - started);
        if (isFailure(response.statusCode, text, run.body)) failed++;
      }
    }),
  );
  await dispatcher.close();
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!;
  return { requests: times.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: times[times.length - 1]! };
}

export type LoadMethods = {
  throughput(run: ThroughputRun): Promise<ThroughputResult>;
  latency(run: LatencyRun): Promise<LatencyResult>;
};

try {
  benchOptions<object>();
  serveMethods({}, { throughput, latency });
} catch (error) {
  failStart(error);
}
