// Responsible for the bench's providers, every protocol's demo ones: their simulators (a process each), the credentials they accept, and the subgraph's configuration for them.
import type { ProviderConfig } from "../src/config/providers-file.js";
import { PROTOCOLS, protocolOf } from "../src/providers/protocols.js";
import { demoEndpoints, demoProviderConfigs, type DemoLink } from "../src/sandbox/demo-providers.js";
import { benchWalletIds } from "./dataset.js";
import { BenchProcess } from "./lib/ipc.js";
import type { SimulatorMethods, SimulatorOptions, SimulatorReady } from "./processes/simulator.js";

type Simulator = BenchProcess<SimulatorMethods, SimulatorReady>;

export class SimulatedProviders {
  private constructor(
    private readonly simulators: ReadonlyMap<string, Simulator>,
    /** The subgraph's configuration for them, secrets included (loopback only). */
    readonly providers: ProviderConfig[],
    /** The account links the bench wallets need at the linked-account providers. */
    readonly links: DemoLink[],
    readonly walletIds: string[],
  ) {}

  static async start(options: { wallets: number; latencyMs: number }): Promise<SimulatedProviders> {
    const walletIds = benchWalletIds(options.wallets);
    const setups = await Promise.all(PROTOCOLS.map((protocol) => protocol.demo.bench.setup(walletIds)));
    // One process per demo provider, in the order of PROTOCOLS and of each protocol's configs: the order of `providers` below.
    const processes = PROTOCOLS.flatMap((protocol, index) =>
      protocol.demo.bench.simulators.map((simulator): SimulatorOptions => ({
        latencyMs: options.latencyMs,
        protocol: protocol.protocol,
        simulator,
        setup: setups[index],
      })),
    );
    const started = await Promise.all(
      processes.map((setup) => BenchProcess.start<SimulatorMethods, SimulatorReady>("simulator", setup, `${setup.simulator} simulator`)),
    );
    const ready = Object.fromEntries(processes.map((setup, index) => [setup.simulator, started[index]!.ready]));

    // The same providers as the sandbox's demo, as an operator would configure them.
    const limits = { timeoutMs: 3_000, maxConnections: 64 };
    const endpoints = PROTOCOLS.map((protocol, index) => protocolOf(protocol.protocol).demo.bench.endpoints(setups[index], ready));
    const providers = demoProviderConfigs({ limits, ...demoEndpoints(endpoints) });
    const links = PROTOCOLS.flatMap((protocol, index) => protocolOf(protocol.protocol).demo.bench.links(setups[index]));
    const byProvider = new Map(providers.map((provider, index) => [provider.id, started[index]!]));
    return new SimulatedProviders(byProvider, providers, links, walletIds);
  }

  async setLatency(ms: number): Promise<void> {
    await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("setLatency", ms)));
  }

  /** Requests each provider received since the last reset, by provider id. */
  async calls(): Promise<Record<string, number>> {
    const entries = await Promise.all([...this.simulators].map(async ([id, simulator]) => [id, await simulator.call("calls")] as const));
    return Object.fromEntries(entries);
  }

  /** Every simulator's answer times since the last reset, in ms from a request's arrival to its answer leaving. */
  async answerTimes(): Promise<number[]> {
    const times = await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("answerTimes")));
    return times.flat();
  }

  async resetCalls(): Promise<void> {
    await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("resetCalls")));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.simulators.values()].map((simulator) => simulator.stop()));
  }
}
