// Responsible for figure 9: the subgraph's CPU per provider call, per protocol and for the whole 50-wallet query, against a bare client making the same calls with only the protocol's mandatory work.
import { BenchProcess } from "../lib/ipc.js";
import { measureThroughput, type Throughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { ClientFloorMethods, ClientFloorOptions, FloorResult } from "../processes/client-floor.js";
import type { Rig, Subgraph } from "../rig.js";
import { LAYER_WALLETS } from "./layer-overhead.js";

export type ClientFloor = BenchProcess<ClientFloorMethods, object>;

/** Subgraph CPU per call over the floor's: at most this, per protocol and for the whole query. */
const BUDGET = 1.5;
/** Requests (passes of the query's calls) at once: as the end-to-end figure loads the subgraph. */
const LANES = 2;

export function startClientFloor(rig: Rig): Promise<ClientFloor> {
  const { providers, links } = rig.simulators;
  return BenchProcess.start<ClientFloorMethods, object>(
    "client-floor",
    { providers, links, walletIds: rig.walletIds.slice(0, LAYER_WALLETS) } satisfies ClientFloorOptions,
    "client floor",
  );
}

/** One subgraph per protocol (its providers only), and the subgraph with every provider under `null`. */
export type SubgraphsByProtocol = ReadonlyMap<string | null, Subgraph>;

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, count) => sum + count, 0);

/** Counts reset once no call arrives any more: calls of the load before (still in flight as it ended) are not the query's. */
async function quiet(rig: Rig): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    await rig.simulators.resetCalls();
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (total(await rig.simulators.calls()) === 0) {
      await rig.simulators.resetCalls();
      return;
    }
  }
  throw new Error("the simulators are still being called 5 s after the load ended");
}

export async function providerCpu(rig: Rig, subgraphs: SubgraphsByProtocol, floor: ClientFloor): Promise<FigureRecord[]> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const figures: FigureRecord[] = [];
  const { warmupSeconds, providerCpuRounds } = rig.durations;
  // Shorter than the layer's rounds: five pairs of processes are measured, and CPU per call needs no long run.
  const throughputSeconds = Math.min(2, rig.durations.throughputSeconds);
  for (const [protocol, subgraph] of subgraphs) {
    const target = rig.target(subgraph.ready.graphqlUrl, operation.body);
    await quiet(rig);
    await rig.post(subgraph.ready.graphqlUrl, operation.body);
    const calls = total(await rig.simulators.calls());
    const floorRun = { protocol, lanes: LANES };
    await measureThroughput(rig.load, subgraph, target, { connections: LANES, seconds: warmupSeconds });
    await floor.call("run", { ...floorRun, seconds: warmupSeconds });
    // Alternated, so that the machine's drift falls on both.
    const ours: Throughput[] = [];
    const floors: FloorResult[] = [];
    for (let round = 0; round < providerCpuRounds; round++) {
      const profile = round === 0 ? rig.profile(`provider_cpu-${protocol ?? "all"}`) : undefined;
      ours.push(await measureThroughput(rig.load, subgraph, target, { connections: LANES, seconds: throughputSeconds, profile }));
      floors.push(await floor.call("run", { ...floorRun, seconds: throughputSeconds }));
    }
    const floorPass = floors[0]!.callsPerPass;
    if (floorPass !== calls) throw new Error(`client floor: ${floorPass} calls a pass, the subgraph made ${calls} (${protocol ?? "all"})`);
    const requests = ours.reduce((sum, run) => sum + run.requests, 0);
    const oursPerCall = (ours.reduce((sum, run) => sum + run.cpuMsPerRequest * run.requests, 0) / requests / calls) * 1000;
    const floorPerCall = (floors.reduce((sum, run) => sum + run.cpuMs, 0) / floors.reduce((sum, run) => sum + run.calls, 0)) * 1000;
    const seconds = ours.reduce((sum, run) => sum + run.seconds, 0);
    figures.push(
      figure(
        `provider_cpu.${protocol ?? "all"}`,
        oursPerCall / floorPerCall,
        "x floor",
        { atMost: BUDGET },
        `${LAYER_WALLETS}-wallet _entities, ${calls} calls a request, ${LANES} at a time: subgraph ${oursPerCall.toFixed(0)} µs CPU a call ` +
          `(${((oursPerCall * calls) / 1000).toFixed(1)} ms a request, ${(requests / seconds).toFixed(2)}/s), bare client ${floorPerCall.toFixed(0)} µs`,
      ),
    );
  }
  return figures;
}
