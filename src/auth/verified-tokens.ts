// Responsible for remembering tokens already verified, so that the router's next request with the same token skips the signature check: bounded in entries and age, never past the token's expiry.
import { LRUCache } from "lru-cache";
import type { Caller } from "./caller.js";

export interface VerifiedTokenSettings {
  /** Most tokens remembered at once (least recently used go first); 0 turns remembering off. */
  maxEntries: number;
  /** How long a verification counts before the token is verified again (a key taken out of the JWKS stops counting by then); 0 turns remembering off. */
  maxAgeSeconds: number;
}

export const DEFAULT_VERIFIED_TOKENS: VerifiedTokenSettings = { maxEntries: 10_000, maxAgeSeconds: 60 };

interface Verified {
  caller: Caller;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
  /** When it was verified, in ms since the epoch. */
  verifiedAt: number;
}

/** Lives for the process. Keyed by the whole token, so a token that differs in one byte (its signature included) is a stranger. */
export class VerifiedTokens {
  private readonly entries: LRUCache<string, Verified> | undefined;

  constructor(
    private readonly settings: VerifiedTokenSettings,
    /** The tolerance the verification allows on `exp`: a remembered token is dropped when verifying it would fail. */
    private readonly clockSkewSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = settings.maxEntries > 0 && settings.maxAgeSeconds > 0 ? new LRUCache({ max: settings.maxEntries }) : undefined;
  }

  /** The caller a still-valid verification of `token` found; undefined when the token must be verified (again). */
  get(token: string): Caller | undefined {
    const entry = this.entries?.get(token);
    if (!entry) return undefined;
    const now = this.now();
    if (now - entry.verifiedAt >= this.settings.maxAgeSeconds * 1000 || now >= (entry.expiresAt + this.clockSkewSeconds) * 1000) {
      this.entries!.delete(token);
      return undefined;
    }
    return entry.caller;
  }

  /** After a successful verification: `expiresAt` is the token's `exp` claim. */
  remember(token: string, caller: Caller, expiresAt: number): void {
    this.entries?.set(token, { caller, expiresAt, verifiedAt: this.now() });
  }
}
