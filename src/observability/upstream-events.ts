// Responsible for what the provider layer tells observers about its calls and circuits, so metrics and traces need no hooks inside clients.
import type { FailureCode } from "../providers/failure.js";

export type CircuitState = "closed" | "open" | "half-open";

export interface UpstreamCall {
  providerId: string;
  /** "ok", the failure code, or "circuit_open" when the call was refused without being made. */
  outcome: "ok" | FailureCode | "circuit_open";
  durationMs: number;
  /** Which attempt of a read this was (1 for the first; retries count up). */
  attempt: number;
}

/** Lives for the process; every method must be cheap and must not throw. */
export interface UpstreamObserver {
  call(event: UpstreamCall): void;
  circuit(providerId: string, state: CircuitState): void;
}

export const NO_OBSERVER: UpstreamObserver = { call: () => undefined, circuit: () => undefined };
