// Responsible for the bench's moving parts: the load process, the simulators' process, the callers' credentials, and starting subgraphs on demand.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROUTER_SECRET_HEADER } from "../src/auth/router-secret.js";
import { createDemoAuth, type DemoAuth } from "../src/sandbox/demo-auth.js";
import { BenchProcess } from "./lib/ipc.js";
import type { LoadMethods, LoadTarget, RequestBody } from "./processes/load.js";
import type { SubgraphMethods, SubgraphOptions, SubgraphReady } from "./processes/subgraph.js";
import type { Recording } from "./recorded-provider.js";
import { SimulatedProviders } from "./simulated-providers.js";

/** How long each measurement runs: the full suite (at most 5 minutes), or `--quick` (at most one). */
export interface Durations {
  quick: boolean;
  warmupSeconds: number;
  /** Figure 2's warm-up at full speed (providers answering at once), before its own warm-up at 50 ms: see fanout-latency.ts. */
  hotWarmupSeconds: number;
  throughputSeconds: number;
  /** Rounds of the interleaved A/B comparisons: the layer's, and each peer server's. */
  layerRounds: number;
  peerRounds: number;
  latencySeconds: number;
  endToEndSeconds: number;
  /** Rounds of figure 9's alternation: each protocol's subgraph, then the client floor. */
  providerCpuRounds: number;
  memoryRequests: { first: number; total: number };
  refunds: number;
  /** Each of figure 8's two polling runs (without and with the cache). */
  pollingSeconds: number;
}

export const FULL: Durations = {
  quick: false,
  warmupSeconds: 2.5,
  hotWarmupSeconds: 4,
  throughputSeconds: 3,
  layerRounds: 5,
  peerRounds: 1,
  latencySeconds: 8,
  endToEndSeconds: 8,
  providerCpuRounds: 12,
  memoryRequests: { first: 10_000, total: 100_000 },
  refunds: 2_000,
  pollingSeconds: 10,
};

export const QUICK: Durations = {
  quick: true,
  warmupSeconds: 0.3,
  hotWarmupSeconds: 0.5,
  throughputSeconds: 1,
  layerRounds: 1,
  peerRounds: 1,
  latencySeconds: 1.5,
  endToEndSeconds: 1.5,
  providerCpuRounds: 1,
  memoryRequests: { first: 1_000, total: 2_500 },
  refunds: 50,
  pollingSeconds: 2,
};

/** The wallets recorded for providers answering from memory: the 50-wallet operation's. */
const MEMORY_WALLETS = 50;

export type Subgraph = BenchProcess<SubgraphMethods, SubgraphReady>;

export class Rig {
  /** What the first subgraph with every provider from memory recorded: the others replay it (or their protocol's part). */
  private recording?: Recording;

  /** Set by --profile: where servers' CPU profiles are written, one per measured run. */
  profileDir?: string;

  private constructor(
    readonly durations: Durations,
    readonly load: BenchProcess<LoadMethods, object>,
    readonly simulators: SimulatedProviders,
    private readonly auth: DemoAuth,
    private readonly routerSecret: string,
    private readonly dir: string,
  ) {}

  static async start(durations: Durations, simulators: { wallets: number; latencyMs: number }): Promise<Rig> {
    const [load, sims, auth, dir] = await Promise.all([
      BenchProcess.start<LoadMethods, object>("load", {}),
      SimulatedProviders.start(simulators),
      createDemoAuth(),
      mkdtemp(join(tmpdir(), "wallet-bench-")),
    ]);
    return new Rig(durations, load, sims, auth, randomBytes(24).toString("base64url"), dir);
  }

  /** The path for a CPU profile named `name`, when profiling is on. */
  profile(name: string): string | undefined {
    return this.profileDir ? join(this.profileDir, `${name}.cpuprofile`) : undefined;
  }

  get walletIds(): string[] {
    return this.simulators.walletIds;
  }

  /** What the router sends: its secret, and the operator's token (read-all and refund scopes). */
  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.auth.tokens.operator}`, [ROUTER_SECRET_HEADER]: this.routerSecret };
  }

  target(url: string, body: string | RequestBody): LoadTarget {
    return { url, headers: this.headers, body: typeof body === "string" ? { kind: "fixed", body } : body };
  }

  /**
   * A subgraph process of the product's, on a SQLite file of its own unless a store is given; with `protocol`,
   * configured with that protocol's providers only (and, from memory, replaying only their part of the recording).
   */
  async subgraph(options: Pick<SubgraphOptions, "providersFrom" | "server"> & { storeUrl?: string; protocol?: string }): Promise<Subgraph> {
    const { protocol } = options;
    const providers = this.simulators.providers.filter((provider) => protocol === undefined || provider.protocol === protocol);
    const links = this.simulators.links.filter((link) => providers.some((provider) => provider.id === link.providerId));
    // Providers from memory answer for the wallets the measured operations ask about.
    const walletIds = options.providersFrom === "memory" ? this.walletIds.slice(0, MEMORY_WALLETS) : this.walletIds;
    const subgraph = await BenchProcess.start<SubgraphMethods, SubgraphReady>(
      "subgraph",
      {
        providers,
        links,
        walletIds,
        storeUrl: options.storeUrl ?? `sqlite:${join(this.dir, `${randomBytes(4).toString("hex")}.sqlite`)}`,
        jwt: this.auth.jwt,
        routerSecret: this.routerSecret,
        providersFrom: options.providersFrom,
        server: options.server,
        recording:
          options.providersFrom === "memory"
            ? this.recording?.filter(({ info }) => providers.some((provider) => provider.id === info.id))
            : undefined,
      } satisfies SubgraphOptions,
      `subgraph (${options.server}, ${protocol ? `${protocol} ` : ""}providers ${options.providersFrom === "http" ? "over HTTP" : "from memory"})`,
    );
    // Only a recording of every provider serves later subgraphs, whatever their protocol.
    if (options.providersFrom === "memory" && protocol === undefined) this.recording ??= await subgraph.call("recording");
    return subgraph;
  }

  /** One request, checked: the answer's JSON, which must carry data and no errors. */
  async post(url: string, body: string): Promise<{ data: Record<string, unknown>; text: string }> {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...this.headers }, body });
    const text = await response.text();
    const json = JSON.parse(text) as { data?: Record<string, unknown>; errors?: unknown };
    if (response.status !== 200 || json.errors || !json.data) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 500)}`);
    return { data: json.data, text };
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.load.stop(), this.simulators.stop()]);
    await rm(this.dir, { recursive: true, force: true });
  }
}
