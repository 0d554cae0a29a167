// Checks that a token verified once is taken from memory, and never past its expiry, its maximum age or the cache's size.
import { GraphQLError } from "graphql";
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createJwtVerifier, type JwtSettings } from "../../src/auth/jwt-verifier.js";

// The real jose, watched: how many tokens went through a signature check.
const joseCalls = vi.hoisted(() => ({ verify: 0 }));
vi.mock("jose", async (importOriginal) => {
  const jose = await importOriginal<typeof import("jose")>();
  return {
    ...jose,
    jwtVerify: (...args: Parameters<typeof jose.jwtVerify>) => {
      joseCalls.verify++;
      return jose.jwtVerify(...args);
    },
  };
});

const ISSUER = "https://issuer.test/";
const AUDIENCE = "wallet-subgraph";
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

let privateKey: CryptoKey;
let settings: JwtSettings;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256", { extractable: true });
  privateKey = pair.privateKey;
  settings = {
    issuer: ISSUER,
    audience: AUDIENCE,
    publicKeyPem: await exportSPKI(pair.publicKey),
    algorithms: ["ES256"],
    clockSkewSeconds: 0,
  };
});

beforeEach(() => {
  joseCalls.verify = 0;
});

function token(sub: string, expiresAtSeconds: number, scope?: string): Promise<string> {
  return new SignJWT(scope ? { scope } : {})
    .setProtectedHeader({ alg: "ES256" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(T0 / 1000)
    .setExpirationTime(expiresAtSeconds)
    .sign(privateKey);
}

/** A verifier on a clock the test moves. */
async function verifierAt(overrides: Partial<JwtSettings> = {}) {
  const clock = { now: T0 };
  const verify = await createJwtVerifier({ ...settings, ...overrides }, () => clock.now);
  return { clock, verify: (jwt: string) => verify(`Bearer ${jwt}`) };
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GraphQLError);
  expect((error as GraphQLError).extensions.code).toBe("UNAUTHENTICATED");
  return (error as GraphQLError).message;
}

describe("verified tokens", () => {
  it("checks a token's signature once, then answers the same caller from memory", async () => {
    const { verify } = await verifierAt();
    const jwt = await token("alice", T0 / 1000 + 3600, "wallet:read:all");
    const first = await verify(jwt);
    const second = await verify(jwt);
    expect(first).toEqual({ subject: "alice", scopes: new Set(["wallet:read:all"]), trusted: false });
    expect(second).toEqual(first);
    expect(joseCalls.verify).toBe(1);
  });

  it("keeps different tokens apart, including two that differ only in their signature", async () => {
    const { verify } = await verifierAt();
    const alice = await token("alice", T0 / 1000 + 3600);
    const bob = await token("bob", T0 / 1000 + 3600);
    expect((await verify(alice)).subject).toBe("alice");
    expect((await verify(bob)).subject).toBe("bob");
    expect(joseCalls.verify).toBe(2);

    // The same header and claims with another signature are a stranger, and a forgery at that.
    const [header, payload, signature] = alice.split(".") as [string, string, string];
    const forged = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    expect(await refusal(verify(forged))).toBe("the token is not valid here");
  });

  it("never answers from memory past the token's expiry (with the clock skew allowed)", async () => {
    const { clock, verify } = await verifierAt({ clockSkewSeconds: 30 });
    const jwt = await token("alice", T0 / 1000 + 10);
    await verify(jwt);
    clock.now = T0 + 39_000;
    expect((await verify(jwt)).subject).toBe("alice");
    expect(joseCalls.verify).toBe(1);
    clock.now = T0 + 40_000;
    expect(await refusal(verify(jwt))).toBe("the token has expired");
    expect(joseCalls.verify).toBe(2);
  });

  it("verifies a token again once its verification is older than the maximum age", async () => {
    const { clock, verify } = await verifierAt({ verifiedTokens: { maxEntries: 100, maxAgeSeconds: 60 } });
    const jwt = await token("alice", T0 / 1000 + 3600);
    await verify(jwt);
    clock.now = T0 + 59_999;
    await verify(jwt);
    expect(joseCalls.verify).toBe(1);
    clock.now = T0 + 60_000;
    await verify(jwt);
    expect(joseCalls.verify).toBe(2);
    // ...and that verification counts from its own time.
    clock.now = T0 + 119_000;
    await verify(jwt);
    expect(joseCalls.verify).toBe(2);
  });

  it("never remembers a refused token", async () => {
    const { verify } = await verifierAt();
    const expired = await token("alice", T0 / 1000 - 1);
    expect(await refusal(verify(expired))).toBe("the token has expired");
    expect(await refusal(verify(expired))).toBe("the token has expired");
    const otherAudience = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("alice")
      .setIssuer(ISSUER)
      .setAudience("another-service")
      .setExpirationTime(T0 / 1000 + 3600)
      .sign(privateKey);
    expect(await refusal(verify(otherAudience))).toBe("the token is not valid here");
    expect(await refusal(verify(otherAudience))).toBe("the token is not valid here");
    expect(joseCalls.verify).toBe(4);
  });

  it("forgets the least recently used token when full", async () => {
    const { verify } = await verifierAt({ verifiedTokens: { maxEntries: 2, maxAgeSeconds: 60 } });
    const [a, b, c] = await Promise.all(["a", "b", "c"].map((sub) => token(sub, T0 / 1000 + 3600)));
    await verify(a!);
    await verify(b!);
    await verify(a!); // a is now the most recently used
    await verify(c!); // b goes
    expect(joseCalls.verify).toBe(3);
    await verify(a!);
    expect(joseCalls.verify).toBe(3);
    await verify(b!);
    expect(joseCalls.verify).toBe(4);
  });

  it.each([
    ["no entries", { maxEntries: 0, maxAgeSeconds: 60 }],
    ["no age", { maxEntries: 100, maxAgeSeconds: 0 }],
  ])("verifies every request's token when remembering is off (%s)", async (_name, verifiedTokens) => {
    const { verify } = await verifierAt({ verifiedTokens });
    const jwt = await token("alice", T0 / 1000 + 3600);
    await verify(jwt);
    await verify(jwt);
    expect(joseCalls.verify).toBe(2);
  });
});
