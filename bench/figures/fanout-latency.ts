// Responsible for figure 2: one wallet across every provider, each answering in 50 ms: how close the answer comes to one provider's time, and to this machine's floor.
import { BenchProcess } from "../lib/ipc.js";
import { oneWallet } from "../operations.js";
import { figure, type FigureRecord } from "../lib/report.js";
import type { FanoutFloorMethods, FanoutFloorOptions } from "../processes/fanout-floor.js";
import type { LoadTarget } from "../processes/load.js";
import type { Rig, Subgraph } from "../rig.js";

const PROVIDER_LATENCY_MS = 50;
/** One request at a time: the latency of the fan-out itself, not of requests queueing behind each other on two cores. */
const LANES = 1;

export type FanoutFloor = BenchProcess<FanoutFloorMethods, { graphqlUrl: string }>;

/** The wallet figure 2 reads, across every provider. */
const walletOf = (rig: Rig) => rig.walletIds[0]!;

/** The floor's server, started ahead (with the subgraph, before anything is measured), making the calls of figure 2's operation. */
export function startFanoutFloor(rig: Rig): Promise<FanoutFloor> {
  const { providers, links } = rig.simulators;
  return BenchProcess.start<FanoutFloorMethods, { graphqlUrl: string }>(
    "fanout-floor",
    { providers, links, walletId: walletOf(rig) } satisfies FanoutFloorOptions,
    "fan-out floor",
  );
}

/** Connections of the hot warm-up: enough to keep both cores busy while the providers answer at once. */
const HOT_WARMUP_CONNECTIONS = 8;

/**
 * Brings a server to the state it serves in: V8 compiles a function to optimised code only after many calls, so the
 * few dozen requests of a latency warm-up at 50 ms leave the request path partly in the interpreter, and the figure
 * would measure a process that has just started. A running subgraph has served thousands: the same operation is sent
 * for a few seconds at full speed, with the providers answering at once, before the latency is measured.
 */
async function hotWarmup(rig: Rig, target: LoadTarget, what: string): Promise<void> {
  await rig.simulators.setLatency(0);
  const result = await rig.load.call("throughput", {
    ...target,
    connections: HOT_WARMUP_CONNECTIONS,
    seconds: rig.durations.hotWarmupSeconds,
  });
  if (result.failed > 0) throw new Error(`${what} warm-up: ${result.failed} of ${result.requests} requests failed`);
  await rig.simulators.setLatency(PROVIDER_LATENCY_MS);
}

/** With `floor`, the floor's figures too. */
export async function fanoutLatency(rig: Rig, subgraph: Subgraph, floor: FanoutFloor | undefined): Promise<FigureRecord[]> {
  const operation = oneWallet(walletOf(rig));
  const target = rig.target(subgraph.ready.graphqlUrl, operation.body);
  try {
    await rig.simulators.resetCalls();
    await rig.post(subgraph.ready.graphqlUrl, operation.body);
    const callsByProvider = await rig.simulators.calls();
    const calls = Object.values(callsByProvider).reduce((sum, count) => sum + count, 0);
    await hotWarmup(rig, target, "fanout");
    await rig.load.call("latency", { ...target, lanes: LANES, seconds: rig.durations.warmupSeconds });
    const profile = rig.profile("fanout_latency");
    if (profile) await subgraph.call("startProfile");
    await rig.simulators.resetCalls();
    const before = await subgraph.call("usage");
    const result = await rig.load.call("latency", { ...target, lanes: LANES, seconds: rig.durations.latencySeconds });
    const cpuMsPerRequest = ((await subgraph.call("usage")).cpuMs - before.cpuMs) / result.requests;
    if (profile) await subgraph.call("stopProfile", profile);
    if (result.failed > 0) throw new Error(`fanout: ${result.failed} of ${result.requests} requests failed`);
    // What the floor really was: the simulators' own answer times, arrival to answer leaving.
    const answers = (await rig.simulators.answerTimes()).sort((a, b) => a - b);
    const at = (q: number) => answers[Math.min(answers.length - 1, Math.floor(q * answers.length))]!.toFixed(2);
    const detail =
      `${result.requests} requests one after another, ${calls} provider calls each; p50 ${result.p50Ms.toFixed(1)} ms, ` +
      `p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms; subgraph CPU ${cpuMsPerRequest.toFixed(2)} ms per request; ` +
      `simulators answered in min ${at(0)}, p50 ${at(0.5)}, p99 ${at(0.99)} ms`;
    const figures = [
      figure("fanout_latency.p50", result.p50Ms / PROVIDER_LATENCY_MS, `x ${PROVIDER_LATENCY_MS} ms`, { atMost: 1.15 }, detail),
      figure("fanout_latency.p99", result.p99Ms / PROVIDER_LATENCY_MS, `x ${PROVIDER_LATENCY_MS} ms`, { atMost: 1.5 }),
    ];
    if (!floor) return figures;
    const floorResult = await floorLatency(rig, floor, callsByProvider);
    const floorDetail =
      `a bare node:http server making the same ${calls} calls (counted per provider by the simulators) over undici, with each protocol's ` +
      `mandatory work and nothing else (XPAY's sealing and opening, Nami's HMAC, SLOT_SPEC's uuid, a lossless parse of every answer; no auth, GraphQL): ` +
      `p50 ${floorResult.p50Ms.toFixed(1)} ms, p99 ${floorResult.p99Ms.toFixed(1)} ms over ${floorResult.requests} requests; what loopback, scheduling and the simulators cost on this machine`;
    return [
      ...figures,
      figure("fanout_latency.floor_p50", floorResult.p50Ms / PROVIDER_LATENCY_MS, `x ${PROVIDER_LATENCY_MS} ms`, null, floorDetail),
      figure("fanout_latency.floor_p99", floorResult.p99Ms / PROVIDER_LATENCY_MS, `x ${PROVIDER_LATENCY_MS} ms`, null),
      figure(
        "fanout_latency.p50_to_floor",
        result.p50Ms / floorResult.p50Ms,
        "x floor",
        { atMost: 1.05 },
        "the subgraph's p50 over the floor's, same run",
      ),
      figure(
        "fanout_latency.p99_to_floor",
        result.p99Ms / floorResult.p99Ms,
        "x floor",
        { atMost: 1.15 },
        "the subgraph's p99 over the floor's, same run",
      ),
    ];
  } finally {
    await rig.simulators.setLatency(0);
  }
}

/** The same fan-out without the subgraph: the part of the figure that no server code can take away here. */
async function floorLatency(rig: Rig, floor: FanoutFloor, callsByProvider: Record<string, number>) {
  await rig.simulators.resetCalls();
  await rig.post(floor.ready.graphqlUrl, "{}");
  const floorCalls = await rig.simulators.calls();
  const differ = Object.keys({ ...callsByProvider, ...floorCalls }).filter((id) => (floorCalls[id] ?? 0) !== (callsByProvider[id] ?? 0));
  if (differ.length > 0) {
    const each = differ.map((id) => `${id}: floor ${floorCalls[id] ?? 0}, subgraph ${callsByProvider[id] ?? 0}`).join("; ");
    throw new Error(`fanout floor: its calls per request differ from the subgraph's for the same operation (${each})`);
  }
  const target = rig.target(floor.ready.graphqlUrl, "{}");
  await hotWarmup(rig, target, "fanout floor");
  await rig.load.call("latency", { ...target, lanes: LANES, seconds: rig.durations.warmupSeconds });
  const result = await rig.load.call("latency", { ...target, lanes: LANES, seconds: rig.durations.latencySeconds });
  if (result.failed > 0) throw new Error(`fanout floor: ${result.failed} of ${result.requests} requests failed`);
  return result;
}
