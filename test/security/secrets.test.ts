// Secrets stay secret: every log line and every GraphQL answer of a run through every provider, fault and refusal is searched
// for the configured secrets (provider tokens, API keys, private keys, the router secret) and the JWTs callers sent.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseProvidersFile } from "../../src/config/providers-file.js";
import { createLogger, secretsOf } from "../../src/observability/logger.js";
import type { SimulatorFault } from "../../src/providers/simulator-knobs.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { RefundDocument, WalletOverviewDocument } from "../generated/graphql.js";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { postGraphQL } from "../support/graphql-http.js";

const ROUTER_SECRET = "router-secret-that-must-never-be-logged";
const lines: string[] = [];
const answers: string[] = [];
const tokensSent = new Set<string>();
let sandbox: Sandbox;

async function send<TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables, token?: string) {
  if (token) tokensSent.add(token);
  const response = await postGraphQL(sandbox.graphqlUrl, document, variables, {
    "router-authorization": ROUTER_SECRET,
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });
  answers.push(JSON.stringify(response));
  return response;
}

/** The configured secrets as they could leak: whole, and each line of a PEM key. */
function secretNeedles(): string[] {
  const values = [...secretsOf(sandbox.providers), ROUTER_SECRET, ...tokensSent];
  return values.flatMap((value) => (value.includes("-----BEGIN") ? value.split("\n").filter((line) => line.length > 40) : [value]));
}

beforeAll(async () => {
  const destination = { write: (line: string) => void lines.push(line) };
  sandbox = await startSandbox({
    port: 0,
    storeUrl: "sqlite::memory:",
    providerTimeoutMs: 500,
    routerSecret: ROUTER_SECRET,
    logger: createLogger({
      level: "debug",
      destination,
      secrets: () => secretsOf([sandbox?.providers ?? [], { routerSecret: ROUTER_SECRET }]),
    }),
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe("no secret in any log line or answer", () => {
  it("runs every provider through every fault, bad credentials and refunds, then finds none of the secrets", async () => {
    const operator = sandbox.auth.tokens.operator;
    await send(WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }, operator);

    for (const fault of ["auth", "malformed", "bad-shape", "http500", "hang", "refuse"] as SimulatorFault[]) {
      for (const simulator of Object.values(sandbox.simulators)) await simulator.setFault(fault);
      const response = await send(WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }, operator);
      expect(new Set(response.data?.wallet?.failures.map((failure) => failure.provider.id)).size, fault).toBe(5);
      for (const simulator of Object.values(sandbox.simulators)) await simulator.setFault(null);
    }

    const expired = await sandbox.auth.sign({ sub: "tester" }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    expect((await send(WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }, expired)).status).toBe(401);
    const foreign = await sandbox.auth.sign({ sub: "tester" }, { audience: "elsewhere" });
    expect((await send(WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }, foreign)).status).toBe(401);
    await send(WalletOverviewDocument, { id: "tester", currency: null, totalCurrency: "USD" }, await sandbox.auth.sign({ sub: "mallory" }));

    const refund = (amount: string) => ({
      input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount, idempotencyKey: randomUUID() },
    });
    await send(RefundDocument, refund("1.00"), operator);
    await send(RefundDocument, refund("999999.00"), operator);
    await sandbox.simulators.luckyMonaco.setFault("auth");
    await send(RefundDocument, refund("1.00"), operator);
    await sandbox.simulators.luckyMonaco.setFault(null);

    // A configuration error names the field, never the value.
    process.env.SECRETS_TEST_TOKEN = "config-secret-value-123456";
    try {
      parseProvidersFile(
        JSON.stringify({
          providers: [
            {
              id: "k",
              name: "K",
              protocol: "slot-spec",
              baseUrl: "nope",
              partnerId: "p",
              token: { env: "SECRETS_TEST_TOKEN" },
              currencies: ["USD"],
            },
          ],
        }),
        "providers.json",
      );
    } catch (error) {
      lines.push((error as Error).message);
    } finally {
      delete process.env.SECRETS_TEST_TOKEN;
    }
    tokensSent.add("config-secret-value-123456");

    const needles = secretNeedles();
    const haystack = [...lines, ...answers];
    const found = needles.filter((needle) => haystack.some((text) => text.includes(needle)));
    console.log(
      `secrets: ${needles.length} secret values searched in ${lines.length} log lines and ${answers.length} answers: ${found.length} found`,
    );
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.includes("provider could not be read"))).toBe(true);
    expect(found).toEqual([]);
  });
});
