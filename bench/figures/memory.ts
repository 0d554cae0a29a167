// Responsible for figure 6: whether the process's memory settles under load: RSS after all requests over RSS after the first tenth, each after garbage collection.
import { measureThroughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import type { ProcessUsage } from "../lib/usage.js";
import { oneWallet } from "../operations.js";
import type { Rig, Subgraph } from "../rig.js";

const MIB = 1024 * 1024;

const mib = (bytes: number): string => (bytes / MIB).toFixed(1);
const change = (early: ProcessUsage, late: ProcessUsage): string =>
  `RSS ${mib(early.rssBytes)} -> ${mib(late.rssBytes)} MiB, heap used ${mib(early.heapUsedBytes)} -> ${mib(late.heapUsedBytes)} MiB, heap held ${mib(early.heapTotalBytes)} -> ${mib(late.heapTotalBytes)} MiB, external ${mib(early.externalBytes)} -> ${mib(late.externalBytes)} MiB`;

/**
 * `subgraph` is fresh: nothing has been asked of it yet. The budget is on what the process retains (after V8 has
 * given back the memory it keeps in reserve, as it does under pressure); what it holds with that reserve is reported
 * beside it, since the reserve follows V8's sizing of its young generation and page pool to the load, not what the
 * process keeps.
 */
export async function memory(rig: Rig, subgraph: Subgraph): Promise<FigureRecord[]> {
  const { first, total } = rig.durations.memoryRequests;
  const target = rig.target(subgraph.ready.graphqlUrl, oneWallet(rig.walletIds[0]!).body);
  const opening = await measureThroughput(rig.load, subgraph, target, { amount: first });
  const early = await subgraph.call("settledUsage");
  const rest = await measureThroughput(rig.load, subgraph, target, { amount: total - first });
  const late = await subgraph.call("settledUsage");
  const requests = `${opening.requests + rest.requests} requests (one wallet, all currencies)`;
  const unit = `RSS ${total / 1000}k / ${first / 1000}k`;
  return [
    figure(
      "memory.rss_ratio",
      late.retained.rssBytes / early.retained.rssBytes,
      unit,
      { atMost: 1.1 },
      `${requests}, each point after a last-resort GC (V8's reserve given back): ${change(early.retained, late.retained)}`,
    ),
    figure(
      "memory.rss_held_ratio",
      late.held.rssBytes / early.held.rssBytes,
      unit,
      null,
      `the same points after an ordinary full GC, V8's reserve (young generation, pooled pages) still held: ${change(early.held, late.held)}`,
    ),
  ];
}
