// Responsible for `npm run bench`: every figure in one run, in its own processes, printed as a table and written to bench/results.json.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { endToEnd, endToEndCpuRatio } from "./figures/end-to-end.js";
import { fanoutLatency, startFanoutFloor, type FanoutFloor } from "./figures/fanout-latency.js";
import { layerOverhead } from "./figures/layer-overhead.js";
import { memory } from "./figures/memory.js";
import {
  providerCpu,
  startClientFloor,
  startClientsAlone,
  type ClientFloor,
  type ClientsAlone,
  type SubgraphsByProtocol,
} from "./figures/provider-cpu.js";
import { peerServers, startPeerServers, type PeerServer } from "./figures/peer-servers.js";
import { polling } from "./figures/polling.js";
import { closeAll, refunds, startRefundSubgraphs } from "./figures/refunds.js";
import { upstreamEfficiency } from "./figures/upstream-efficiency.js";
import { useCompiledProcesses } from "./lib/compiled.js";
import { table, writeResults, type FigureRecord } from "./lib/report.js";
import { FULL, QUICK, Rig, type Subgraph } from "./rig.js";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string", multiple: true },
    /** Writes each server's CPU profile of its measured runs to bench/profiles/. */
    profile: { type: "boolean", default: false },
  },
});
const durations = values.quick ? QUICK : FULL;
const wanted = (group: string) => !values.only || values.only.includes(group);
const started = performance.now();
const log = (message: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}`);

log("compiling src/ and bench/ (the processes run as the product does, compiled)");
useCompiledProcesses();
const rig = await Rig.start(durations, { wallets: 100, latencyMs: 0 });
if (values.profile) {
  rig.profileDir = fileURLToPath(new URL("./profiles/", import.meta.url));
  await mkdir(rig.profileDir, { recursive: true });
}
const figures: FigureRecord[] = [];
/** Started side by side before any measurement, so that no process's start-up falls in another's measured run. */
async function startTogether<T extends readonly unknown[]>(starts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const outcomes = await Promise.allSettled(starts);
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) {
    await Promise.all(outcomes.flatMap((outcome) => (outcome.status === "fulfilled" && outcome.value ? [stopStarted(outcome.value)] : [])));
    throw failed.reason;
  }
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
function stopStarted(started: unknown): Promise<void> {
  const process = started as { stop(): Promise<void> } | PeerServer;
  return "server" in process ? process.server.stop() : process.stop();
}

try {
  const [overHttp, floor] = await startTogether<[Subgraph, FanoutFloor | undefined]>([
    rig.subgraph({ providersFrom: "http", server: "apollo-express" }),
    // --quick leaves out the floor: it is context for figure 2, not a budget.
    wanted("fanout_latency") && !durations.quick ? startFanoutFloor(rig) : Promise.resolve(undefined),
  ]);
  // The memory figure's subgraph, when it is started ahead.
  let fresh: Subgraph | undefined;
  try {
    if (wanted("upstream_efficiency")) {
      log("upstream_efficiency");
      figures.push(...(await upstreamEfficiency(rig, overHttp)));
    }
    if (wanted("fanout_latency")) {
      log("fanout_latency");
      try {
        figures.push(...(await fanoutLatency(rig, overHttp, floor)));
      } finally {
        await floor?.stop();
      }
    }

    // The layer is measured before the end-to-end figure, whose load (350 calls a request) leaves the machine busy
    // for a while after it; the subgraph over HTTP waits idle meanwhile.
    let layer;
    if (wanted("layer_overhead") || wanted("end_to_end") || wanted("peer_servers")) {
      // The first subgraph from memory reads the simulators once; the peer servers and the memory figure's subgraph (left
      // untouched until its turn) replay what it read, started side by side before the layer is measured. Had each read
      // the simulators itself, six processes starting at once could keep them past the providers' 3 s budget.
      const fromMemory = await rig.subgraph({ providersFrom: "memory", server: "apollo-express" });
      let peers: PeerServer[] = [];
      try {
        const [memorySubgraph, ...started] = await startTogether<[Subgraph | undefined, ...PeerServer[]]>([
          wanted("memory") ? rig.subgraph({ providersFrom: "memory", server: "apollo-express" }) : Promise.resolve(undefined),
          ...(wanted("peer_servers") ? startPeerServers(rig) : []),
        ]);
        peers = started;
        fresh = memorySubgraph;
      } catch (error) {
        await fromMemory.stop();
        throw error;
      }
      try {
        log("layer_overhead");
        layer = await layerOverhead(rig, fromMemory);
        if (wanted("layer_overhead")) figures.push(...layer.figures);
        if (peers.length > 0) {
          log("peer_servers");
          figures.push(...(await peerServers(rig, fromMemory, peers)));
        }
      } finally {
        await Promise.all([fromMemory.stop(), ...peers.map(({ server }) => server.stop())]);
      }
    }

    if (wanted("end_to_end") && layer) {
      log("end_to_end");
      const e2e = await endToEnd(rig, overHttp);
      figures.push(...e2e.figures, endToEndCpuRatio(e2e.measured, layer.subgraph));
    }
  } catch (error) {
    await fresh?.stop();
    throw error;
  } finally {
    await Promise.all([overHttp.stop(), floor?.stop()]);
  }

  // The refunds' subgraphs start while the memory figure runs: RSS does not depend on how fast the requests go.
  const refundSubgraphs = wanted("refunds") ? startRefundSubgraphs(rig) : undefined;
  // Its failure is reported where it is awaited, after the memory figure.
  refundSubgraphs?.catch(() => undefined);
  try {
    if (wanted("memory")) {
      log("memory");
      fresh ??= await rig.subgraph({ providersFrom: "memory", server: "apollo-express" });
      try {
        figures.push(...(await memory(rig, fresh)));
      } finally {
        await fresh.stop();
      }
    }
  } catch (error) {
    await refundSubgraphs?.then(closeAll, () => undefined);
    throw error;
  }

  if (refundSubgraphs) {
    log("refunds");
    figures.push(...(await refunds(rig, await refundSubgraphs)));
  }

  if (wanted("polling")) {
    log("polling");
    figures.push(...(await polling(durations.pollingSeconds)));
  }

  // Last, in processes of their own started here: eleven more processes alive earlier would change what the others
  // measure (the memory figure's process, idle meanwhile, read a third more RSS growth).
  if (wanted("provider_cpu")) {
    const protocols = [...new Set(rig.simulators.providers.map((provider) => provider.protocol))];
    // The subgraph with every provider from memory comes first, alone: unless an earlier figure's did, it reads the
    // simulators once, and the protocols' subgraphs from memory replay their part of what it read.
    const allFromMemory = await rig.subgraph({ providersFrom: "memory", server: "apollo-express" });
    let started: [ClientFloor, ClientsAlone, Subgraph, ...Subgraph[]];
    try {
      started = await startTogether<[ClientFloor, ClientsAlone, Subgraph, ...Subgraph[]]>([
        startClientFloor(rig),
        startClientsAlone(rig),
        rig.subgraph({ providersFrom: "http", server: "apollo-express" }),
        ...protocols.flatMap((protocol) => [
          rig.subgraph({ providersFrom: "http", server: "apollo-express", protocol }),
          rig.subgraph({ providersFrom: "memory", server: "apollo-express", protocol }),
        ]),
      ]);
    } catch (error) {
      await allFromMemory.stop();
      throw error;
    }
    const [clientFloor, clientsAlone, allOverHttp, ...byProtocol] = started;
    try {
      log("provider_cpu");
      const subgraphs: SubgraphsByProtocol = new Map([
        ...protocols.map(
          (protocol, index) => [protocol, { overHttp: byProtocol[2 * index]!, fromMemory: byProtocol[2 * index + 1]! }] as const,
        ),
        [null, { overHttp: allOverHttp, fromMemory: allFromMemory }],
      ]);
      figures.push(...(await providerCpu(rig, subgraphs, clientFloor, clientsAlone)));
    } finally {
      await Promise.all([
        clientFloor.stop(),
        clientsAlone.stop(),
        allOverHttp.stop(),
        allFromMemory.stop(),
        ...byProtocol.map((subgraph) => subgraph.stop()),
      ]);
    }
  }
} finally {
  await rig.stop();
}

log(`done${durations.quick ? " (--quick: shorter runs, fewer requests)" : ""}`);
console.log(table(figures));
await writeResults(new URL("./results.json", import.meta.url), figures);
const over = figures.filter((record) => record.ok === false);
console.log(over.length === 0 ? "every budget met" : `over budget: ${over.map((record) => record.name).join(", ")}`);
process.exitCode = over.length === 0 ? 0 : 1;
