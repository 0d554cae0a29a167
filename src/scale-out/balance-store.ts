// Responsible for where cached balances live: one Redis for every replica, or this process alone; amounts kept as their exact text, and a wallet's version so a refund's drop wins over a read that started before it.
import { LRUCache } from "lru-cache";
import { z } from "zod";
import { ScaledDecimal } from "../money/decimal.js";
import { parseLosslessJson } from "../providers/json-body.js";
import type { AccountBalance } from "../providers/provider.js";
import { LuaScript, type RedisLink } from "./redis-link.js";

/** One query's balances as the provider gave them, and when it gave them. */
export interface CachedBalances {
  asOf: Date;
  balances: AccountBalance[];
}

/** What a lookup finds: maybe an entry, and the wallet's version to store a fresh answer under. */
export interface Lookup {
  found: CachedBalances | undefined;
  version: string;
  /** The entry as stored ("" for none): leading is only for the caller that saw the entry as it still is. */
  seen: string;
}

/** `field` is one query's currency, or "*" for every currency. */
export interface BalanceStore {
  /** `undefined`: no cache can be trusted now (Redis down): ask the provider and store nothing. */
  get(providerId: string, walletId: string, field: string): Promise<Lookup | undefined>;
  /** Stored only if no refund dropped the wallet since `version` was read. */
  put(providerId: string, walletId: string, field: string, version: string, entry: CachedBalances, maxAgeMs: number): Promise<void>;
  /** Drops every cached balance of the wallet at the provider, on every replica, before it resolves. */
  drop(providerId: string, walletId: string): Promise<void>;
  /**
   * After a miss: whether this caller is the one to ask the provider (for `ms`), rather than wait for another
   * replica's answer to be stored. Replicas sharing a store make one call per balance between them.
   */
  lead(providerId: string, walletId: string, field: string, seen: Lookup, ms: number): Promise<boolean>;
  /** The leader got nothing worth storing (a failure): those waiting for it ask the provider themselves. */
  release(providerId: string, walletId: string, field: string, version: string): Promise<void>;
}

/** Text form of an entry: every amount a string written by ScaledDecimal, so its digits and scale come back exactly. */
const entryText = z.object({
  asOf: z.string().regex(/^\d+$/),
  balances: z.array(z.tuple([z.string(), z.string(), z.string(), z.string(), z.string(), z.string()])),
});

function encodeEntry(entry: CachedBalances): string {
  return JSON.stringify({
    asOf: String(entry.asOf.getTime()),
    balances: entry.balances.map((b) => [
      b.providerId,
      b.account,
      b.currency,
      b.amount.toString(),
      b.available.toString(),
      b.locked.toString(),
    ]),
  });
}

/** An entry read back, or `undefined` for text this version cannot read (treated as a miss). */
function decodeEntry(text: string): CachedBalances | undefined {
  try {
    const parsed = entryText.safeParse(parseLosslessJson(text));
    if (!parsed.success) return undefined;
    const asOf = new Date(Number(parsed.data.asOf));
    return {
      asOf,
      balances: parsed.data.balances.map(([providerId, account, currency, amount, available, locked]) => ({
        providerId,
        account,
        currency,
        amount: ScaledDecimal.parse(amount),
        available: ScaledDecimal.parse(available),
        locked: ScaledDecimal.parse(locked),
        asOf,
      })),
    };
  } catch {
    return undefined;
  }
}

/** KEYS: the wallet's hash, its version. ARGV: field. The entry and the version in one atomic read. */
const GET = new LuaScript(`return {redis.call('HGET', KEYS[1], ARGV[1]), redis.call('GET', KEYS[2]) or '0'}`, 2);
/** KEYS: hash, version, the lease of whoever asked the provider. ARGV: field, version read before the call, entry, max age. */
const PUT = new LuaScript(
  `redis.call('DEL', KEYS[3])
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`,
  3,
);
/** KEYS: hash, version. ARGV: how long the version outlives any read that could have started before the drop. */
const DROP = new LuaScript(
  `redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
return 1`,
  2,
);
/**
 * KEYS: hash, version, lease. ARGV: field, the entry as the caller saw it, the version it saw, lease ms. The lease is
 * taken only if nothing changed since: a caller that saw a stale entry just before another replica stored a fresh
 * one must not ask the provider again.
 */
const LEAD = new LuaScript(
  `if (redis.call('HGET', KEYS[1], ARGV[1]) or '') ~= ARGV[2] then return 0 end
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[3] then return 0 end
if redis.call('SET', KEYS[3], '1', 'PX', ARGV[4], 'NX') then return 1 end
return 0`,
  3,
);
/** Longer than any provider call: a read that started before a drop ends long before its version is forgotten. */
const VERSION_KEPT_MS = 600_000;

/**
 * Shared by every replica. While Redis is down nothing is served from it, and drops this replica could not make are
 * made as soon as it is back, before anything is served again; entries written before it came back are not served.
 */
export class RedisBalanceStore implements BalanceStore {
  /** Drops this replica could not make, by provider and wallet. */
  private readonly undone = new Map<string, [providerId: string, walletId: string]>();

  constructor(private readonly redis: RedisLink) {}

  async get(providerId: string, walletId: string, field: string): Promise<Lookup | undefined> {
    if (!(await this.catchUp())) return undefined;
    const answer = await this.redis.script(GET, this.keys(providerId, walletId), [field]);
    if (!Array.isArray(answer)) return undefined;
    const [text, version] = answer as [string | null, string];
    const found = typeof text === "string" ? decodeEntry(text) : undefined;
    // An entry from before this replica last lost Redis may predate a refund whose drop it could not make.
    const trusted = found && found.asOf.getTime() >= this.redis.sharedSinceEpochMs ? found : undefined;
    return { found: trusted, version: String(version), seen: text ?? "" };
  }

  async put(providerId: string, walletId: string, field: string, version: string, entry: CachedBalances, maxAgeMs: number): Promise<void> {
    const keys = [...this.keys(providerId, walletId), this.leaseKey(providerId, walletId, field, version)];
    await this.redis.script(PUT, keys, [field, version, encodeEntry(entry), maxAgeMs]);
  }

  async lead(providerId: string, walletId: string, field: string, seen: Lookup, ms: number): Promise<boolean> {
    // Named by the version: after a refund's drop, a read that started before it leads no one.
    const keys = [...this.keys(providerId, walletId), this.leaseKey(providerId, walletId, field, seen.version)];
    const led = await this.redis.script(LEAD, keys, [field, seen.seen, seen.version, ms]);
    // Redis not answering: nobody else can be waited for.
    return led === undefined || led === 1;
  }

  async release(providerId: string, walletId: string, field: string, version: string): Promise<void> {
    await this.redis.run((client) => client.del(this.leaseKey(providerId, walletId, field, version)));
  }

  async drop(providerId: string, walletId: string): Promise<void> {
    const done = await this.redis.script(DROP, this.keys(providerId, walletId), [VERSION_KEPT_MS]);
    if (done === undefined) this.undone.set(JSON.stringify([providerId, walletId]), [providerId, walletId]);
  }

  /** Makes the drops missed while Redis was down; true once none is left. */
  private async catchUp(): Promise<boolean> {
    if (!this.redis.shared) return false;
    for (const [key, [providerId, walletId]] of [...this.undone]) {
      const done = await this.redis.script(DROP, this.keys(providerId, walletId), [VERSION_KEPT_MS]);
      if (done === undefined) return false;
      this.undone.delete(key);
    }
    return true;
  }

  private leaseKey(providerId: string, walletId: string, field: string, version: string): string {
    return this.redis.key("balance-lease", providerId, walletId, field, version);
  }

  private keys(providerId: string, walletId: string): string[] {
    return [this.redis.key("balance", providerId, walletId), this.redis.key("balance-version", providerId, walletId)];
  }
}

/** Wallets whose cached balances one process keeps at most. */
const LOCAL_WALLETS = 100_000;

/** One process's cache: the embedded default when no Redis is configured. */
export class LocalBalanceStore implements BalanceStore {
  private readonly wallets = new LRUCache<string, { version: number; entries: Map<string, string> }>({ max: LOCAL_WALLETS });

  async get(providerId: string, walletId: string, field: string): Promise<Lookup> {
    const wallet = this.wallets.get(JSON.stringify([providerId, walletId]));
    const text = wallet?.entries.get(field);
    return { found: text === undefined ? undefined : decodeEntry(text), version: String(wallet?.version ?? 0), seen: text ?? "" };
  }

  async put(providerId: string, walletId: string, field: string, version: string, entry: CachedBalances): Promise<void> {
    const key = JSON.stringify([providerId, walletId]);
    const wallet = this.wallets.get(key) ?? { version: 0, entries: new Map<string, string>() };
    if (String(wallet.version) !== version) return;
    wallet.entries.set(field, encodeEntry(entry));
    this.wallets.set(key, wallet);
  }

  /** One process coalesces its own calls: there is no other replica to wait for. */
  async lead(): Promise<boolean> {
    return true;
  }

  async release(): Promise<void> {}

  async drop(providerId: string, walletId: string): Promise<void> {
    const key = JSON.stringify([providerId, walletId]);
    const wallet = this.wallets.get(key);
    this.wallets.set(key, { version: (wallet?.version ?? 0) + 1, entries: new Map() });
  }
}
