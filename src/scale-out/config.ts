// Responsible for the scale-out settings: each provider's rate limit and balance cache age (providers file), and the shared Redis (environment).
import { z } from "zod";

/** A provider's allowance: at most `requests` calls in any `intervalMs`, per provider or per credential (API key). */
const rateLimitConfig = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000),
  intervalMs: z.number().int().min(100).max(86_400_000),
  per: z.enum(["provider", "credential"]).default("provider"),
});
export type RateLimitConfig = z.output<typeof rateLimitConfig>;

/** The providers file's fields for scale-out, spread into every protocol's configuration. */
export const scaleOutFields = {
  /** Absent: no limit (the provider's own 429s still back calls off). */
  rateLimit: rateLimitConfig.optional(),
  /** A balance younger than this is served without a call; 0 or absent (the default) turns the cache off. */
  balanceMaxAgeMs: z.number().int().min(0).max(3_600_000).optional(),
};

/** The environment's part: where the shared Redis is and how long any call to it may take. */
export const redisEnvironment = {
  /** redis://[user:password@]host:port[/db]; without it every replica limits and caches on its own. */
  WALLET_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, "must be redis://host:port or rediss://host:port")
    .optional(),
  /** Prefix of every key this deployment writes, so several deployments can share one Redis. */
  WALLET_REDIS_KEY_PREFIX: z.string().min(1).max(100).default("wallet:"),
  /** The most any Redis command (or connecting) may take before the replica goes on without Redis. */
  WALLET_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
};

export interface RedisSettings {
  url: string;
  keyPrefix: string;
  timeoutMs: number;
}

/** Reads the parsed environment's Redis fields into settings; undefined when no Redis is configured. */
export function redisSettings(values: {
  WALLET_REDIS_URL?: string | undefined;
  WALLET_REDIS_KEY_PREFIX: string;
  WALLET_REDIS_TIMEOUT_MS: number;
}): RedisSettings | undefined {
  if (!values.WALLET_REDIS_URL) return undefined;
  return { url: values.WALLET_REDIS_URL, keyPrefix: values.WALLET_REDIS_KEY_PREFIX, timeoutMs: values.WALLET_REDIS_TIMEOUT_MS };
}
