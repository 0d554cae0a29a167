// Responsible for what every protocol's simulator shares around its behaviour: starting and stopping its loopback server, the knobs every test turns, and the small answer helpers.
import {
  SimulatorKnobs,
  type SimulatedProtocol,
  type SimulatorAnswer,
  type SimulatorListenOptions,
  type SimulatorRequest,
} from "../simulator-knobs.js";

/** Where a simulator listens, and how late its "slow" fault answers. */
export interface SimulatorStartOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** How late the "slow" fault answers (default 10 s). */
  slowMs?: number;
}

/** Starts the loopback server that answers with `protocol`. */
export function startKnobs(protocol: SimulatedProtocol, options: SimulatorStartOptions): Promise<SimulatorKnobs> {
  const listen: SimulatorListenOptions = { host: options.host, port: options.port, slowMs: options.slowMs };
  return SimulatorKnobs.start(protocol, listen);
}

/** A running simulator: its URL and the knobs every protocol's simulator has. */
export abstract class SimulatorBase {
  readonly url: string;

  protected constructor(
    protected readonly knobs: SimulatorKnobs,
    /** Appended to the server's origin, where the protocol lives below a path. */
    path = "",
  ) {
    this.url = `${knobs.url}${path}`;
  }

  /** Delay before every answer, faults or not. */
  setLatency(ms: number): void {
    this.knobs.setLatency(ms);
  }

  /** Requests received, by path, or all of them, faults included. */
  calls(path?: string): number {
    return this.knobs.calls(path);
  }

  resetCalls(): void {
    this.knobs.resetCalls();
  }

  /** How long each answer since the last reset took while a latency was set, arrival to sending, in ms. */
  answerTimes(): number[] {
    return this.knobs.answerTimes();
  }

  stop(): Promise<void> {
    return this.knobs.stop();
  }
}

export function textAnswer(status: number, body: string): SimulatorAnswer {
  return { status, body, contentType: "text/plain" };
}

export function jsonAnswer<T>(body: T, status = 200): SimulatorAnswer {
  return { status, body: JSON.stringify(body) };
}

/** Whether a Content-Type names `expected`, parameters (charset) aside. */
export function isContentType(contentType: string | undefined, expected = "application/json"): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === expected;
}

/** A string field of a request's JSON body, for scoping faults; undefined when there is none. Requests carry no amounts: plain JSON.parse is fine. */
export function requestField(request: SimulatorRequest, field: string): string | undefined {
  try {
    const body: unknown = JSON.parse(request.body);
    const value = typeof body === "object" && body !== null ? (body as Record<string, unknown>)[field] : undefined;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A request's body when it is a JSON object; undefined for anything else. Requests carry no amounts: plain JSON.parse is fine. */
export function requestObject(request: SimulatorRequest): Record<string, unknown> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(request.body);
  } catch {
    return undefined;
  }
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}
