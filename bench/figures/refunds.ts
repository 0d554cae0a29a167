// Responsible for figure 7: refunds per second through POST /graphql on each store, each refund with a key of its own.
import { measureThroughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import type { Rig } from "../rig.js";
import { REFUND_WALLET } from "../dataset.js";
import { STORE_KINDS } from "../../test/support/stores.js";
import type { RequestBody } from "../processes/load.js";

const REFUND: RequestBody = {
  kind: "refund",
  query: "mutation Refund($input: RefundInput!) { refund(input: $input) { refund { status } userErrors { code } } }",
  input: { walletId: REFUND_WALLET, providerId: "lucky-monaco", currency: "USD", amount: "0.01" },
};

export async function refunds(rig: Rig): Promise<FigureRecord[]> {
  const figures: FigureRecord[] = [];
  for (const kind of STORE_KINDS) {
    const store = await kind.create();
    try {
      const subgraph = await rig.subgraph({ providersFrom: "http", server: "apollo-express", storeUrl: store.url });
      try {
        const target = rig.target(subgraph.ready.graphqlUrl, REFUND);
        await measureThroughput(rig.load, subgraph, target, { amount: Math.min(100, rig.durations.refunds) });
        const measured = await measureThroughput(rig.load, subgraph, target, { amount: rig.durations.refunds });
        figures.push(
          figure(
            `refunds.${kind.name.toLowerCase()}`,
            measured.perSecond,
            "refunds/s",
            null,
            `${measured.requests} refunds, 16 at a time, all SUCCEEDED; p99 ${measured.latencyP99Ms} ms; ${measured.cpuMsPerRequest.toFixed(2)} ms CPU each`,
          ),
        );
      } finally {
        await subgraph.stop();
      }
    } finally {
      await store.drop();
    }
  }
  return figures;
}
