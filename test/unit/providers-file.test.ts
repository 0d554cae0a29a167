// The providers file is checked at start: a bad field is named, a missing secret is named, nothing half-works.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAppConfig } from "../../src/config/app-config.js";
import { ConfigError } from "../../src/config/config-error.js";
import { loadProvidersFile, parseProvidersFile } from "../../src/config/providers-file.js";
import { generatePartnerKeys, generateRsaKeyPair } from "../../src/providers/xpay/envelope.js";

const kyren = (overrides: Record<string, unknown> = {}) => ({
  id: "kyren",
  name: "Kyren",
  protocol: "slot-spec",
  baseUrl: "https://kyren.example.com/partner",
  partnerId: "p-1",
  token: { env: "TEST_KYREN_TOKEN" },
  currencies: ["USD"],
  ...overrides,
});

const parse = (document: unknown) => parseProvidersFile(JSON.stringify(document), "providers.json");

function errorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

let secretDir: string;

beforeAll(async () => {
  process.env.TEST_KYREN_TOKEN = "kyren-secret";
  secretDir = await mkdtemp(join(tmpdir(), "wallet-secrets-"));
  await writeFile(join(secretDir, "token"), "file-secret\n");
});

afterAll(async () => {
  delete process.env.TEST_KYREN_TOKEN;
  await rm(secretDir, { recursive: true, force: true });
});

describe("the providers file", () => {
  it("reads the example in the repository, resolving its secrets from the environment and a file", async () => {
    const example = await readFile(new URL("../../config/providers.example.yaml", import.meta.url), "utf8");
    const secrets = ["KYREN_TOKEN", "ALPHASMS_MAIN_API_KEY", "NAMI_MAIN_API_KEY", "NAMI_MAIN_API_SECRET", "XPAY_PARTNER_TOKEN"];
    for (const name of secrets) process.env[name] = `${name.toLowerCase()}-value`;
    const [partner, xpay] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);
    await writeFile(join(secretDir, "partner.pem"), partner.privateKeyPem);
    await writeFile(join(secretDir, "xpay.pem"), xpay.publicKeyPem);
    try {
      const tokenFile = join(secretDir, "token");
      const file = parseProvidersFile(
        example
          .replace("/run/secrets/lucky-monaco-token", tokenFile)
          .replace("/run/secrets/xpay-partner-private-key.pem", join(secretDir, "partner.pem"))
          .replace("/etc/wallet-subgraph/xpay-public-key.pem", join(secretDir, "xpay.pem")),
        "example",
      );
      expect(file.providers.map((p) => [p.id, p.protocol])).toEqual([
        ["kyren", "slot-spec"],
        ["lucky-monaco", "slot-spec"],
        ["alphasms", "alphasms"],
        ["nami", "nami"],
        ["xpay", "xpay"],
      ]);
      const slotSpec = file.providers.flatMap((p) => (p.protocol === "slot-spec" ? [[p.id, p.token, p.userInfo, p.canRefund]] : []));
      expect(slotSpec).toEqual([
        ["kyren", "kyren_token-value", true, false],
        ["lucky-monaco", "file-secret", false, true],
      ]);
      const nami = file.providers.find((p) => p.protocol === "nami");
      expect(nami?.protocol === "nami" && nami.accounts[0]).toEqual({
        ref: "main",
        apiKey: "nami_main_api_key-value",
        apiSecret: "nami_main_api_secret-value",
      });
    } finally {
      for (const name of secrets) delete process.env[name];
    }
  });

  it("fills defaults: timeout, connection cap, no /user/info, no refunds", () => {
    const [provider] = parse({ providers: [kyren()] }).providers;
    expect(provider).toMatchObject({ timeoutMs: 3000, maxConnections: 16, userInfo: false, canRefund: false, token: "kyren-secret" });
  });

  it.each([
    ["a missing secret", { token: { env: "TEST_NOT_SET" } }, "providers[0].token: environment variable TEST_NOT_SET is not set"],
    ["a secret written in the file", { token: "plain-text-token" }, "providers[0].token"],
    ["a bad URL", { baseUrl: "not a url" }, "providers[0].baseUrl"],
    ["a lower-case currency", { currencies: ["usd"] }, "providers[0].currencies[0]"],
    ["no currencies", { currencies: [] }, "providers[0].currencies"],
    ["a bad id", { id: "Kyren Partner" }, "providers[0].id"],
    ["a zero timeout", { timeoutMs: 0 }, "providers[0].timeoutMs"],
    ["an unknown field", { tokn: "x" }, "providers[0]"],
    ["an unknown protocol", { protocol: "soap" }, "providers[0].protocol"],
  ])("names the field of %s", (_name, overrides, expected) => {
    expect(errorOf(() => parse({ providers: [kyren(overrides)] }))).toContain(expected);
  });

  it("refuses two providers with one id", () => {
    expect(errorOf(() => parse({ providers: [kyren(), kyren()] }))).toContain('providers[1].id: "kyren" is used twice');
  });

  it("refuses an empty list and a file that is not YAML", () => {
    expect(errorOf(() => parse({ providers: [] }))).toContain("providers: configure at least one provider");
    expect(errorOf(() => parseProvidersFile("providers: [", "broken.yaml"))).toContain("broken.yaml is not valid YAML");
  });

  it("names a file that cannot be read", async () => {
    await expect(loadProvidersFile("/nonexistent/providers.yaml")).rejects.toThrow(
      /cannot read the providers file \/nonexistent\/providers.yaml: ENOENT/,
    );
  });
});

describe("the environment", () => {
  it("defaults to the sandbox on port 4001 with Playground and introspection", () => {
    expect(readAppConfig({})).toMatchObject({
      port: 4001,
      host: "127.0.0.1",
      providersFile: undefined,
      production: false,
      playground: true,
      introspection: true,
      storeUrl: "sqlite:data/wallet.sqlite",
      ledger: { retentionMs: 24 * 3600 * 1000, reconcileAfterMs: 60_000, reconcileIntervalMs: 30_000 },
      routerSecret: undefined,
      auth: { mode: "sandbox" },
      scopes: { readAll: "wallet:read:all", refund: "wallet:refund", admin: "wallet:admin" },
      limits: { maxDepth: 12, maxAliases: 30, maxRepresentations: 1000, maxBodyBytes: 1048576, fieldSuggestions: true },
    });
  });

  it("turns Playground and introspection off in production unless configured on", () => {
    const production = {
      NODE_ENV: "production",
      WALLET_PROVIDERS_FILE: "/p.yaml",
      WALLET_STORE_URL: "postgres://db/wallet",
      WALLET_ROUTER_SECRET: "a-long-enough-router-secret",
      WALLET_JWT_ISSUER: "https://issuer.example/",
      WALLET_JWT_AUDIENCE: "wallet-subgraph",
      WALLET_JWT_JWKS_URL: "https://issuer.example/.well-known/jwks.json",
    };
    expect(readAppConfig(production)).toMatchObject({
      production: true,
      playground: false,
      introspection: false,
      limits: expect.objectContaining({ fieldSuggestions: false }),
      auth: {
        mode: "jwt",
        jwt: expect.objectContaining({ jwksUrl: "https://issuer.example/.well-known/jwks.json", clockSkewSeconds: 30 }),
      },
    });
    expect(readAppConfig({ ...production, WALLET_PLAYGROUND: "true" }).playground).toBe(true);
  });

  it("refuses production without a providers file or a store, a bad port, a bad store URL and a short retention", () => {
    expect(errorOf(() => readAppConfig({ NODE_ENV: "production" }))).toContain("WALLET_PROVIDERS_FILE");
    const base = { NODE_ENV: "production", WALLET_PROVIDERS_FILE: "/p.yaml", WALLET_ROUTER_SECRET: "a-long-enough-router-secret" };
    expect(errorOf(() => readAppConfig({ NODE_ENV: "production", WALLET_PROVIDERS_FILE: "/p.yaml" }))).toContain("WALLET_ROUTER_SECRET");
    expect(errorOf(() => readAppConfig(base))).toContain("WALLET_STORE_URL");
    expect(errorOf(() => readAppConfig({ ...base, WALLET_STORE_URL: "postgres://db/w" }))).toContain("WALLET_JWT_ISSUER");
    expect(errorOf(() => readAppConfig({ ...base, WALLET_STORE_URL: "postgres://db/w", WALLET_AUTH: "off" }))).toContain("WALLET_AUTH");
    expect(errorOf(() => readAppConfig({ WALLET_PROVIDERS_FILE: "/p.yaml" }))).toContain("WALLET_AUTH=off");
    expect(errorOf(() => readAppConfig({ WALLET_ROUTER_SECRET: "short" }))).toContain("WALLET_ROUTER_SECRET");
    expect(errorOf(() => readAppConfig({ WALLET_STORE_URL: "mysql://db" }))).toContain("WALLET_STORE_URL");
    expect(errorOf(() => readAppConfig({ WALLET_REFUND_RETENTION_HOURS: "1" }))).toContain("at least 24 hours");
    expect(errorOf(() => readAppConfig({ PORT: "eighty" }))).toContain("PORT");
  });

  it("bounds every timing setting of the ledger below what a Node timer can hold (2^31-1 ms)", () => {
    for (const [name, value] of [
      ["WALLET_RECONCILE_INTERVAL_MS", "2147483648"],
      ["WALLET_RECONCILE_INTERVAL_MS", "3600001"],
      ["WALLET_RECONCILE_INTERVAL_MS", "99"],
      ["WALLET_RECONCILE_AFTER_MS", "2147483648"],
      ["WALLET_RECONCILE_AFTER_MS", "999"],
      ["WALLET_RECONCILE_MAX_DELAY_MS", "2147483648"],
      ["WALLET_REFUND_RETENTION_HOURS", "1e9"],
    ]) {
      expect(
        errorOf(() => readAppConfig({ [name!]: value! })),
        `${name}=${value}`,
      ).toContain(name);
    }
    expect(readAppConfig({ WALLET_RECONCILE_INTERVAL_MS: "3600000", WALLET_RECONCILE_MAX_DELAY_MS: "86400000" }).ledger).toMatchObject({
      reconcileIntervalMs: 3_600_000,
      maxRetryDelayMs: 86_400_000,
    });
  });
});
