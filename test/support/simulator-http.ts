// Responsible for the simulator tests' requests over real HTTP and for the knob tests every simulator must pass alike.
import { expect, it, vi } from "vitest";

export interface Answer {
  status: number;
  text: string;
  /** Only shapes and strings are read from `json`; amounts are always checked on `text`. */
  json: Record<string, unknown> | undefined;
}

interface Exchange {
  /** Default POST. */
  method?: string;
  headers?: Record<string, string>;
  /** Sent as is when a string, as JSON otherwise; never with GET. */
  body?: unknown;
  signal?: AbortSignal;
}

/** Sends one request and reads the whole answer; `json` is undefined when the text is not JSON. */
export async function exchange(url: string, request: Exchange = {}): Promise<Answer> {
  const { body } = request;
  const response = await fetch(url, {
    method: request.method ?? "POST",
    headers: request.headers,
    body: request.method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    signal: request.signal,
  });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** What the shared knob tests need of a simulator. */
interface KnobbedSimulator {
  readonly url: string;
  setFault(fault: "hang" | "refuse" | "http500" | null): Promise<void>;
  setLatency(ms: number): void;
  calls(path?: string): number;
  stop(): Promise<void>;
}

interface SharedKnobTests {
  /** The simulator of the test running (each test starts its own). */
  simulator: () => KnobbedSimulator;
  /** A well-formed request the simulator answers with the true answer. */
  send: (signal?: AbortSignal) => Promise<Answer>;
  /** The path `send` calls, as the simulator counts it. */
  path: string;
  /** Checks that an answer is the true one. */
  expectAnswered: (answer: Answer) => void;
}

/** The latency, http500, hang and refuse knobs, which every simulator must play alike. */
export function itPlaysTheSharedKnobs({ simulator, send, path, expectAnswered }: SharedKnobTests): void {
  it("delays answers by the latency set", async () => {
    simulator().setLatency(150);
    const started = performance.now();
    expectAnswered(await send());
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("http500 answers HTTP 500, until cleared", async () => {
    await simulator().setFault("http500");
    expect((await send()).status).toBe(500);
    await simulator().setFault(null);
    expect((await send()).status).toBe(200);
  });

  it("hang never answers, and stop() ends the hanging request", async () => {
    await simulator().setFault("hang");
    await expect(send(AbortSignal.timeout(300))).rejects.toThrow();
    const pending = send();
    pending.catch(() => undefined);
    // The second request has reached the simulator (however busy the machine) before it stops.
    await vi.waitFor(() => expect(simulator().calls(path)).toBe(2), { timeout: 2_000, interval: 10 });
    const started = performance.now();
    await simulator().stop();
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(pending).rejects.toThrow();
  });

  it("refuse closes the port for real, and clearing it listens again on the same URL", async () => {
    const url = simulator().url;
    // An open keep-alive connection must not outlive the closed port.
    expectAnswered(await send());
    await simulator().setFault("refuse");
    const error: unknown = await send().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
    await simulator().setFault(null);
    expect(simulator().url).toBe(url);
    expectAnswered(await send());
  });
}
