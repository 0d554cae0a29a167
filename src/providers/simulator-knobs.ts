// Responsible for what every protocol's simulator shares: a loopback HTTP server whose latency and faults tests turn, and its call counters.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * - `hang`: the request is read and never answered, never acted on (until `stop()`).
 * - `slow`: the request is acted on at once (a refund moves money) but answered only after `slowMs`.
 * - `http500`: HTTP 500, nothing acted on.
 * - `malformed`: acted on, answered with invalid JSON (the first comma dropped, as in the SLOT_SPEC page's own example).
 * - `bad-shape`: acted on, answered with valid JSON that is not the documented shape (the protocol decides how).
 * - `auth`: answered as the provider answers refused credentials, whatever was sent.
 * - `refuse`: the listening socket is closed and open connections dropped: connections are refused
 *   until the fault is cleared, when the server listens again on the same port.
 */
export type SimulatorFault = "hang" | "slow" | "http500" | "malformed" | "bad-shape" | "auth" | "refuse";

export interface SimulatorRequest {
  method: string;
  /** Path without the query string, such as "/user/balance". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SimulatorAnswer {
  status: number;
  body: string;
  /** Defaults to application/json. */
  contentType?: string;
}

/** What a protocol's simulator supplies: its behaviour, and how its faults look on its wire. */
export interface SimulatedProtocol {
  answer(request: SimulatorRequest): SimulatorAnswer | Promise<SimulatorAnswer>;
  /** The `auth` fault: this provider's answer to refused credentials. */
  authFailure(request: SimulatorRequest): SimulatorAnswer;
  /** The `bad-shape` fault: valid JSON, not the documented shape, made from the true answer. */
  badShape(answer: SimulatorAnswer, request: SimulatorRequest): SimulatorAnswer;
  /** The `malformed` fault, when dropping the first comma does not suit the protocol. */
  malformed?(answer: SimulatorAnswer, request: SimulatorRequest): SimulatorAnswer;
  /** The request id a write carries (a refund's uuid, lower case): sends and open requests are counted per id. */
  requestKey?(request: SimulatorRequest): string | undefined;
}

/** Which requests a fault applies to; every request when absent. Not for `refuse`, which has no request to look at. */
export type FaultScope = (request: SimulatorRequest) => boolean;

export interface SimulatorListenOptions {
  host?: string;
  port?: number;
  /** How late the `slow` fault answers. Default 10 s: longer than any client timeout a test sets. */
  slowMs?: number;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * Node's timers count whole milliseconds and wake up to ~1 ms late: the last part of a latency is slept
 * with Atomics.wait instead, which blocks this thread without spending CPU, so an answer leaves at its
 * time (within ~0.1 ms) rather than at the next whole millisecond.
 */
const PRECISE_TAIL_MS = 2;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Answer times kept for `answerTimes()`: the latest ones. */
const ANSWER_TIMES_KEPT = 5_000;

export class SimulatorKnobs {
  private latency = 0;
  private currentFault: SimulatorFault | null = null;
  private scope: FaultScope | undefined;
  private readonly counters = new Map<string, number>();
  /** Per request id: requests received, requests open now (received, not yet answered nor dropped), and the most open at once. */
  private readonly sent = new Map<string, number>();
  private readonly open = new Map<string, number>();
  private readonly mostOpen = new Map<string, number>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  /** How long each recent answer took, arrival to sending, in ms (while a latency is set). */
  private answered: number[] = [];
  private listening = true;
  private stopped = false;

  private constructor(
    private readonly server: Server,
    private readonly host: string,
    readonly port: number,
    private readonly slowMs: number,
  ) {}

  static async start(protocol: SimulatedProtocol, options: SimulatorListenOptions = {}): Promise<SimulatorKnobs> {
    const host = options.host ?? "127.0.0.1";
    let knobs: SimulatorKnobs | undefined;
    const server = createServer((request, response) => {
      // The server only listens after `knobs` is set.
      void knobs!.handle(protocol, request, response);
    });
    await listen(server, host, options.port ?? 0);
    const port = (server.address() as AddressInfo).port;
    knobs = new SimulatorKnobs(server, host, port, options.slowMs ?? 10_000);
    return knobs;
  }

  get url(): string {
    return `http://${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get latencyMs(): number {
    return this.latency;
  }

  get fault(): SimulatorFault | null {
    return this.currentFault;
  }

  /** Delay before every answer, faults or not. */
  setLatency(ms: number): void {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`latency must be a whole number of ms >= 0, got ${ms}`);
    this.latency = ms;
  }

  /** Resolves once the fault is in force: for `refuse`, once the port is closed; when it is lifted, once it listens again. */
  async setFault(fault: SimulatorFault | null, scope?: FaultScope): Promise<void> {
    if (this.stopped) throw new Error("the simulator is stopped");
    if (fault === "refuse" && scope) throw new Error('"refuse" applies to the whole server: it cannot be scoped');
    this.currentFault = fault;
    this.scope = scope;
    if (fault === "refuse" && this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      // Keep-alive connections would otherwise go on working: a refused provider has none.
      this.server.closeAllConnections();
      await closed;
      // Let clients in this process see their sockets close before the next call is made.
      await new Promise((resolve) => setTimeout(resolve, 20));
    } else if (fault !== "refuse" && !this.listening) {
      await listen(this.server, this.host, this.port);
      this.listening = true;
    }
  }

  /** Requests received, by path ("/user/balance"), or all of them. */
  calls(path?: string): number {
    if (path !== undefined) return this.counters.get(path) ?? 0;
    let total = 0;
    for (const count of this.counters.values()) total += count;
    return total;
  }

  resetCalls(): void {
    this.counters.clear();
    this.answered = [];
  }

  /** Requests received that carried this request id. */
  sendsOf(key: string): number {
    return this.sent.get(key) ?? 0;
  }

  /** The most requests carrying this id that were open at once (received, not yet answered nor dropped by the caller); for every id when absent. */
  mostOpenAtOnce(key?: string): number {
    if (key !== undefined) return this.mostOpen.get(key) ?? 0;
    return Math.max(0, ...this.mostOpen.values());
  }

  /** Requests carrying this id open right now. */
  openNow(key: string): number {
    return this.open.get(key) ?? 0;
  }

  /** How long the answers since the last reset took, from the request's arrival to sending the answer, in ms: only those made while a latency was set. */
  answerTimes(): number[] {
    return [...this.answered];
  }

  /** Closes the port and every connection, hanging ones included; pending delays end unanswered. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
    if (this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
    } else {
      this.server.closeAllConnections();
    }
  }

  private async handle(protocol: SimulatedProtocol, incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrived = performance.now();
    try {
      const url = new URL(incoming.url ?? "/", "http://simulator");
      this.counters.set(url.pathname, (this.counters.get(url.pathname) ?? 0) + 1);
      const body = await readBody(incoming);
      if (body === undefined) {
        send(response, { status: 413, body: "request too large", contentType: "text/plain" });
        return;
      }
      const request: SimulatorRequest = {
        method: incoming.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: incoming.headers,
        body,
      };
      const key = protocol.requestKey?.(request);
      if (key !== undefined) this.countOpen(key, response);
      const fault = this.currentFault !== null && (!this.scope || this.scope(request)) ? this.currentFault : null;
      if (fault === "hang") return;

      let answer: SimulatorAnswer;
      switch (fault) {
        case "auth":
          answer = protocol.authFailure(request);
          break;
        case "http500":
          answer = { status: 500, body: "Internal Server Error", contentType: "text/plain" };
          break;
        case "malformed":
          answer = await protocol.answer(request);
          answer = protocol.malformed ? protocol.malformed(answer, request) : dropFirstComma(answer);
          break;
        case "bad-shape":
          answer = protocol.badShape(await protocol.answer(request), request);
          break;
        case "slow":
          answer = await protocol.answer(request);
          break;
        default:
          answer = await protocol.answer(request);
      }
      // The latency is the time to answer, as a real provider's is: the work of answering (RSA for XPAY) is part of it.
      const latency = this.latency;
      if (latency > 0) await this.waitUntil(arrived + latency);
      if (fault === "slow") await this.wait(this.slowMs);
      if (this.stopped) return;
      if (latency > 0) {
        if (this.answered.length >= ANSWER_TIMES_KEPT) this.answered.shift();
        this.answered.push(performance.now() - arrived);
      }
      send(response, answer);
    } catch (error) {
      // A bug in a simulator must show as a server error, not as a test that hangs.
      send(response, { status: 500, body: `simulator error: ${String(error)}`, contentType: "text/plain" });
    }
  }

  /** Open from now until the answer is sent or the caller drops the connection, whichever comes first. */
  private countOpen(key: string, response: ServerResponse): void {
    this.sent.set(key, (this.sent.get(key) ?? 0) + 1);
    const open = (this.open.get(key) ?? 0) + 1;
    this.open.set(key, open);
    this.mostOpen.set(key, Math.max(open, this.mostOpen.get(key) ?? 0));
    response.once("close", () => this.open.set(key, (this.open.get(key) ?? 1) - 1));
  }

  private async waitUntil(deadline: number): Promise<void> {
    const coarse = Math.floor(deadline - performance.now() - PRECISE_TAIL_MS);
    if (coarse >= 1) await this.wait(coarse);
    const rest = deadline - performance.now();
    if (rest > 0 && !this.stopped) Atomics.wait(sleeper, 0, 0, rest);
  }

  private wait(ms: number): Promise<void> {
    if (ms < 1) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

async function readBody(incoming: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function send(response: ServerResponse, answer: SimulatorAnswer): void {
  if (response.destroyed || response.writableEnded) return;
  response.writeHead(answer.status, {
    "content-type": answer.contentType ?? "application/json",
    "content-length": Buffer.byteLength(answer.body),
  });
  response.end(answer.body);
}

function dropFirstComma(answer: SimulatorAnswer): SimulatorAnswer {
  const comma = answer.body.indexOf(",");
  return {
    ...answer,
    body: comma < 0 ? `${answer.body}}` : answer.body.slice(0, comma) + answer.body.slice(comma + 1),
  };
}
