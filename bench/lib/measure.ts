// Responsible for one throughput measurement of one server process: requests per second from the load process, CPU per request from the server's own clock.
import type { BenchProcess } from "./ipc.js";
import type { ProcessUsage } from "./usage.js";
import type { ProfilingMethods } from "./profiler.js";
import type { LoadMethods, LoadTarget } from "../processes/load.js";

export type MeasuredServer = BenchProcess<ProfilingMethods & { usage(): ProcessUsage }, { graphqlUrl: string }>;

export interface Throughput {
  requests: number;
  seconds: number;
  perSecond: number;
  cpuMsPerRequest: number;
  latencyP99Ms: number;
}

/** Connections the load keeps open: enough to keep one server process busy. */
const CONNECTIONS = 16;

export async function measureThroughput(
  load: BenchProcess<LoadMethods, object>,
  server: MeasuredServer,
  target: LoadTarget,
  run: {
    seconds?: number;
    amount?: number;
    connections?: number;
    /** Where to write the server's CPU profile of this run. */ profile?: string;
  },
): Promise<Throughput> {
  if (run.profile) await server.call("startProfile");
  const before = await server.call("usage");
  const result = await load.call("throughput", {
    ...target,
    connections: run.connections ?? CONNECTIONS,
    seconds: run.seconds,
    amount: run.amount,
  });
  const after = await server.call("usage");
  if (run.profile) await server.call("stopProfile", run.profile);
  if (result.failed > 0) throw new Error(`${server.name}: ${result.failed} of ${result.requests} requests failed`);
  if (result.requests === 0) throw new Error(`${server.name}: no request was answered`);
  return {
    requests: result.requests,
    seconds: result.seconds,
    perSecond: result.perSecond,
    cpuMsPerRequest: (after.cpuMs - before.cpuMs) / result.requests,
    latencyP99Ms: result.latencyP99Ms,
  };
}

/** Several runs as one: total requests over total time, CPU weighted by requests. */
function combine(runs: readonly Throughput[]): Throughput {
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  return {
    requests,
    seconds,
    perSecond: requests / seconds,
    cpuMsPerRequest: runs.reduce((sum, run) => sum + run.cpuMsPerRequest * run.requests, 0) / requests,
    latencyP99Ms: Math.max(...runs.map((run) => run.latencyP99Ms)),
  };
}

/**
 * A against B in alternating rounds (A, B, A, B...), so that the machine's drift during the run
 * falls on both alike; each side warmed up first.
 */
export async function interleaved(
  load: BenchProcess<LoadMethods, object>,
  sides: {
    a: { server: MeasuredServer; target: LoadTarget; profile?: string };
    b: { server: MeasuredServer; target: LoadTarget; profile?: string };
  },
  rounds: number,
  seconds: number,
  warmupSeconds: number,
): Promise<{ a: Throughput; b: Throughput }> {
  await measureThroughput(load, sides.a.server, sides.a.target, { seconds: warmupSeconds });
  await measureThroughput(load, sides.b.server, sides.b.target, { seconds: warmupSeconds });
  const a: Throughput[] = [];
  const b: Throughput[] = [];
  for (let round = 0; round < rounds; round++) {
    // Profiles, when asked for, cover the first round only.
    a.push(await measureThroughput(load, sides.a.server, sides.a.target, { seconds, profile: round === 0 ? sides.a.profile : undefined }));
    b.push(await measureThroughput(load, sides.b.server, sides.b.target, { seconds, profile: round === 0 ? sides.b.profile : undefined }));
  }
  return { a: combine(a), b: combine(b) };
}
