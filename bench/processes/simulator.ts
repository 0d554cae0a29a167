// Responsible for one provider's simulator in a process of its own, holding the bench wallets, with a set latency: one such process per demo provider stands for its server.
import "reflect-metadata";
import type { BenchSimulatorReady } from "../../src/providers/kit/descriptor.js";
import { protocolOf } from "../../src/providers/protocols.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";

/** What one simulator process is started with: which protocol and which of its demo simulators, and the protocol's bench setup. */
export interface SimulatorOptions {
  latencyMs: number;
  protocol: string;
  simulator: string;
  /** The protocol's own bench setup (credentials, what each wallet holds), as its descriptor made it. */
  setup: unknown;
}

export type SimulatorReady = BenchSimulatorReady;

export type SimulatorMethods = {
  setLatency(ms: number): void;
  /** Requests received since the last reset. */
  calls(): number;
  resetCalls(): void;
  /** How long each answer since the last reset took, arrival to sending, in ms (while a latency was set). */
  answerTimes(): number[];
};

async function start(options: SimulatorOptions) {
  const simulator = await protocolOf(options.protocol).demo.bench.startSimulator(options.simulator, options.setup);
  simulator.setLatency(options.latencyMs);
  const ready: SimulatorReady = { url: simulator.url, publicKeyPem: simulator.publicKeyPem };
  const methods: SimulatorMethods = {
    setLatency: (ms) => simulator.setLatency(ms),
    calls: () => simulator.calls(),
    resetCalls: () => simulator.resetCalls(),
    answerTimes: () => simulator.answerTimes(),
  };
  serveMethods(ready, methods, () => simulator.stop());
}

start(benchOptions<SimulatorOptions>()).catch(failStart);
