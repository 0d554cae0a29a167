// Responsible for the sandbox's own token issuer: a key pair made at start, and ready-made tokens for the demo callers.
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { DEFAULT_SCOPES } from "../auth/caller.js";
import type { JwtSettings } from "../auth/jwt-verifier.js";

export const SANDBOX_ISSUER = "https://sandbox.wallet-subgraph.invalid/";
export const SANDBOX_AUDIENCE = "wallet-subgraph";
const ALGORITHM = "ES256";

export interface DemoAuth {
  jwt: JwtSettings;
  tokens: {
    /** The demo user: reads its own wallet, "tester". */
    tester: string;
    /** An operator of the company: reads every wallet, refunds, links accounts. */
    operator: string;
  };
  /** Signs any token with the sandbox's key, for tests of other callers. */
  sign(
    claims: { sub: string; scope?: string },
    options?: { expiresIn?: string | number; issuer?: string; audience?: string },
  ): Promise<string>;
}

export async function createDemoAuth(): Promise<DemoAuth> {
  const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const sign: DemoAuth["sign"] = (claims, options = {}) =>
    new SignJWT({ ...(claims.scope ? { scope: claims.scope } : {}) })
      .setProtectedHeader({ alg: ALGORITHM })
      .setSubject(claims.sub)
      .setIssuer(options.issuer ?? SANDBOX_ISSUER)
      .setAudience(options.audience ?? SANDBOX_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? "12h")
      .sign(privateKey);

  return {
    jwt: {
      issuer: SANDBOX_ISSUER,
      audience: SANDBOX_AUDIENCE,
      publicKeyPem: await exportSPKI(publicKey),
      algorithms: [ALGORITHM],
      clockSkewSeconds: 30,
    },
    tokens: {
      tester: await sign({ sub: "tester" }),
      operator: await sign({
        sub: "sandbox-operator",
        scope: [DEFAULT_SCOPES.readAll, DEFAULT_SCOPES.refund, DEFAULT_SCOPES.admin].join(" "),
      }),
    },
    sign,
  };
}
