// Responsible for the operator endpoints outside the router check: liveness (/health), readiness (/ready) and Prometheus metrics (/metrics).
import { sql, type Kysely } from "kysely";
import { Router } from "express";
import type { WalletMetrics } from "../observability/metrics.js";
import type { Database } from "../store/schema.js";

export type ServingState = "starting" | "ready" | "draining";

/** How long the store may take to answer a readiness check before the server counts as not ready. */
const STORE_CHECK_TIMEOUT_MS = 2_000;

export interface ProbeOptions {
  state: () => ServingState;
  /** The store a readiness check asks one cheap query of. */
  db: Kysely<Database>;
  metrics: WalletMetrics;
}

export function probesRouter(options: ProbeOptions): Router {
  const router = Router();
  router.get("/health", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/ready", async (_request, response) => {
    response.setHeader("cache-control", "no-store");
    const state = options.state();
    if (state !== "ready") {
      response.status(503).json({ status: state });
      return;
    }
    try {
      await withTimeout(sql`select 1`.execute(options.db), STORE_CHECK_TIMEOUT_MS);
      response.json({ status: "ready" });
    } catch {
      response.status(503).json({ status: "store-unavailable" });
    }
  });
  router.get("/metrics", async (_request, response) => {
    const { contentType, body } = await options.metrics.scrape();
    response.setHeader("content-type", contentType);
    response.send(body);
  });
  return router;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
