// Responsible for figure 3: the subgraph against a bare @apollo/server giving the same answer from memory: what type-graphql, DataLoader, Decimal and our plugins cost.
import { isDeepStrictEqual } from "node:util";
import { BenchProcess } from "../lib/ipc.js";
import { interleaved, type MeasuredServer, type Throughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { BareApolloOptions } from "../processes/bare-apollo.js";
import type { ProcessUsage } from "../lib/usage.js";
import type { ProfilingMethods } from "../lib/profiler.js";
import type { Rig, Subgraph } from "../rig.js";

export const LAYER_WALLETS = 50;

export interface LayerOverhead {
  figures: FigureRecord[];
  subgraph: Throughput;
}

/** `subgraph` serves its providers from memory. */
export async function layerOverhead(rig: Rig, subgraph: Subgraph): Promise<LayerOverhead> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const answer = await rig.post(subgraph.ready.graphqlUrl, operation.body);
  const entities = answer.data._entities as { id: string }[];
  const bare: MeasuredServer = await BenchProcess.start<ProfilingMethods & { usage(): ProcessUsage }, { graphqlUrl: string }>(
    "bare-apollo",
    { wallets: Object.fromEntries(entities.map((wallet) => [wallet.id, wallet])) } satisfies BareApolloOptions,
    "bare @apollo/server",
  );
  try {
    const bareAnswer = await rig.post(bare.ready.graphqlUrl, operation.body);
    if (!isDeepStrictEqual(bareAnswer.data, answer.data)) throw new Error("the bare server's answer differs from the subgraph's");
    const { durations } = rig;
    const { a: ours, b: baseline } = await interleaved(
      rig.load,
      {
        a: {
          server: subgraph,
          target: rig.target(subgraph.ready.graphqlUrl, operation.body),
          profile: rig.profile("layer_overhead-subgraph"),
        },
        b: { server: bare, target: rig.target(bare.ready.graphqlUrl, operation.body), profile: rig.profile("layer_overhead-bare") },
      },
      durations.layerRounds,
      durations.throughputSeconds,
      durations.warmupSeconds,
    );
    const bytes = Buffer.byteLength(answer.text);
    return {
      subgraph: ours,
      figures: [
        figure(
          "layer_overhead.throughput_ratio",
          ours.perSecond / baseline.perSecond,
          "subgraph / bare",
          { atLeast: 0.8 },
          `${LAYER_WALLETS}-wallet _entities (${(bytes / 1024).toFixed(0)} KiB answer): subgraph ${ours.perSecond.toFixed(0)}/s, bare @apollo/server ${baseline.perSecond.toFixed(0)}/s`,
        ),
        figure(
          "layer_overhead.subgraph_cpu_per_request",
          ours.cpuMsPerRequest,
          "ms CPU",
          null,
          `bare @apollo/server ${baseline.cpuMsPerRequest.toFixed(2)} ms`,
        ),
      ],
    };
  } finally {
    await bare.stop();
  }
}
