// Responsible for figure 4: the same 50-wallet query with the real clients calling the HTTP simulators: throughput, and CPU per request against the layer's.
import { measureThroughput, type Throughput } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { Rig, Subgraph } from "../rig.js";
import { LAYER_WALLETS } from "./layer-overhead.js";

/**
 * Each request makes ~350 provider calls: two at a time keep the subgraph busy while the simulators,
 * in their own process on the same two cores, keep up.
 */
const CONNECTIONS = 2;

/** `subgraph` calls the simulators over HTTP; `layer` is figure 3's measurement of the same query from memory. */
export async function endToEnd(rig: Rig, subgraph: Subgraph): Promise<{ figures: FigureRecord[]; measured: Throughput }> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const target = rig.target(subgraph.ready.graphqlUrl, operation.body);
  await rig.simulators.resetCalls();
  await rig.post(subgraph.ready.graphqlUrl, operation.body);
  const callsPerRequest = Object.values(await rig.simulators.calls()).reduce((sum, count) => sum + count, 0);
  await measureThroughput(rig.load, subgraph, target, { amount: CONNECTIONS, connections: CONNECTIONS });
  const measured = await measureThroughput(rig.load, subgraph, target, {
    connections: CONNECTIONS,
    seconds: rig.durations.endToEndSeconds,
    profile: rig.profile("end_to_end"),
  });
  return {
    measured,
    figures: [
      figure(
        "end_to_end.throughput",
        measured.perSecond,
        "requests/s",
        null,
        `${LAYER_WALLETS}-wallet _entities, ${callsPerRequest} provider calls over HTTP each, ${CONNECTIONS} at a time`,
      ),
      figure("end_to_end.cpu_per_request", measured.cpuMsPerRequest, "ms CPU", null, `subgraph process only; the simulators run apart`),
    ],
  };
}

export function endToEndCpuRatio(endToEnd: Throughput, layer: Throughput): FigureRecord {
  return figure(
    "end_to_end.cpu_ratio_to_layer",
    endToEnd.cpuMsPerRequest / layer.cpuMsPerRequest,
    "x layer CPU",
    null,
    `what the upstream clients (HTTP, signatures, RSA, JSON) add: ${(endToEnd.cpuMsPerRequest - layer.cpuMsPerRequest).toFixed(2)} ms per request`,
  );
}
