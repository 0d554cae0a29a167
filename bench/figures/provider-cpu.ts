// Responsible for figure 9: the provider clients' CPU per call inside the subgraph (its CPU over HTTP less the same query's from memory), per protocol and for the whole 50-wallet query, against a bare client making the same calls with only the protocol's mandatory work.
import { isDeepStrictEqual } from "node:util";
import { BenchProcess } from "../lib/ipc.js";
import { measureThroughput, type Throughput } from "../lib/measure.js";
import type { TimedPasses } from "../lib/passes.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { ClientFloorMethods, ClientFloorOptions, FloorResult } from "../processes/client-floor.js";
import type { ClientsAloneMethods, ClientsAloneOptions } from "../processes/clients-alone.js";
import type { Rig, Subgraph } from "../rig.js";
import { LAYER_WALLETS } from "./layer-overhead.js";

export type ClientFloor = BenchProcess<ClientFloorMethods, object>;
export type ClientsAlone = BenchProcess<ClientsAloneMethods, object>;

/** The clients' CPU per call in the subgraph over the floor's: at most this, per protocol and for the whole query. */
const BUDGET = 1.5;
/** Requests (passes of the query's calls) at once: as the end-to-end figure loads the subgraph. */
const LANES = 2;

/** The query's providers, their links and wallets: what both the floor and the clients alone are started with. */
function callersOptions(rig: Rig): ClientFloorOptions & ClientsAloneOptions {
  const { providers, links } = rig.simulators;
  return { providers, links, walletIds: rig.walletIds.slice(0, LAYER_WALLETS) };
}

export function startClientFloor(rig: Rig): Promise<ClientFloor> {
  return BenchProcess.start<ClientFloorMethods, object>("client-floor", callersOptions(rig), "client floor");
}

/** The product's clients driven alone (no GraphQL, HTTP server or auth), on a store of their own with the same links. */
export function startClientsAlone(rig: Rig): Promise<ClientsAlone> {
  return BenchProcess.start<ClientsAloneMethods, object>("clients-alone", callersOptions(rig), "clients alone");
}

/**
 * Per protocol, the subgraph configured with its providers only, twice: its real clients over HTTP, and the same
 * configuration answering from memory (the GraphQL layer's share of a request). Under `null`, every provider.
 */
export type SubgraphsByProtocol = ReadonlyMap<string | null, { overHttp: Subgraph; fromMemory: Subgraph }>;

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

/** CPU per request over several runs, weighted by their requests (ms). */
const cpuMsPerRequest = (runs: readonly Throughput[]) =>
  runs.reduce((sum, run) => sum + run.cpuMsPerRequest * run.requests, 0) / runs.reduce((sum, run) => sum + run.requests, 0);

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function providerCpu(
  rig: Rig,
  subgraphs: SubgraphsByProtocol,
  floor: ClientFloor,
  clientsAlone: ClientsAlone,
): Promise<FigureRecord[]> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const figures: FigureRecord[] = [];
  const { warmupSeconds, providerCpuRounds } = rig.durations;
  // Shorter than the layer's rounds, one second a side: four sides for each of five configurations are measured, CPU per
  // call needs no long run, the sides alternate often enough that a slow spell of this shared machine falls on one round's
  // side, not on a whole side, and the median of the rounds leaves such a round out.
  const throughputSeconds = Math.min(1, rig.durations.throughputSeconds);
  for (const [protocol, { overHttp, fromMemory }] of subgraphs) {
    const name = protocol ?? "all";
    const httpTarget = rig.target(overHttp.ready.graphqlUrl, operation.body);
    const memoryTarget = rig.target(fromMemory.ready.graphqlUrl, operation.body);
    await quiet(rig);
    const overHttpAnswer = await rig.post(overHttp.ready.graphqlUrl, operation.body);
    const calls = total(await rig.simulators.calls());
    await rig.simulators.resetCalls();
    const fromMemoryAnswer = await rig.post(fromMemory.ready.graphqlUrl, operation.body);
    const memoryCalls = total(await rig.simulators.calls());
    if (memoryCalls !== 0) throw new Error(`subgraph from memory (${name}): ${memoryCalls} provider calls, none expected`);
    // Subtracting the layer holds only if both answer the same: the query selects no time-dependent field (no asOf).
    if (!isDeepStrictEqual(overHttpAnswer.data, fromMemoryAnswer.data)) {
      throw new Error(`subgraph from memory (${name}) answers differently from the one over HTTP: ${fromMemoryAnswer.text.slice(0, 500)}`);
    }
    // The clients alone make the same calls as the subgraph: counted at the simulators, as the subgraph's were.
    await quiet(rig);
    await clientsAlone.call("pass", protocol);
    const aloneCalls = total(await rig.simulators.calls());
    if (aloneCalls !== calls) throw new Error(`clients alone: ${aloneCalls} calls a pass, the subgraph made ${calls} (${name})`);
    const floorRun = { protocol, lanes: LANES };
    await measureThroughput(rig.load, overHttp, httpTarget, { connections: LANES, seconds: warmupSeconds });
    await measureThroughput(rig.load, fromMemory, memoryTarget, { connections: LANES, seconds: warmupSeconds });
    await floor.call("run", { ...floorRun, seconds: warmupSeconds });
    await clientsAlone.call("run", { ...floorRun, seconds: warmupSeconds });
    // Alternated, so that the machine's drift falls on all three.
    const http: Throughput[] = [];
    const memory: Throughput[] = [];
    const floors: FloorResult[] = [];
    const alone: TimedPasses[] = [];
    for (let round = 0; round < providerCpuRounds; round++) {
      const profile = (side: string) => (round === 0 ? rig.profile(`provider_cpu-${name}-${side}`) : undefined);
      const run = { connections: LANES, seconds: throughputSeconds };
      http.push(await measureThroughput(rig.load, overHttp, httpTarget, { ...run, profile: profile("http") }));
      memory.push(await measureThroughput(rig.load, fromMemory, memoryTarget, { ...run, profile: profile("memory") }));
      floors.push(await floor.call("run", { ...floorRun, seconds: throughputSeconds }));
      alone.push(await clientsAlone.call("run", { ...floorRun, seconds: throughputSeconds }));
    }
    const floorPass = floors[0]!.callsPerPass;
    if (floorPass !== calls) throw new Error(`client floor: ${floorPass} calls a pass, the subgraph made ${calls} (${name})`);
    const httpMs = cpuMsPerRequest(http);
    const layerMs = cpuMsPerRequest(memory);
    const wholePerCall = (httpMs / calls) * 1000;
    const clientsPerCall = ((httpMs - layerMs) / calls) * 1000;
    const floorPerCall = (floors.reduce((sum, run) => sum + run.cpuMs, 0) / floors.reduce((sum, run) => sum + run.calls, 0)) * 1000;
    const alonePerCall =
      (alone.reduce((sum, run) => sum + run.cpuMs, 0) / (alone.reduce((sum, run) => sum + run.passes, 0) * calls)) * 1000;
    // The figure is the median of the rounds' own ratios, each from three measurements a few seconds apart: the net is a
    // difference of two CPU figures, so a slow spell of this shared machine during one side of one round moves a pooled
    // ratio by a fifth or more, where it moves one round's ratio only.
    const floorPerCallIn = (round: number) => (floors[round]!.cpuMs / floors[round]!.calls) * 1000;
    const roundRatios = http.map((run, i) => (((run.cpuMsPerRequest - memory[i]!.cpuMsPerRequest) / calls) * 1000) / floorPerCallIn(i));
    const aloneRatios = alone.map((run, i) => ((run.cpuMs / (run.passes * calls)) * 1000) / floorPerCallIn(i));
    const rounds = (ratios: readonly number[]) => ratios.map((ratio) => ratio.toFixed(2)).join(", ");
    const rate = http.reduce((sum, run) => sum + run.requests, 0) / http.reduce((sum, run) => sum + run.seconds, 0);
    figures.push(
      figure(
        `provider_cpu.${name}`,
        median(roundRatios),
        "x floor",
        { atMost: BUDGET },
        `median of the rounds (${rounds(roundRatios)}); all rounds pooled: ` +
          `${LAYER_WALLETS}-wallet _entities, ${calls} calls a request, ${LANES} at a time: subgraph ${wholePerCall.toFixed(0)} µs CPU a call ` +
          `(${(wholePerCall / floorPerCall).toFixed(2)}x floor; ${httpMs.toFixed(1)} ms a request, ${rate.toFixed(2)}/s), ` +
          `GraphQL layer ${layerMs.toFixed(1)} ms a request (from memory), clients ${clientsPerCall.toFixed(0)} µs a call net, ` +
          `bare client ${floorPerCall.toFixed(0)} µs`,
      ),
      figure(
        `provider_cpu.${name}_clients_alone`,
        median(aloneRatios),
        "x floor",
        null,
        `the product's clients driven alone in a process of their own (no GraphQL, HTTP server or auth; the same calls, ` +
          `counted), median of the rounds (${rounds(aloneRatios)}); pooled: ${alonePerCall.toFixed(0)} µs a call against the bare client's ${floorPerCall.toFixed(0)} µs`,
      ),
    );
  }
  return figures;
}
