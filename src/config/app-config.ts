// Responsible for the process's settings from the environment, with the defaults that make `npm start` a sandbox.
import { z } from "zod";
import type { LedgerSettings } from "../services.js";
import { ConfigError, describeIssues } from "./config-error.js";

const flag = z
  .enum(["true", "false", "1", "0", "on", "off"])
  .transform((value) => value === "true" || value === "1" || value === "on");

const environment = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(4001),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Path to the providers file; without it the built-in sandbox runs. */
  WALLET_PROVIDERS_FILE: z.string().min(1).optional(),
  NODE_ENV: z.string().default("development"),
  /** Playground at GET /graphql; on by default except in production. */
  WALLET_PLAYGROUND: flag.optional(),
  /** Introspection; on by default except in production. */
  WALLET_INTROSPECTION: flag.optional(),
  /** Where the refund ledger and account links live: sqlite:<file> or postgres://... */
  WALLET_STORE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, "must be sqlite:<file> or postgres://user@host:port/database")
    .optional(),
  /** Settled refunds (and their idempotency keys) are kept at least this long. */
  WALLET_REFUND_RETENTION_HOURS: z.coerce.number().min(24, "keys are kept at least 24 hours").max(24 * 365).default(24),
  /** Unsettled refunds untouched this long are settled by asking the provider again. */
  WALLET_RECONCILE_AFTER_MS: z.coerce.number().int().min(1).default(60_000),
  WALLET_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
});

export interface AppConfig {
  port: number;
  host: string;
  providersFile: string | undefined;
  production: boolean;
  playground: boolean;
  introspection: boolean;
  storeUrl: string;
  ledger: LedgerSettings;
}

/** The embedded default: a SQLite file beside the process's working directory. */
export const DEFAULT_STORE_URL = "sqlite:data/wallet.sqlite";

export function readAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // A variable set to the empty string (common in compose files) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = environment.safeParse(given);
  if (!result.success) throw new ConfigError(describeIssues("the environment", result.error));
  const values = result.data;
  const production = values.NODE_ENV === "production";
  if (production && !values.WALLET_PROVIDERS_FILE) {
    // The sandbox holds made-up money: never let a production process fall back to it.
    throw new ConfigError("WALLET_PROVIDERS_FILE: required when NODE_ENV=production (without it the sandbox would start)");
  }
  if (production && !values.WALLET_STORE_URL) {
    // A container's working directory is not a place for money records: name the volume or the database.
    throw new ConfigError("WALLET_STORE_URL: required when NODE_ENV=production (sqlite:/path/on/a/volume or postgres://...)");
  }
  return {
    port: values.PORT,
    host: values.HOST,
    providersFile: values.WALLET_PROVIDERS_FILE,
    production,
    playground: values.WALLET_PLAYGROUND ?? !production,
    introspection: values.WALLET_INTROSPECTION ?? !production,
    storeUrl: values.WALLET_STORE_URL ?? DEFAULT_STORE_URL,
    ledger: {
      retentionMs: values.WALLET_REFUND_RETENTION_HOURS * 60 * 60 * 1000,
      reconcileAfterMs: values.WALLET_RECONCILE_AFTER_MS,
      reconcileIntervalMs: values.WALLET_RECONCILE_INTERVAL_MS,
    },
  };
}
