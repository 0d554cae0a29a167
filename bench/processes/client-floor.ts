// Responsible for the provider clients' floor: a bare process making exactly the calls the 50-wallet query needs, with each protocol's mandatory work (signing, encryption, lossless parsing) and nothing else, timed in CPU.
import type { ProviderConfig } from "../../src/config/providers-file.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { timedPasses } from "../lib/passes.js";
import { callsOf, closePools, type Call } from "../lib/protocol-calls.js";

export interface ClientFloorOptions {
  providers: ProviderConfig[];
  links: DemoLink[];
  /** The wallets of the measured query. */
  walletIds: string[];
}

export interface FloorRun {
  /** A protocol's calls only, or (null) every provider's. */
  protocol: string | null;
  seconds: number;
  /** The query's calls made this many times at once, as the subgraph serves that many requests at once. */
  lanes: number;
}

export interface FloorResult {
  calls: number;
  /** One pass of the query's calls. */
  passes: number;
  cpuMs: number;
  callsPerPass: number;
}

export type ClientFloorMethods = {
  run(run: FloorRun): Promise<FloorResult>;
};

function start(options: ClientFloorOptions) {
  const callsFor = new Map<string | null, Call[]>([[null, []]]);
  for (const config of options.providers) {
    const calls = callsOf(config, options.walletIds, options.links);
    callsFor.set(config.protocol, [...(callsFor.get(config.protocol) ?? []), ...calls]);
    callsFor.get(null)!.push(...calls);
  }
  const run = async ({ protocol, seconds, lanes }: FloorRun): Promise<FloorResult> => {
    const calls = callsFor.get(protocol);
    if (!calls) throw new Error(`client floor: no provider speaks "${protocol}"`);
    const { passes, cpuMs } = await timedPasses(seconds, lanes, () => Promise.all(calls.map((call) => call())));
    return { calls: passes * calls.length, passes, cpuMs, callsPerPass: calls.length };
  };
  serveMethods({}, { run } satisfies ClientFloorMethods, closePools);
}

try {
  start(benchOptions<ClientFloorOptions>());
} catch (error) {
  failStart(error);
}
