// Responsible for what one protocol folder hands the rest of the service: its configuration schema, how to build its client, its secret fields and its demo.
import { randomBytes } from "node:crypto";
import type { z } from "zod";
import type { AccountDetails } from "../../accounts/account-links.js";
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import type { AccountDirectory, BalanceQuery, WalletProvider } from "../provider.js";

/** What clients borrow from the process besides their own configuration. */
export interface ProviderDependencies {
  accounts: AccountDirectory;
  /** Told of every upstream attempt and circuit change (metrics, traces); none by default. */
  observer?: UpstreamObserver;
}

/** The wallet every demo simulator holds money for. */
export const DEMO_WALLET = "tester";

/** An account link a demo provider needs for a wallet (providers whose accounts are "linked"). */
export interface DemoLink {
  walletId: string;
  providerId: string;
  accountRef: string;
  details: AccountDetails;
}

/** A running simulator, as the demo stops it. */
export interface StoppableSimulator {
  stop(): Promise<void>;
}

/** The connection limits every demo provider is configured with. */
export interface DemoLimits {
  timeoutMs: number;
  maxConnections: number;
}

/** A simulator as the bench drives it, from a process of its own. */
interface BenchSimulator extends StoppableSimulator {
  readonly url: string;
  /** XPAY's own public key (XPAY only). */
  readonly publicKeyPem?: string;
  setLatency(ms: number): void;
  calls(): number;
  resetCalls(): void;
  answerTimes(): number[];
}

/** Where a bench simulator answers, as its process reports it once started. */
export interface BenchSimulatorReady {
  url: string;
  publicKeyPem?: string;
}

/**
 * The bench's form of a protocol's demo: the same providers holding many wallets, each simulator in
 * a process of its own. `Setup` is plain data: it is sent to those processes.
 */
export interface ProtocolBenchDemo<Endpoints extends object, Setup> {
  /** What each wallet holds and the credentials the simulators accept, made up per run; amounts differ per wallet. */
  setup(walletIds: readonly string[]): Promise<Setup>;
  /** Its simulators' names, in the order of its `configs` (one process each). */
  readonly simulators: readonly string[];
  /** Starts the named simulator holding the setup's wallets. */
  startSimulator(name: string, setup: Setup): Promise<BenchSimulator>;
  endpoints(setup: Setup, ready: Readonly<Record<string, BenchSimulatorReady>>): Endpoints;
  /** The account links the wallets need at its providers whose accounts are linked. */
  links(setup: Setup): DemoLink[];
}

/**
 * A protocol's demo providers (the sandbox's, the bench's): `Endpoints` names each one (`kyren`) and
 * holds where it answers and what it accepts; `Simulators` the same names, the running simulators.
 */
export interface ProtocolDemo<Config, Endpoints extends object, Simulators extends Record<string, StoppableSimulator>, Setup = unknown> {
  /** The demo providers configured as an operator would write them in a providers file. */
  configs(endpoints: Endpoints, limits: DemoLimits): Config[];
  /** Starts the simulators holding the demo wallet, with credentials made up for this start. */
  start(): Promise<{ endpoints: Endpoints; simulators: Simulators; links: DemoLink[] }>;
  /** Endpoints never called (`PLACEHOLDER_URL`, `PLACEHOLDER_SECRET`): the printed schema only counts its providers. */
  readonly placeholderEndpoints: Endpoints;
  readonly bench: ProtocolBenchDemo<Endpoints, Setup>;
}

/** A protocol's configuration: an object whose `protocol` field is the protocol's name. */
export type ProtocolSchema = z.ZodObject<{ protocol: z.ZodLiteral<string> }>;

export interface ProtocolDescriptor<
  Schema extends ProtocolSchema,
  Endpoints extends object,
  Simulators extends Record<string, StoppableSimulator>,
> {
  /** The `protocol` value of its configurations, such as "slot-spec". */
  readonly protocol: z.output<Schema>["protocol"];
  /** Its configuration in the providers file, with a `protocol` literal: one arm of the providers file's union. */
  readonly configSchema: Schema;
  /** Its client, living for the process. */
  createClient(config: z.output<Schema>, dependencies: ProviderDependencies): WalletProvider;
  /** Configuration fields that hold credentials: redacted from logs wherever they appear. */
  readonly secretFields: readonly string[];
  /** The fewest upstream calls its published rules allow for these questions, given the wallets' links: what the bench holds its client to. */
  fewestCalls(config: z.output<Schema>, asks: readonly BalanceQuery[], links: readonly DemoLink[]): number;
  /** Upstream calls that read every currency of one wallet with one account there: what the router's cost of a wallet counts. */
  callsPerWalletRead(config: z.output<Schema>): number;
  /** Balances one wallet with one account there can have: the assumed length of `balances`. */
  balancesPerWalletRead(config: z.output<Schema>): number;
  readonly demo: ProtocolDemo<z.output<Schema>, Endpoints, Simulators>;
}

/**
 * A protocol's descriptor from its configuration schema (whose `protocol` literal names it) and the
 * rest of the contract, keeping its own types (its config, endpoints and simulators).
 */
export function defineProtocol<
  Schema extends ProtocolSchema,
  Endpoints extends object,
  Simulators extends Record<string, StoppableSimulator>,
>(
  configSchema: Schema,
  parts: Omit<ProtocolDescriptor<Schema, Endpoints, Simulators>, "protocol" | "configSchema">,
): ProtocolDescriptor<Schema, Endpoints, Simulators> {
  const protocol: z.output<Schema>["protocol"] = configSchema.shape.protocol.value;
  return { protocol, configSchema, ...parts };
}

/** Checks a demo against the contract while keeping its own types. */
export function defineDemo<Config, Endpoints extends object, Simulators extends Record<string, StoppableSimulator>, Setup>(
  demo: ProtocolDemo<Config, Endpoints, Simulators, Setup>,
): ProtocolDemo<Config, Endpoints, Simulators, Setup> {
  return demo;
}

/** Credentials are made up per demo start: the demo's simulators accept only these, and they are never printed. */
export const demoSecret = (): string => randomBytes(24).toString("base64url");

/** Where a placeholder endpoint answers: nowhere, as it is never called. */
export const PLACEHOLDER_URL = "http://provider.invalid";

/** The credentials of a placeholder endpoint. */
export const PLACEHOLDER_SECRET = "unused";

/** A made-up name that differs per start, such as "sandbox-3fa9c1". */
export const demoName = (prefix: string, bytes: number): string => `${prefix}-${randomBytes(bytes).toString("hex")}`;
