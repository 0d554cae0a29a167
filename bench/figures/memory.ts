// Responsible for figure 6: whether the process's memory settles under load: RSS after all requests over RSS after the first tenth, each after a full GC.
import { measureThroughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { oneWallet } from "../operations.js";
import type { Rig, Subgraph } from "../rig.js";

const MIB = 1024 * 1024;

/** `subgraph` is fresh: nothing has been asked of it yet. */
export async function memory(rig: Rig, subgraph: Subgraph): Promise<FigureRecord[]> {
  const { first, total } = rig.durations.memoryRequests;
  const target = rig.target(subgraph.ready.graphqlUrl, oneWallet(rig.walletIds[0]!).body);
  const opening = await measureThroughput(rig.load, subgraph, target, { amount: first });
  const early = await subgraph.call("settledUsage");
  const rest = await measureThroughput(rig.load, subgraph, target, { amount: total - first });
  const late = await subgraph.call("settledUsage");
  return [
    figure(
      "memory.rss_ratio",
      late.rssBytes / early.rssBytes,
      `RSS ${total / 1000}k / ${first / 1000}k`,
      { atMost: 1.1 },
      `${opening.requests + rest.requests} requests (one wallet, all currencies), each point after a full GC: RSS ${(early.rssBytes / MIB).toFixed(1)} -> ${(late.rssBytes / MIB).toFixed(1)} MiB, heap used ${(early.heapUsedBytes / MIB).toFixed(1)} -> ${(late.heapUsedBytes / MIB).toFixed(1)} MiB, heap held ${(early.heapTotalBytes / MIB).toFixed(1)} -> ${(late.heapTotalBytes / MIB).toFixed(1)} MiB, external ${(early.externalBytes / MIB).toFixed(1)} -> ${(late.externalBytes / MIB).toFixed(1)} MiB`,
    ),
  ];
}
