// What an orchestrator and Prometheus read: /health, /ready (store, starting, draining) and /metrics, outside the router secret.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probesRouter, type ServingState } from "../../src/http/probes.js";
import { createLogger } from "../../src/observability/logger.js";
import { UPSTREAM_OUTCOMES, WalletMetrics } from "../../src/observability/metrics.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { openStore } from "../../src/store/open-store.js";
import { ExampleWalletDocument, RefundDocument, WalletEntitiesDocument } from "../generated/graphql.js";
import { dataOf, postGraphQL, asOperator } from "../support/graphql-http.js";

const ROUTER_SECRET = "probe-test-router-secret";

describe("a running sandbox behind a router secret", () => {
  let sandbox: Sandbox;
  const post = <D, V>(document: Parameters<typeof postGraphQL<D, V>>[1], variables?: V) =>
    postGraphQL(sandbox.graphqlUrl, document, variables, { ...asOperator(sandbox), "router-authorization": ROUTER_SECRET });

  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      storeUrl: "sqlite::memory:",
      routerSecret: ROUTER_SECRET,
      logger: createLogger({ level: "silent" }),
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it("answers /health and /ready without the router secret, while /graphql still asks for it", async () => {
    const health = await fetch(`${sandbox.url}/health`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${sandbox.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    const graphql = await fetch(sandbox.graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(graphql.status).not.toBe(200);
  });

  it("counts requests by operation, batch sizes, upstream calls, refunds by status and the backlog", async () => {
    dataOf(await post(ExampleWalletDocument));
    dataOf(
      await post(WalletEntitiesDocument, {
        representations: [
          { __typename: "Wallet", id: "tester" },
          { __typename: "Wallet", id: "nobody" },
        ],
        currency: "USD",
      }),
    );
    const refund = dataOf(
      await post(RefundDocument, {
        input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: "1.00", idempotencyKey: randomUUID() },
      }),
    );
    expect(refund.refund.refund?.status).toBe("SUCCEEDED");

    const response = await fetch(`${sandbox.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    const value = (pattern: RegExp): number => {
      const match = text.split("\n").find((line) => pattern.test(line));
      return match ? Number(match.split(" ").at(-1)) : NaN;
    };
    expect(value(/^wallet_graphql_requests_total\{operation="ExampleWallet",outcome="ok"\}/)).toBe(1);
    expect(value(/^wallet_graphql_requests_total\{operation="WalletEntities",outcome="ok"\}/)).toBe(1);
    expect(value(/^wallet_graphql_request_duration_seconds_count\{operation="Refund",outcome="ok"\}/)).toBe(1);
    // Two wallets' USD at Kyren in one _entities request: one batch of two.
    expect(value(/^wallet_balance_batch_size_bucket\{le="2",provider="kyren"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^wallet_balance_batch_size_count\{provider="kyren"\}/)).toBeGreaterThanOrEqual(2);
    expect(value(/^wallet_upstream_calls_total\{provider="kyren",outcome="ok"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^wallet_upstream_call_duration_seconds_count\{provider="xpay",outcome="ok"\}/)).toBeGreaterThanOrEqual(1);
    expect(value(/^wallet_refunds_claimed_total /)).toBe(1);
    expect(value(/^wallet_refunds_settled_total\{status="SUCCEEDED"\}/)).toBe(1);
    expect(value(/^wallet_reconciler_backlog /)).toBe(0);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
  });

  it("shows an open circuit and circuit_open calls after a provider keeps failing", async () => {
    await sandbox.simulators.alphaSms.setFault("http500");
    try {
      for (let i = 0; i < 12; i++) await post(ExampleWalletDocument);
    } finally {
      await sandbox.simulators.alphaSms.setFault(null);
    }
    const text = await (await fetch(`${sandbox.url}/metrics`)).text();
    expect(text).toMatch(/^wallet_upstream_calls_total\{provider="alphasms",outcome="UPSTREAM_ERROR"\} [1-9]/m);
    expect(text).toMatch(/^wallet_circuit_state\{provider="alphasms",state="open"\} 1$/m);
    expect(text).toMatch(/^wallet_upstream_calls_total\{provider="alphasms",outcome="circuit_open"\} [1-9]/m);
  });
});

describe("a sandbox scraped before anything has called a provider", () => {
  it("already shows every configured provider's series, at zero and with its circuit closed", async () => {
    const sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", logger: createLogger({ level: "silent" }) });
    try {
      const text = await (await fetch(`${sandbox.url}/metrics`)).text();
      const lines = new Set(text.split("\n"));
      expect(sandbox.providers.length).toBeGreaterThanOrEqual(5);
      for (const { id } of sandbox.providers) {
        for (const outcome of UPSTREAM_OUTCOMES) {
          expect(lines).toContain(`wallet_upstream_calls_total{provider="${id}",outcome="${outcome}"} 0`);
        }
        expect(lines).toContain(`wallet_upstream_call_duration_seconds_count{provider="${id}",outcome="ok"} 0`);
        expect(lines).toContain(`wallet_balance_batch_size_count{provider="${id}"} 0`);
        expect(lines).toContain(`wallet_circuit_state{provider="${id}",state="closed"} 1`);
        expect(lines).toContain(`wallet_circuit_state{provider="${id}",state="open"} 0`);
        expect(lines).toContain(`wallet_circuit_state{provider="${id}",state="half-open"} 0`);
      }
      expect(UPSTREAM_OUTCOMES).toEqual(expect.arrayContaining(["ok", "TIMEOUT", "UPSTREAM_ERROR", "circuit_open"]));
      for (const status of ["SUCCEEDED", "FAILED", "UNKNOWN"])
        expect(lines).toContain(`wallet_refunds_settled_total{status="${status}"} 0`);
      expect(lines).toContain("wallet_reconciler_backlog 0");
      // Nothing was called to make them.
      for (const simulator of Object.values(sandbox.simulators)) expect(simulator.calls()).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });
});

describe("the readiness probe on its own", () => {
  async function serve(state: () => ServingState, storeUrl = "sqlite::memory:") {
    const store = await openStore(storeUrl);
    const app = express().use(probesRouter({ state, db: store.db, metrics: new WalletMetrics({ processMetrics: false }) }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, store, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it("answers 503 while starting and while draining, 200 when ready, 503 when the store does not answer", async () => {
    let state: ServingState = "starting";
    const probe = await serve(() => state);
    try {
      const status = async () => {
        const response = await fetch(`${probe.url}/ready`);
        return [response.status, ((await response.json()) as { status: string }).status];
      };
      expect(await status()).toEqual([503, "starting"]);
      state = "ready";
      expect(await status()).toEqual([200, "ready"]);
      state = "draining";
      expect(await status()).toEqual([503, "draining"]);
      state = "ready";
      await probe.store.close();
      expect(await status()).toEqual([503, "store-unavailable"]);
      // Liveness says nothing about the store.
      expect((await fetch(`${probe.url}/health`)).status).toBe(200);
    } finally {
      await probe.close();
    }
  });
});

describe("two servers in one process", () => {
  it("keep separate registries", async () => {
    const a = new WalletMetrics({ processMetrics: false });
    const b = new WalletMetrics({ processMetrics: false });
    a.balanceBatch("kyren", 3);
    expect(await a.registry.metrics()).toMatch(/wallet_balance_batch_size_count\{provider="kyren"\} 1/);
    expect(await b.registry.metrics()).not.toMatch(/wallet_balance_batch_size_count\{provider="kyren"\}/);
  });
});
