// Responsible for the sandbox's providers: every protocol's demo simulators on loopback, holding the demo wallet "tester", and the configuration that points at them.
import type { ProviderConfig } from "../config/providers-file.js";
import type { DemoLimits, DemoLink, StoppableSimulator } from "../providers/kit/descriptor.js";
import { PROTOCOLS, type Protocol } from "../providers/protocols.js";

export type { DemoLink } from "../providers/kit/descriptor.js";
export { XPAY_DEMO_INSTRUMENT } from "../providers/xpay/demo.js";

type UnionToIntersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void ? I : never;
type Started = Awaited<ReturnType<Protocol["demo"]["start"]>>;

/** Where every demo provider answers and what it accepts (the sandbox's simulators, or the benchmark's), by its name (kyren, alphaSms, …). */
export type DemoProviderEndpoints = { limits: DemoLimits } & UnionToIntersection<Started["endpoints"]>;

/** Every protocol's demo simulators, by the same names. */
type DemoSimulators = UnionToIntersection<Started["simulators"]>;

export interface DemoProviders {
  simulators: DemoSimulators;
  providers: ProviderConfig[];
  /** The account links the demo wallet needs at the providers whose accounts are linked. */
  links: DemoLink[];
  stop(): Promise<void>;
}

/** The demo providers configured as an operator would write them in a providers file, in the order of PROTOCOLS. */
export function demoProviderConfigs(endpoints: DemoProviderEndpoints): ProviderConfig[] {
  return PROTOCOLS.flatMap((protocol): ProviderConfig[] => protocol.demo.configs(endpoints, endpoints.limits));
}

/** One object of every protocol's parts; each protocol names its own, so none is overwritten. */
function merged<T>(parts: readonly object[]): T {
  // The parts are the members of T's intersection, one per protocol.
  return Object.fromEntries(parts.flatMap((part) => Object.entries(part))) as T;
}

/** Every protocol's endpoints as one object; each protocol names its own providers. */
export function demoEndpoints(parts: readonly object[]): Omit<DemoProviderEndpoints, "limits"> {
  return merged(parts);
}

export async function startDemoProviders(options: { timeoutMs: number }): Promise<DemoProviders> {
  const started: Started[] = await Promise.all(PROTOCOLS.map((protocol) => protocol.demo.start()));
  const limits = { timeoutMs: options.timeoutMs, maxConnections: 16 };
  const simulators = started.flatMap((demo) => Object.values<StoppableSimulator>(demo.simulators));
  return {
    simulators: merged<DemoSimulators>(started.map((demo) => demo.simulators)),
    providers: demoProviderConfigs({ limits, ...demoEndpoints(started.map((demo) => demo.endpoints)) }),
    links: started.flatMap((demo) => demo.links),
    async stop() {
      await Promise.all(simulators.map((simulator) => simulator.stop()));
    },
  };
}
