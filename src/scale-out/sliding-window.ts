// Responsible for the rate limit's one algorithm, a sliding log: at most `limit` grants in any window of `windowMs`, in Redis (one atomic script on Redis's clock) or in this process.
import { randomUUID } from "node:crypto";
import { LuaScript, type RedisLink } from "./redis-link.js";

/** Granted, or how long until the oldest grant in the window leaves it (or a back-off ends). */
export type Grant = { granted: true } | { granted: false; retryInMs: number };

/** Where grants are logged: one Redis for every replica, or this process alone. */
export interface WindowLog {
  take(key: string, limit: number, windowMs: number): Promise<Grant>;
  /** No grant for `key` during the next `ms` (the provider answered 429 with Retry-After). */
  block(key: string, ms: number): Promise<void>;
}

/**
 * KEYS: the log (a sorted set of grants scored by time), the back-off key. ARGV: limit, window ms, a unique member.
 * Time is Redis's own (TIME), so replicas whose clocks differ agree. A grant made at t counts until t + window.
 */
const TAKE = new LuaScript(
  `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked} end
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now + 1)}`,
  2,
);

/** Shared by every replica; `undefined` answers mean Redis could not be used (the caller falls back). */
export class RedisWindowLog {
  constructor(private readonly redis: RedisLink) {}

  async take(key: string, limit: number, windowMs: number): Promise<Grant | undefined> {
    const answer = await this.redis.script(
      TAKE,
      [this.redis.key("rate", key), this.redis.key("rate-block", key)],
      [limit, windowMs, randomUUID()],
    );
    if (!Array.isArray(answer) || answer.length !== 2) return undefined;
    const [granted, retryInMs] = answer as [number, number];
    return granted === 1 ? { granted: true } : { granted: false, retryInMs: Number(retryInMs) };
  }

  async block(key: string, ms: number): Promise<boolean> {
    const done = await this.redis.run((client) => client.set(this.redis.key("rate-block", key), "1", "PX", ms));
    return done !== undefined;
  }
}

/** This process's log: the embedded default without Redis, and the fallback while Redis is down. */
export class LocalWindowLog implements WindowLog {
  private readonly grants = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();

  async take(key: string, limit: number, windowMs: number): Promise<Grant> {
    const now = performance.now();
    const blocked = this.blockedMs(key);
    if (blocked > 0) return { granted: false, retryInMs: blocked };
    let log = this.grants.get(key);
    if (!log) this.grants.set(key, (log = []));
    while (log.length > 0 && log[0]! <= now - windowMs) log.shift();
    if (log.length < limit) {
      log.push(now);
      return { granted: true };
    }
    return { granted: false, retryInMs: Math.max(1, Math.ceil(log[0]! + windowMs - now) + 1) };
  }

  /** How long `key` is still held off by a back-off; 0 when it is not. */
  blockedMs(key: string): number {
    return Math.max(0, Math.ceil((this.blockedUntil.get(key) ?? 0) - performance.now()));
  }

  async block(key: string, ms: number): Promise<void> {
    this.blockedUntil.set(key, Math.max(this.blockedUntil.get(key) ?? 0, performance.now() + ms));
  }
}

/** Redis while it is shared, this process's own log otherwise: a replica never waits on a Redis that is down. */
export class FallbackWindowLog implements WindowLog {
  private readonly local = new LocalWindowLog();
  private readonly shared: RedisWindowLog | undefined;

  constructor(redis: RedisLink | undefined) {
    this.shared = redis ? new RedisWindowLog(redis) : undefined;
  }

  async take(key: string, limit: number, windowMs: number): Promise<Grant> {
    return (await this.shared?.take(key, limit, windowMs)) ?? this.local.take(key, limit, windowMs);
  }

  async block(key: string, ms: number): Promise<void> {
    // Kept locally too: should Redis go, this replica still honours the provider's Retry-After.
    await this.local.block(key, ms);
    await this.shared?.block(key, ms);
  }
}
