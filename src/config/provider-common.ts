// Responsible for the configuration fields every provider shares, whatever its protocol.
import { z } from "zod";
import { scaleOutFields } from "../scale-out/config.js";

/** A currency code as configured and as answers must write it (once uppercased): USD, USDT. */
export const CURRENCY_CODE_FORM = /^[A-Z0-9]{3,5}$/;
export const currencyCode = z.string().regex(CURRENCY_CODE_FORM, "must be 3 to 5 uppercase letters or digits, such as USD or USDT");

/** What a provider's resilience policy uses when its configuration leaves a field out (applied in code, so configurations built in code need not name them). */
export const RESILIENCE_DEFAULTS = {
  /** Extra attempts of a read after a retryable failure, while the call's budget allows; writes never retry. */
  retries: 2,
  /** Consecutive failed calls (retryable failures only) that open the circuit. */
  failureThreshold: 5,
  /** How long an open circuit refuses calls before one probe is let through (half-open). */
  halfOpenAfterMs: 10_000,
  /** Calls waiting for a free slot beyond `maxConnections`; more are refused at once. */
  maxQueued: 1_000,
  /** First retry delay; later ones grow exponentially, with jitter, up to `retryMaxDelayMs`. */
  retryInitialDelayMs: 20,
  retryMaxDelayMs: 200,
} as const;

export const providerCommon = {
  /** Stable id used in the schema and in refunds: lowercase letters, digits and dashes. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be lowercase letters, digits and dashes (at most 32)"),
  name: z.string().min(1).max(100),
  /** Whole-call budget for one upstream call. */
  timeoutMs: z.number().int().min(1).max(120_000).default(3_000),
  /** Most connections open to the provider at once. */
  maxConnections: z.number().int().min(1).max(1_000).default(16),
  /** Extra attempts of a read after a retryable failure (never of a refund); default RESILIENCE_DEFAULTS.retries. */
  retries: z.number().int().min(0).max(5).optional(),
  /** When the circuit opens and when it is probed again; defaults in RESILIENCE_DEFAULTS. */
  circuitBreaker: z
    .strictObject({
      failureThreshold: z.number().int().min(1).max(1_000).optional(),
      halfOpenAfterMs: z.number().int().min(10).max(3_600_000).optional(),
    })
    .optional(),
  /** Calls that may wait for one of the `maxConnections` slots; default RESILIENCE_DEFAULTS.maxQueued. */
  maxQueued: z.number().int().min(0).max(100_000).optional(),
  ...scaleOutFields,
};

/** The resilience fields of any provider's configuration. */
export interface ResilienceConfig {
  id: string;
  timeoutMs: number;
  maxConnections: number;
  retries?: number | undefined;
  circuitBreaker?: { failureThreshold?: number | undefined; halfOpenAfterMs?: number | undefined } | undefined;
  maxQueued?: number | undefined;
}
