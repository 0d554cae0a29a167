// Responsible for figure 7: refunds per second through POST /graphql on each store, each refund with a key of its own.
import { measureThroughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import type { Rig, Subgraph } from "../rig.js";
import { REFUND_WALLET } from "../dataset.js";
import { STORE_KINDS } from "../../test/support/stores.js";
import type { RequestBody } from "../processes/load.js";

const REFUND: RequestBody = {
  kind: "refund",
  query: "mutation Refund($input: RefundInput!) { refund(input: $input) { refund { status } userErrors { code } } }",
  input: { walletId: REFUND_WALLET, providerId: "lucky-monaco", currency: "USD", amount: "0.01" },
};

/** One store's subgraph, started and waiting to be measured. */
export interface RefundSubgraph {
  store: string;
  subgraph: Subgraph;
  /** Stops the subgraph and drops its store. */
  close(): Promise<void>;
}

/**
 * Starts a subgraph on each store at once (a few seconds each, mostly starting up): the caller may
 * measure something else meanwhile, whose figure does not depend on its throughput.
 */
export async function startRefundSubgraphs(rig: Rig): Promise<RefundSubgraph[]> {
  const started = await Promise.allSettled(
    STORE_KINDS.map(async (kind): Promise<RefundSubgraph> => {
      const store = await kind.create();
      try {
        const subgraph = await rig.subgraph({ providersFrom: "http", server: "apollo-express", storeUrl: store.url });
        return {
          store: kind.name,
          subgraph,
          close: async () => {
            await subgraph.stop();
            await store.drop();
          },
        };
      } catch (error) {
        await store.drop();
        throw error;
      }
    }),
  );
  const failed = started.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await closeAll(started.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : [])));
    throw failed.reason;
  }
  return started.map((outcome) => (outcome as PromiseFulfilledResult<RefundSubgraph>).value);
}

export async function closeAll(subgraphs: readonly RefundSubgraph[]): Promise<void> {
  await Promise.allSettled(subgraphs.map((setup) => setup.close()));
}

/** Measures each store's subgraph in turn, alone under load, then closes them all. */
export async function refunds(rig: Rig, subgraphs: readonly RefundSubgraph[]): Promise<FigureRecord[]> {
  const figures: FigureRecord[] = [];
  try {
    for (const { store, subgraph } of subgraphs) {
      const target = rig.target(subgraph.ready.graphqlUrl, REFUND);
      await measureThroughput(rig.load, subgraph, target, { amount: Math.min(100, rig.durations.refunds) });
      const measured = await measureThroughput(rig.load, subgraph, target, { amount: rig.durations.refunds });
      figures.push(
        figure(
          `refunds.${store.toLowerCase()}`,
          measured.perSecond,
          "refunds/s",
          null,
          `${measured.requests} refunds, 16 at a time, all SUCCEEDED; p99 ${measured.latencyP99Ms} ms; ${measured.cpuMsPerRequest.toFixed(2)} ms CPU each`,
        ),
      );
    }
  } finally {
    await closeAll(subgraphs);
  }
  return figures;
}
