// Responsible for the process's settings from the environment, with the defaults that make `npm start` a sandbox.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { DEFAULT_SCOPES, type ScopeNames } from "../auth/caller.js";
import type { JwtSettings } from "../auth/jwt-verifier.js";
import { DEFAULT_VERIFIED_TOKENS } from "../auth/verified-tokens.js";
import { DEFAULT_CACHE_MAX_AGE_SECONDS, MAX_CACHE_MAX_AGE_SECONDS } from "../http/cache-hints.js";
import { DEFAULT_LIMITS, type RequestLimits } from "../http/request-limits.js";
import { redisEnvironment, redisSettings, type RedisSettings } from "../scale-out/config.js";
import type { LedgerSettings } from "../services.js";
import { ConfigError, describeIssues } from "./config-error.js";

/**
 * An issue whose message is a whole sentence naming its variable (`WALLET_X must be ..., not "y"`): shown as it is,
 * not in the list of fields.
 */
function sentence(context: z.RefinementCtx, message: string): never {
  context.addIssue({ code: "custom", message, params: { sentence: true } });
  return z.NEVER;
}

/** How long stop() lets in-flight requests finish when WALLET_SHUTDOWN_GRACE_MS is not set. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

const flag = z.enum(["true", "false", "1", "0", "on", "off"]).transform((value) => value === "true" || value === "1" || value === "on");

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
  /** A settled refund's idempotency key is released this long after settling (the refund itself is kept for ever). */
  WALLET_REFUND_RETENTION_HOURS: z.coerce
    .number()
    .min(24, "keys are kept at least 24 hours")
    .max(24 * 365)
    .default(24),
  /**
   * How long a claim holds an unsettled refund before another attempt may take it over, and the first retry delay
   * of an UNKNOWN one. Every timing setting is bounded: Node timers overflow past 2^31-1 ms.
   */
  WALLET_RECONCILE_AFTER_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(60_000),
  WALLET_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** The longest delay between two retries of one UNKNOWN refund (each retry doubles it). */
  WALLET_RECONCILE_MAX_DELAY_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(900_000),

  /** The router's shared secret, in Router-Authorization; required in production. */
  WALLET_ROUTER_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  WALLET_ROUTER_SECRET_FILE: z.string().min(1).optional(),
  /** "off" (never in production) lets every caller do everything: for local development only. */
  WALLET_AUTH: z.enum(["on", "off"]).default("on"),
  WALLET_JWT_ISSUER: z.string().min(1).optional(),
  WALLET_JWT_AUDIENCE: z.string().min(1).optional(),
  WALLET_JWT_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  WALLET_JWT_PUBLIC_KEY: z.string().includes("BEGIN PUBLIC KEY", { message: "must be a PEM public key" }).optional(),
  WALLET_JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  WALLET_JWT_ALGORITHMS: z
    .string()
    .default("RS256,ES256")
    .transform((text) =>
      text
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  WALLET_JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Verified tokens remembered (0: every request's token is verified). */
  WALLET_JWT_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_VERIFIED_TOKENS.maxEntries),
  /** How long one verification counts (0: every request's token is verified). */
  WALLET_JWT_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(DEFAULT_VERIFIED_TOKENS.maxAgeSeconds),
  WALLET_SCOPE_READ_ALL: z.string().min(1).default(DEFAULT_SCOPES.readAll),
  WALLET_SCOPE_REFUND: z.string().min(1).default(DEFAULT_SCOPES.refund),
  WALLET_SCOPE_ADMIN: z.string().min(1).default(DEFAULT_SCOPES.admin),

  WALLET_MAX_DEPTH: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxDepth),
  WALLET_MAX_ALIASES: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxAliases),
  WALLET_MAX_TOKENS: z.coerce.number().int().min(10).default(DEFAULT_LIMITS.maxTokens),
  WALLET_MAX_COST: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxCost),
  WALLET_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(DEFAULT_LIMITS.maxDirectives),
  WALLET_MAX_REPRESENTATIONS: z.coerce.number().int().min(1).default(DEFAULT_LIMITS.maxRepresentations),
  WALLET_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(DEFAULT_LIMITS.maxBodyBytes),
  /** How long a caller's own cache may keep a successful read (Cache-Control: private); 0: never stored. */
  WALLET_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(MAX_CACHE_MAX_AGE_SECONDS).default(DEFAULT_CACHE_MAX_AGE_SECONDS),
  WALLET_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** How long in-flight requests and refunds may take to finish after SIGTERM. */
  WALLET_SHUTDOWN_GRACE_MS: z
    .string()
    .transform((text, context) => {
      const value = Number(text);
      if (/^\d+$/.test(text) && Number.isSafeInteger(value) && value <= 600_000) return value;
      return sentence(context, `WALLET_SHUTDOWN_GRACE_MS must be a whole number of milliseconds up to 600000, not "${text}"`);
    })
    .default(DEFAULT_SHUTDOWN_GRACE_MS),
  /** The OTLP/HTTP collector's base URL; without it there is no tracing at all. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .superRefine((text, context) => {
      if (URL.canParse(text) && /^https?:$/.test(new URL(text).protocol)) return;
      sentence(context, `OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL, not "${text}"`);
    })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default("wallet-subgraph"),
  ...redisEnvironment,
});

/** Every variable the process reads by name (the providers file names its own secrets' variables). */
export const APP_CONFIG_VARIABLES: readonly string[] = Object.keys(environment.shape);

export interface AppConfig {
  port: number;
  host: string;
  providersFile: string | undefined;
  production: boolean;
  playground: boolean;
  introspection: boolean;
  storeUrl: string;
  ledger: LedgerSettings;
  routerSecret: string | undefined;
  /** How callers are verified: JWT settings, "off" (development), or "sandbox" (the sandbox issues its own). */
  auth: { mode: "jwt"; jwt: JwtSettings } | { mode: "off" } | { mode: "sandbox" };
  scopes: ScopeNames;
  limits: RequestLimits;
  /** Cache-Control max-age of a successful read, in seconds (0: no-store). */
  cacheMaxAgeSeconds: number;
  logLevel: string;
  /** How long stop() lets in-flight requests (and the refunds they carry) finish. */
  shutdownGraceMs: number;
  /** Where spans go (no endpoint: no tracing) and the service they name. */
  tracing: { endpoint: string | undefined; serviceName: string };
  /** The Redis that replicas share rate limits and the balance cache through; none: each on its own. */
  redis: RedisSettings | undefined;
}

/** The embedded default: a SQLite file beside the process's working directory. */
export const DEFAULT_STORE_URL = "sqlite:data/wallet.sqlite";

export function readAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const values = parseEnvironment(environment, env);
  const production = values.NODE_ENV === "production";
  if (production && !values.WALLET_PROVIDERS_FILE) {
    // The sandbox holds made-up money: never let a production process fall back to it.
    throw new ConfigError("WALLET_PROVIDERS_FILE: required when NODE_ENV=production (without it the sandbox would start)");
  }
  if (production && !values.WALLET_ROUTER_SECRET && !values.WALLET_ROUTER_SECRET_FILE) {
    throw new ConfigError(
      "WALLET_ROUTER_SECRET: required when NODE_ENV=production (or WALLET_ROUTER_SECRET_FILE): only the router may call",
    );
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
    routerSecret: readRouterSecret(values.WALLET_ROUTER_SECRET, values.WALLET_ROUTER_SECRET_FILE),
    auth: authMode(values, production),
    logLevel: values.WALLET_LOG_LEVEL,
    shutdownGraceMs: values.WALLET_SHUTDOWN_GRACE_MS,
    tracing: { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME },
    redis: redisSettings(values),
    cacheMaxAgeSeconds: values.WALLET_CACHE_MAX_AGE_SECONDS,
    scopes: { readAll: values.WALLET_SCOPE_READ_ALL, refund: values.WALLET_SCOPE_REFUND, admin: values.WALLET_SCOPE_ADMIN },
    limits: {
      maxDepth: values.WALLET_MAX_DEPTH,
      maxAliases: values.WALLET_MAX_ALIASES,
      maxTokens: values.WALLET_MAX_TOKENS,
      maxCost: values.WALLET_MAX_COST,
      maxDirectives: values.WALLET_MAX_DIRECTIVES,
      maxRepresentations: values.WALLET_MAX_REPRESENTATIONS,
      maxBodyBytes: values.WALLET_MAX_BODY_BYTES,
      fieldSuggestions: values.WALLET_INTROSPECTION ?? !production,
    },
    ledger: {
      retentionMs: values.WALLET_REFUND_RETENTION_HOURS * 60 * 60 * 1000,
      reconcileAfterMs: values.WALLET_RECONCILE_AFTER_MS,
      reconcileIntervalMs: values.WALLET_RECONCILE_INTERVAL_MS,
      maxRetryDelayMs: values.WALLET_RECONCILE_MAX_DELAY_MS,
    },
  };
}

/** WALLET_LOG_LEVEL alone: the sandbox started in code (by tests and scripts) reads no other setting. */
export function readLogLevel(env: NodeJS.ProcessEnv = process.env): string {
  return parseEnvironment(environment.pick({ WALLET_LOG_LEVEL: true }), env).WALLET_LOG_LEVEL;
}

/** A variable the providers file names for a secret: its names are the file's, so they are not in the schema. */
export function environmentVariable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[name];
}

function parseEnvironment<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  // A variable set to the empty string (common in compose files) means "not set".
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const listed = result.error.issues.filter((issue) => !(issue.code === "custom" && issue.params?.sentence));
  // A sentence stands alone, and only once every listed field is right.
  if (listed.length === 0) throw new ConfigError(result.error.issues[0]!.message);
  throw new ConfigError(describeIssues("the environment", { issues: listed }));
}

type Values = z.output<typeof environment>;

function readRouterSecret(inline: string | undefined, file: string | undefined): string | undefined {
  if (inline && file) throw new ConfigError("WALLET_ROUTER_SECRET and WALLET_ROUTER_SECRET_FILE: set one, not both");
  if (!file) return inline;
  let secret: string;
  try {
    secret = readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new ConfigError(`WALLET_ROUTER_SECRET_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  if (secret.length < 16) throw new ConfigError("WALLET_ROUTER_SECRET_FILE: the secret must have at least 16 characters");
  return secret;
}

function authMode(values: Values, production: boolean): AppConfig["auth"] {
  const jwtGiven =
    values.WALLET_JWT_ISSUER || values.WALLET_JWT_JWKS_URL || values.WALLET_JWT_PUBLIC_KEY || values.WALLET_JWT_PUBLIC_KEY_FILE;
  if (values.WALLET_AUTH === "off") {
    if (production) throw new ConfigError("WALLET_AUTH: cannot be off when NODE_ENV=production");
    return { mode: "off" };
  }
  if (!jwtGiven) {
    if (!values.WALLET_PROVIDERS_FILE) return { mode: "sandbox" };
    throw new ConfigError(
      "WALLET_JWT_ISSUER: configure JWT verification (WALLET_JWT_ISSUER, WALLET_JWT_AUDIENCE and WALLET_JWT_JWKS_URL or WALLET_JWT_PUBLIC_KEY[_FILE]), or set WALLET_AUTH=off for local development",
    );
  }
  if (!values.WALLET_JWT_ISSUER) throw new ConfigError("WALLET_JWT_ISSUER: required for JWT verification");
  if (!values.WALLET_JWT_AUDIENCE) throw new ConfigError("WALLET_JWT_AUDIENCE: required for JWT verification");
  const keySources = [values.WALLET_JWT_JWKS_URL, values.WALLET_JWT_PUBLIC_KEY, values.WALLET_JWT_PUBLIC_KEY_FILE].filter(Boolean);
  if (keySources.length !== 1) {
    throw new ConfigError(
      "WALLET_JWT_JWKS_URL: give exactly one of WALLET_JWT_JWKS_URL, WALLET_JWT_PUBLIC_KEY, WALLET_JWT_PUBLIC_KEY_FILE",
    );
  }
  let publicKeyPem = values.WALLET_JWT_PUBLIC_KEY;
  if (values.WALLET_JWT_PUBLIC_KEY_FILE) {
    try {
      publicKeyPem = readFileSync(values.WALLET_JWT_PUBLIC_KEY_FILE, "utf8");
    } catch (error) {
      throw new ConfigError(
        `WALLET_JWT_PUBLIC_KEY_FILE: cannot read ${values.WALLET_JWT_PUBLIC_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
    }
  }
  return {
    mode: "jwt",
    jwt: {
      issuer: values.WALLET_JWT_ISSUER,
      audience: values.WALLET_JWT_AUDIENCE,
      jwksUrl: values.WALLET_JWT_JWKS_URL,
      publicKeyPem,
      algorithms: values.WALLET_JWT_ALGORITHMS,
      clockSkewSeconds: values.WALLET_JWT_CLOCK_SKEW_SECONDS,
      verifiedTokens: { maxEntries: values.WALLET_JWT_CACHE_SIZE, maxAgeSeconds: values.WALLET_JWT_CACHE_SECONDS },
    },
  };
}
