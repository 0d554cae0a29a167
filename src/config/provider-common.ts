// Responsible for the configuration fields every provider shares, whatever its protocol.
import { z } from "zod";

export const currencyCode = z
  .string()
  .regex(/^[A-Z0-9]{3,5}$/, "must be 3 to 5 uppercase letters or digits, such as USD or USDT");

export const providerCommon = {
  /** Stable id used in the schema and in refunds: lowercase letters, digits and dashes. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be lowercase letters, digits and dashes (at most 32)"),
  name: z.string().min(1).max(100),
  /** Whole-call budget for one upstream call. */
  timeoutMs: z.number().int().min(1).max(120_000).default(3_000),
  /** Most connections open to the provider at once. */
  maxConnections: z.number().int().min(1).max(1_000).default(16),
};
