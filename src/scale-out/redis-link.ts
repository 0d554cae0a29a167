// Responsible for the optional shared Redis: every command bounded in time, and a replica that goes on alone (and says so once) while Redis is down or slow.
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { RedisSettings } from "./config.js";
import type { ScaleOutMetrics } from "./scale-out-metrics.js";

/** After a failed or timed-out command, Redis is left alone this long: a slow Redis must not slow every call. */
const HOLD_OFF_MS = 1_000;

/** A Lua script run by its SHA (EVALSHA), sent in full only when Redis does not know it yet. */
export class LuaScript {
  readonly sha: string;
  constructor(
    readonly text: string,
    readonly keyCount: number,
  ) {
    this.sha = createHash("sha1").update(text).digest("hex");
  }
}

/**
 * Lives for the process. `shared` says whether callers should use Redis now; every command that fails or takes longer
 * than the timeout answers `undefined`, and Redis is held off a moment, so that callers fall back to their local way.
 */
export class RedisLink {
  private readonly client: Redis;
  /** Resolves once Redis is first connected, or after the connect timeout: a replica starts without it rather than wait. */
  readonly firstConnection: Promise<void>;
  private heldOffUntil = 0;
  /** What was last logged and measured: each change is said once. */
  private announced: boolean | undefined;
  private closed = false;
  private lostOnce = false;
  /**
   * When Redis last came back after being lost (wall clock, as cached balances' `asOf`); 0 before any loss. While it
   * was lost, other replicas may have refunded without being able to drop cached balances.
   */
  sharedSinceEpochMs = 0;

  constructor(
    private readonly settings: RedisSettings,
    private readonly logger: Logger,
    private readonly metrics: ScaleOutMetrics,
  ) {
    const connectTimeout = Math.max(settings.timeoutMs, 1_000);
    this.client = new Redis(settings.url, {
      // A command for a Redis that is not connected fails at once instead of waiting in a queue.
      enableOfflineQueue: false,
      // Commands are bounded here (`bounded`), not by ioredis: its timer cannot tell a slow Redis from a busy event loop.
      connectTimeout,
      maxRetriesPerRequest: 1,
      // Reconnect for ever, backing off to 2 s between attempts.
      retryStrategy: (times) => Math.min(100 * times, 2_000),
      lazyConnect: false,
    });
    // ioredis reports connection errors here; without a listener they would be thrown as unhandled.
    this.client.on("error", () => this.announce(false));
    this.client.on("end", () => this.announce(false));
    this.client.on("close", () => this.announce(false));
    this.client.on("ready", () => {
      this.heldOffUntil = 0;
      this.announce(true);
    });
    this.metrics.redis(false, false);
    this.firstConnection = new Promise<void>((resolve) => {
      this.client.once("ready", () => resolve());
      setTimeout(resolve, connectTimeout).unref();
    });
  }

  /** Whether Redis is connected and not held off after a failure. */
  get shared(): boolean {
    const shared = !this.closed && this.client.status === "ready" && performance.now() >= this.heldOffUntil;
    // The end of a hold-off raises no event of its own: it is noticed here.
    if (shared !== this.announced) this.announce(shared);
    return shared;
  }

  /** A key under this deployment's prefix; each part is encoded so no part can run into the next. */
  key(...parts: string[]): string {
    return this.settings.keyPrefix + parts.map((part) => encodeURIComponent(part)).join(":");
  }

  /** Runs a script atomically; `undefined` when Redis is not shared or the call failed (Redis is then held off). */
  async script(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.run(async (client) => {
      try {
        return await client.evalsha(script.sha, script.keyCount, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
        return await client.eval(script.text, script.keyCount, ...keys, ...args);
      }
    });
  }

  /** Runs commands; `undefined` when Redis is not shared or they failed (Redis is then held off). */
  async run<T>(commands: (client: Redis) => Promise<T>): Promise<T | undefined> {
    if (!this.shared) return undefined;
    try {
      return await this.bounded(commands(this.client));
    } catch (error) {
      this.heldOffUntil = performance.now() + HOLD_OFF_MS;
      this.announce(false, error);
      return undefined;
    }
  }

  /**
   * Rejects when no answer came within the timeout. A busy event loop runs the timer before it reads an answer
   * that already arrived: the answer is looked for once more, after the loop's I/O, before Redis counts as slow.
   */
  private bounded<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        setImmediate(() => {
          if (!settled) reject(new Error(`Redis did not answer within ${this.settings.timeoutMs} ms`));
        });
      }, this.settings.timeoutMs);
      work.then(
        (value) => {
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          settled = true;
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.bounded(this.client.quit());
    } catch {
      // Not connected, or not answering: the connection is dropped instead.
      this.client.disconnect();
    }
  }

  private announce(shared: boolean, error?: unknown): void {
    if (this.closed || this.announced === shared) return;
    const fellBack = this.announced === true;
    this.announced = shared;
    this.metrics.redis(shared, fellBack);
    if (shared && this.lostOnce) this.sharedSinceEpochMs = Date.now();
    if (!shared && fellBack) this.lostOnce = true;
    if (shared) {
      this.logger.info({ redis: this.settings.keyPrefix }, "Redis shared: rate limits and the balance cache are shared by every replica");
    } else {
      this.logger.warn(
        { redis: this.settings.keyPrefix, reason: error instanceof Error ? error.message : undefined },
        "Redis unavailable: this replica limits calls on its own and serves no cached balances until it is back",
      );
    }
  }
}
