// Responsible for turning the router-forwarded JWT into a Caller: signature, issuer, audience and expiry checked with jose.
import { GraphQLError } from "graphql";
import { createPublicKey } from "node:crypto";
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from "jose";
import { ConfigError } from "../config/config-error.js";
import type { Caller } from "./caller.js";
import { DEFAULT_VERIFIED_TOKENS, VerifiedTokens, type VerifiedTokenSettings } from "./verified-tokens.js";

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** Exactly one of the two: where the signing keys are published, or the one public key (PEM). */
  jwksUrl?: string;
  publicKeyPem?: string;
  algorithms: string[];
  clockSkewSeconds: number;
  /** Tokens verified once count for a while: the router sends the same token with every request of a session. */
  verifiedTokens?: VerifiedTokenSettings;
}

export type VerifyCaller = (authorization: string | undefined) => Promise<Caller>;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/** Scopes as OAuth writes them (`scope: "a b"`) or as some providers do (`scp: ["a", "b"]`). */
function scopesOf(payload: JWTPayload): Set<string> {
  const scope = payload.scope ?? payload.scp;
  if (typeof scope === "string") return new Set(scope.split(" ").filter(Boolean));
  if (Array.isArray(scope)) return new Set(scope.filter((item): item is string => typeof item === "string"));
  return new Set();
}

/**
 * Lives for the process (it caches the JWKS and the tokens it verified). No Authorization header: an anonymous caller.
 * `now` (ms since the epoch) is the clock for expiry, for tests.
 */
export async function createJwtVerifier(settings: JwtSettings, now: () => number = Date.now): Promise<VerifyCaller> {
  let key: KeyObject | JWTVerifyGetKey;
  if (settings.jwksUrl) {
    key = createRemoteJWKSet(new URL(settings.jwksUrl));
  } else if (settings.publicKeyPem) {
    // Node's own parser takes RSA and EC keys alike; `algorithms` then says which signatures count.
    try {
      key = createPublicKey(settings.publicKeyPem);
    } catch {
      throw new ConfigError("WALLET_JWT_PUBLIC_KEY: not a PEM public key (SPKI)");
    }
  } else {
    throw new Error("JWT verification needs a JWKS URL or a public key");
  }

  const verified = new VerifiedTokens(settings.verifiedTokens ?? DEFAULT_VERIFIED_TOKENS, settings.clockSkewSeconds, now);

  return async (authorization) => {
    if (authorization === undefined || authorization === "") return { subject: null, scopes: new Set(), trusted: false };
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization);
    if (!match) throw unauthenticated("the Authorization header must be a Bearer token");
    const token = match[1]!;
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, key as JWTVerifyGetKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: settings.algorithms,
        clockTolerance: settings.clockSkewSeconds,
        requiredClaims: ["sub", "exp"],
        currentDate: new Date(now()),
      });
      const caller: Caller = { subject: payload.sub ?? null, scopes: scopesOf(payload), trusted: false };
      // `exp` is required above, so every remembered token has an end.
      verified.remember(token, caller, payload.exp!);
      return caller;
    } catch (error) {
      // The reason, never the token: "expired", "signature verification failed", "unexpected iss".
      const reason = error instanceof errors.JWTExpired ? "the token has expired" : "the token is not valid here";
      throw unauthenticated(reason);
    }
  };
}
