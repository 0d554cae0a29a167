// Responsible for the simulator tests' requests over real HTTP and for the fault checks every simulator answers alike.
import { expect } from "vitest";

export interface Answer {
  status: number;
  text: string;
  /** Only shapes and strings are read from `json`; amounts are always checked on `text`. */
  json: Record<string, unknown> | undefined;
}

export interface Exchange {
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

/** What the shared fault checks need of a simulator. */
interface FaultySimulator {
  readonly url: string;
  setFault(fault: "hang" | "refuse" | null): Promise<void>;
  calls(path?: string): number;
  stop(): Promise<void>;
}

/** "hang": a request is never answered (it times out), and stop() promptly ends one left hanging. */
export async function expectHangEndedByStop(
  simulator: FaultySimulator,
  send: (signal?: AbortSignal) => Promise<unknown>,
  path: string,
): Promise<void> {
  await simulator.setFault("hang");
  await expect(send(AbortSignal.timeout(300))).rejects.toThrow();
  const pending = send();
  pending.catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(simulator.calls(path)).toBe(2);
  const started = performance.now();
  await simulator.stop();
  expect(performance.now() - started).toBeLessThan(1_000);
  await expect(pending).rejects.toThrow();
}

/** "refuse": the port is closed for real (ECONNREFUSED), and clearing the fault listens again on the same URL. */
export async function expectRefuseThenListensAgain(
  simulator: FaultySimulator,
  send: () => Promise<Answer>,
  expectAnsweredAgain: (answer: Answer) => void,
): Promise<void> {
  const url = simulator.url;
  await simulator.setFault("refuse");
  const error: unknown = await send().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  await simulator.setFault(null);
  expect(simulator.url).toBe(url);
  expectAnsweredAgain(await send());
}
