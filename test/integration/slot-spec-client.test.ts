// Checks the SLOT_SPEC client against the SLOT_SPEC simulator over real HTTP on loopback: balances, call counts, faults and refunds.
import { randomUUID } from "node:crypto";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { FailureCode } from "../../src/providers/failure.js";
import type { BalanceQuery, RefundOutcome, RefundRequest } from "../../src/providers/provider.js";
import { SlotSpecClient, requestUuidFor } from "../../src/providers/slot-spec/client.js";
import { slotSpecProviderConfig, type SlotSpecProviderConfig } from "../../src/providers/slot-spec/config.js";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { FAULT_OUTCOMES, amounts, expectAmountsOnly, expectUnreachableUntilReopened } from "../support/provider-faults.js";
import { loadAgainstHang, loadWithSlowCalls } from "../support/provider-timing.js";
import { HostileProvider } from "../support/hostile-provider.js";

const PARTNER = { partnerId: "kyren-partner", token: "s3cret-token" };

let simulator: SlotSpecSimulator;
const clients: SlotSpecClient[] = [];

function client(overrides: Partial<SlotSpecProviderConfig> = {}): SlotSpecClient {
  const created = new SlotSpecClient({
    protocol: "slot-spec",
    id: "kyren",
    name: "Kyren",
    timeoutMs: 2_000,
    maxConnections: 4,
    baseUrl: simulator.url,
    ...PARTNER,
    currencies: ["USD", "EUR"],
    userInfo: false,
    canRefund: true,
    ...overrides,
  });
  clients.push(created);
  return created;
}

async function refund(
  target: SlotSpecClient,
  request: Partial<Omit<RefundRequest, "amount">> & { amount: string },
): Promise<RefundOutcome> {
  return target.refund!({
    walletId: "rich",
    currency: "USD",
    idempotencyKey: randomUUID(),
    ...request,
    amount: ScaledDecimal.parse(request.amount),
  });
}

beforeEach(async () => {
  simulator = await SlotSpecSimulator.start({
    partners: [PARTNER],
    wallets: {
      tester: { USD: "100.0", EUR: "5.50" },
      rich: { USD: "300.0" },
      victim: { USD: "1.00", EUR: "2.00" },
      bob: { EUR: "7" },
    },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
  await simulator.stop();
});

describe("SlotSpecClient: configuration and info", () => {
  it("parses a configuration with its token read from a secret file, and describes itself from it", () => {
    const directory = mkdtempSync(join(tmpdir(), "slot-spec-"));
    try {
      writeFileSync(join(directory, "token"), "file-token\n");
      const parsed = slotSpecProviderConfig.parse({
        protocol: "slot-spec",
        id: "lucky-monaco",
        name: "Lucky Monaco",
        baseUrl: "https://partner.example/api",
        partnerId: "p1",
        token: { file: join(directory, "token") },
        currencies: ["USD", "USDT"],
      });
      expect(parsed).toMatchObject({ token: "file-token", userInfo: false, canRefund: false, timeoutMs: 3_000 });
      const created = new SlotSpecClient(parsed);
      clients.push(created);
      expect(created.info).toEqual({ id: "lucky-monaco", name: "Lucky Monaco", protocol: "slot-spec", canRefund: false });
      expect(created.refund).toBeUndefined();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("refuses a configuration the protocol cannot serve", () => {
    const base = {
      protocol: "slot-spec",
      id: "kyren",
      name: "Kyren",
      baseUrl: "https://partner.example",
      partnerId: "p1",
      token: { file: "/nonexistent" },
      currencies: ["USD"],
    };
    expect(slotSpecProviderConfig.safeParse({ ...base, baseUrl: "ftp://partner.example" }).success).toBe(false);
    expect(slotSpecProviderConfig.safeParse({ ...base, baseUrl: "not a url" }).success).toBe(false);
    expect(slotSpecProviderConfig.safeParse({ ...base, baseUrl: "https://partner.example/?a=1" }).success).toBe(false);
    expect(slotSpecProviderConfig.safeParse({ ...base, currencies: [] }).success).toBe(false);
    expect(slotSpecProviderConfig.safeParse({ ...base, currencies: ["USDTX"] }).success).toBe(false);
    expect(slotSpecProviderConfig.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
});

describe("SlotSpecClient: balances", () => {
  it("reads balances with the provider's scale kept, locked zero at the same scale", async () => {
    const [usd, eur] = await client().loadBalances([
      { walletId: "tester", currency: "USD" },
      { walletId: "tester", currency: "EUR" },
    ]);
    expect(usd!.failures).toEqual([]);
    expect(usd!.balances).toHaveLength(1);
    const balance = usd!.balances[0]!;
    expect({
      providerId: balance.providerId,
      account: balance.account,
      currency: balance.currency,
      amount: balance.amount.toString(),
      available: balance.available.toString(),
      locked: balance.locked.toString(),
    }).toEqual({ providerId: "kyren", account: "tester", currency: "USD", amount: "100.0", available: "100.0", locked: "0.0" });
    expect(eur!.balances[0]!.amount.toString()).toBe("5.50");
  });

  it('"Have no Wallet" (code 2) is an empty answer, not a failure', async () => {
    const results = await client().loadBalances([
      { walletId: "rich", currency: "EUR" },
      { walletId: "nobody", currency: null },
    ]);
    expect(results).toEqual([
      { balances: [], failures: [] },
      { balances: [], failures: [] },
    ]);
    expect(simulator.calls("/user/balance")).toBe(3);
  });

  it("never asks about a currency the partner is not configured to hold", async () => {
    const results = await client().loadBalances([{ walletId: "tester", currency: "JPY" }]);
    expect(results).toEqual([{ balances: [], failures: [] }]);
    expect(simulator.calls()).toBe(0);
  });

  it("makes one call per distinct (wallet, currency) pair of the batch, null currency expanded", async () => {
    const queries: BalanceQuery[] = [
      { walletId: "tester", currency: "USD" },
      { walletId: "tester", currency: null },
      { walletId: "bob", currency: "EUR" },
      { walletId: "bob", currency: null },
      { walletId: "victim", currency: "EUR" },
      { walletId: "u".repeat(33), currency: "USD" },
      { walletId: "tester", currency: "TOOLONG" },
    ];
    const results = await client().loadBalances(queries);
    // tester/USD, tester/EUR, bob/EUR, bob/USD, victim/EUR; the impossible id and currency cost nothing.
    expect(simulator.calls("/user/balance")).toBe(5);
    expect(simulator.calls()).toBe(5);
    expectAmountsOnly(results, [
      { "tester/USD": "100.0" },
      { "tester/USD": "100.0", "tester/EUR": "5.50" },
      { "bob/EUR": "7" },
      { "bob/EUR": "7" },
      { "victim/EUR": "2.00" },
      {},
      {},
    ]);
  });

  it("makes its calls concurrently", async () => {
    const results = await loadWithSlowCalls(simulator, () =>
      client({ maxConnections: 8 }).loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "victim", currency: null },
        { walletId: "rich", currency: "USD" },
      ]),
    );
    expect(simulator.calls("/user/balance")).toBe(5);
    expect(results.map(amounts)[2]).toEqual({ "rich/USD": "300.0" });
  });

  it("with userInfo, one /user/info call per distinct wallet answers every query of it", async () => {
    const results = await client({ userInfo: true }).loadBalances([
      { walletId: "tester", currency: "USD" },
      { walletId: "tester", currency: null },
      { walletId: "tester", currency: "JPY" },
      { walletId: "bob", currency: "EUR" },
      { walletId: "nobody", currency: null },
      { walletId: "u".repeat(33), currency: null },
    ]);
    expect(simulator.calls("/user/info")).toBe(3);
    expect(simulator.calls()).toBe(3);
    expectAmountsOnly(results, [
      { "tester/USD": "100.0" },
      { "tester/USD": "100.0", "tester/EUR": "5.50" },
      {},
      { "bob/EUR": "7" },
      {},
      {},
    ]);
  });

  it("a negative balance from the provider is a BAD_RESPONSE, not money", async () => {
    simulator.setWallet("tester", "USD", "-1.00");
    for (const userInfo of [false, true]) {
      const [result] = await client({ userInfo }).loadBalances([{ walletId: "tester", currency: "USD" }]);
      expect(result!.balances).toEqual([]);
      expect(result!.failures).toMatchObject([{ providerId: "kyren", currency: "USD", code: FailureCode.BAD_RESPONSE, retryable: false }]);
    }
  });

  it("bad credentials are AUTH_FAILED, not retryable", async () => {
    const [result] = await client({ token: "wrong" }).loadBalances([{ walletId: "tester", currency: null }]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ currency: null, code: FailureCode.AUTH_FAILED, retryable: false });
  });

  describe.each([
    ["/user/balance", false],
    ["/user/info", true],
  ])("faults, through %s", (_, userInfo) => {
    it.each(FAULT_OUTCOMES)("%s on one wallet gives %s (retryable %s) for its queries only", async (fault, code, retryable) => {
      await simulator.setFault(fault, { userId: "victim" });
      const started = performance.now();
      const results = await client({ timeoutMs: 200, userInfo }).loadBalances([
        { walletId: "victim", currency: "USD" },
        { walletId: "tester", currency: "USD" },
        { walletId: "victim", currency: null },
        { walletId: "bob", currency: null },
      ]);
      expect(performance.now() - started).toBeLessThan(200 + 400);
      expect(results[0]!.balances).toEqual([]);
      expect(results[0]!.failures).toHaveLength(1);
      expect(results[0]!.failures[0]).toMatchObject({ providerId: "kyren", currency: "USD", code, retryable });
      expect(results[2]!.balances).toEqual([]);
      expect(results[2]!.failures).toHaveLength(1);
      expect(results[2]!.failures[0]).toMatchObject({ providerId: "kyren", currency: null, code, retryable });
      expect(amounts(results[1]!)).toEqual({ "tester/USD": "100.0" });
      expect(amounts(results[3]!)).toEqual({ "bob/EUR": "7" });
      expect(results[1]!.failures).toEqual([]);
      expect(results[3]!.failures).toEqual([]);
    });
  });

  it("an every-currency query names the currencies that failed in one failure per cause", async () => {
    await simulator.setFault("http500", { userId: "victim" });
    const [result] = await client().loadBalances([{ walletId: "victim", currency: null }]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]!.message).toMatch(/^USD, EUR: /);
  });

  it("a timeout is bounded by the client's timeout against a hanging provider", async () => {
    const result = await loadAgainstHang(
      simulator,
      async () => (await client({ timeoutMs: 200 }).loadBalances([{ walletId: "tester", currency: "USD" }]))[0]!,
      200,
    );
    expect(result.failures[0]).toMatchObject({ code: FailureCode.TIMEOUT, retryable: true });
  });

  it("a refused connection is UNREACHABLE and retryable, and the client recovers when the port reopens", async () => {
    const target = client({ timeoutMs: 500 });
    await expectUnreachableUntilReopened(
      simulator,
      async () => (await target.loadBalances([{ walletId: "tester", currency: "USD" }]))[0]!,
      (result) => expect(amounts(result)).toEqual({ "tester/USD": "100.0" }),
    );
  });
});

describe("SlotSpecClient: answers the simulator cannot give", () => {
  let stub: HostileProvider;
  let answer: (uuid: string) => { status: number; body: string };

  beforeEach(async () => {
    stub = await HostileProvider.start();
    stub.answer("slot-spec", ({ body }) => answer((JSON.parse(body) as { uuid: string }).uuid));
  });

  afterEach(() => stub.stop());

  const stubClient = (): SlotSpecClient => client({ baseUrl: stub.baseUrl("slot-spec") });

  it("the page's own (invalid JSON) success example is a BAD_RESPONSE, not a crash", async () => {
    answer = (uuid) => ({ status: 200, body: `{\n    "status": "OK",\n    "uuid" : "${uuid}"\n    "balance" : "100.0"\n}` });
    const [result] = await stubClient().loadBalances([{ walletId: "tester", currency: "USD" }]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE, retryable: false }]);
  });

  it("an answer carrying another request's uuid is a BAD_RESPONSE", async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ status: "OK", uuid: randomUUID(), balance: "100.0" }) });
    const [result] = await stubClient().loadBalances([{ walletId: "tester", currency: "USD" }]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE }]);
    const outcome = await refund(stubClient(), { amount: "1.0" });
    expect(outcome).toMatchObject({ status: "UNKNOWN", failure: { code: FailureCode.BAD_RESPONSE } });
  });

  it.each([["1e2"], ["+100"], ["100."], [" 100"]])("a balance written %j is a BAD_RESPONSE", async (balance) => {
    answer = (uuid) => ({ status: 200, body: JSON.stringify({ status: "OK", uuid, balance }) });
    const [result] = await stubClient().loadBalances([{ walletId: "tester", currency: "USD" }]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE }]);
  });

  it("a Failed answer's reason may be a string or a number; an unknown code is REJECTED with the provider's code", async () => {
    answer = (uuid) => ({ status: 200, body: JSON.stringify({ status: "Failed", uuid, code: 9, reason: 9 }) });
    const [result] = await stubClient().loadBalances([{ walletId: "tester", currency: "USD" }]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.REJECTED, retryable: false }]);
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({
      status: "REJECTED",
      reason: "PROVIDER_REFUSED",
      providerCode: "9",
    });
  });

  it("a Failed answer with an auth code on HTTP 200 is AUTH_FAILED too; HTTP 403 is AUTH_FAILED; HTTP 404 is BAD_RESPONSE", async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ status: "Failed", code: 401, reason: "Invalid token" }) });
    expect((await stubClient().loadBalances([{ walletId: "t", currency: "USD" }]))[0]!.failures[0]!.code).toBe(FailureCode.AUTH_FAILED);
    answer = () => ({ status: 403, body: "Forbidden" });
    expect((await stubClient().loadBalances([{ walletId: "t", currency: "USD" }]))[0]!.failures[0]!.code).toBe(FailureCode.AUTH_FAILED);
    answer = () => ({ status: 404, body: "Not Found" });
    expect((await stubClient().loadBalances([{ walletId: "t", currency: "USD" }]))[0]!.failures[0]!.code).toBe(FailureCode.BAD_RESPONSE);
  });

  it("a refund refusal proves an outcome only when it names our uuid, in any case", async () => {
    answer = (uuid) => ({
      status: 200,
      body: JSON.stringify({ status: "Failed", uuid: uuid.toUpperCase(), code: 3, reason: "Not Enough Balance" }),
    });
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({
      status: "REJECTED",
      reason: "INSUFFICIENT_FUNDS",
      evidence: "our-uuid",
    });
    answer = () => ({ status: 200, body: JSON.stringify({ status: "Failed", code: 3, reason: "Not Enough Balance" }) });
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({
      status: "REJECTED",
      reason: "INSUFFICIENT_FUNDS",
      evidence: "none",
    });
  });

  it("a refund answer echoing our uuid in upper case is about our request", async () => {
    answer = (uuid) => ({
      status: 200,
      body: JSON.stringify({ status: "OK", uuid: uuid.toUpperCase(), currency: "USD", amount: "1.0", balance: "5.0" }),
    });
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({ status: "SUCCEEDED" });
  });

  it("a refund answer about another currency or amount is UNKNOWN", async () => {
    answer = (uuid) => ({
      status: 200,
      body: JSON.stringify({ status: "OK", uuid, currency: "EUR", amount: "1.0", balance: "5.0" }),
    });
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({ status: "UNKNOWN" });
    answer = (uuid) => ({
      status: 200,
      body: JSON.stringify({ status: "OK", uuid, currency: "USD", amount: "2.0", balance: "5.0" }),
    });
    expect(await refund(stubClient(), { amount: "1.0" })).toMatchObject({ status: "UNKNOWN" });
  });
});

describe("SlotSpecClient: refunds", () => {
  it("succeeds with the balance after, scale kept", async () => {
    const outcome = await refund(client(), { amount: "200.0" });
    expect(outcome.status).toBe("SUCCEEDED");
    if (outcome.status !== "SUCCEEDED") return;
    expect(outcome.account).toBe("rich");
    expect(outcome.balanceAfter.toString()).toBe("100.0");
    expect(simulator.balanceOf("rich", "USD")).toBe("100.0");
  });

  it("is rejected as INSUFFICIENT_FUNDS beyond the balance, and nothing moves", async () => {
    expect(await refund(client(), { amount: "300.01" })).toMatchObject({
      status: "REJECTED",
      reason: "INSUFFICIENT_FUNDS",
      providerCode: "3",
    });
    expect(simulator.balanceOf("rich", "USD")).toBe("300.0");
  });

  it("is rejected as WALLET_NOT_FOUND for a wallet the provider does not have", async () => {
    expect(await refund(client(), { walletId: "nobody", amount: "1.0" })).toMatchObject({
      status: "REJECTED",
      reason: "WALLET_NOT_FOUND",
      providerCode: "2",
    });
    expect(await refund(client(), { currency: "EUR", amount: "1.0" })).toMatchObject({ reason: "WALLET_NOT_FOUND" });
  });

  it("is rejected without a call when it cannot be valid at this provider", async () => {
    expect(await refund(client(), { walletId: "u".repeat(33), amount: "1.0" })).toMatchObject({
      status: "REJECTED",
      reason: "WALLET_NOT_FOUND",
    });
    expect(await refund(client(), { amount: "0.00" })).toMatchObject({ status: "REJECTED", reason: "INVALID_PARAMETER" });
    expect(simulator.calls()).toBe(0);
  });

  it("applies a repeated idempotency key once", async () => {
    const target = client();
    const idempotencyKey = randomUUID();
    const first = await refund(target, { amount: "200.0", idempotencyKey });
    const again = await refund(target, { amount: "200.0", idempotencyKey });
    expect(first).toMatchObject({ status: "SUCCEEDED" });
    expect(again).toMatchObject({ status: "SUCCEEDED" });
    if (again.status === "SUCCEEDED") expect(again.balanceAfter.toString()).toBe("100.0");
    expect(simulator.calls("/user/refund")).toBe(2);
    expect(simulator.balanceOf("rich", "USD")).toBe("100.0");
  });

  it("sends a non-uuid idempotency key as a stable name-based uuid", async () => {
    expect(requestUuidFor("refund-42")).toBe(requestUuidFor("refund-42"));
    expect(requestUuidFor("refund-42")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const target = client();
    await refund(target, { amount: "100.0", idempotencyKey: "refund-42" });
    await refund(target, { amount: "100.0", idempotencyKey: "refund-42" });
    expect(simulator.balanceOf("rich", "USD")).toBe("200.0");
  });

  it("is UNKNOWN when the provider hangs after receiving it", async () => {
    await simulator.setFault("hang");
    const started = performance.now();
    const outcome = await refund(client({ timeoutMs: 200 }), { amount: "1.0" });
    expect(performance.now() - started).toBeLessThan(200 + 300);
    expect(outcome).toMatchObject({ status: "UNKNOWN", failure: { code: FailureCode.TIMEOUT, retryable: true, currency: "USD" } });
  });

  it("is UNKNOWN when it was applied but answered late, and the money did move", async () => {
    await simulator.setFault("slow");
    const outcome = await refund(client({ timeoutMs: 200 }), { amount: "1.0" });
    expect(outcome).toMatchObject({ status: "UNKNOWN", failure: { code: FailureCode.TIMEOUT } });
    expect(simulator.balanceOf("rich", "USD")).toBe("299.0");
  });

  it.each([
    ["http500", FailureCode.UPSTREAM_ERROR],
    ["malformed", FailureCode.BAD_RESPONSE],
    ["bad-shape", FailureCode.BAD_RESPONSE],
  ] as const)("is UNKNOWN on %s (%s)", async (fault, code) => {
    await simulator.setFault(fault);
    expect(await refund(client(), { amount: "1.0" })).toMatchObject({ status: "UNKNOWN", failure: { code } });
  });

  it("is NOT_SENT when the connection is refused, even from a client whose pool was in use", async () => {
    const target = client({ timeoutMs: 500 });
    expect(await refund(target, { amount: "1.0" })).toMatchObject({ status: "SUCCEEDED" });
    await simulator.setFault("refuse");
    expect(await refund(target, { amount: "1.0" })).toMatchObject({
      status: "NOT_SENT",
      failure: { code: FailureCode.UNREACHABLE, retryable: true },
    });
    expect(await refund(client(), { amount: "1.0" })).toMatchObject({ status: "NOT_SENT" });
    await simulator.setFault(null);
    expect(simulator.balanceOf("rich", "USD")).toBe("299.0");
  });

  it("is UNKNOWN when the credentials are refused after the request was sent: only an answer naming our uuid settles", async () => {
    expect(await refund(client({ token: "wrong" }), { amount: "1.0" })).toMatchObject({
      status: "UNKNOWN",
      failure: { code: FailureCode.AUTH_FAILED, retryable: false },
    });
    expect(simulator.balanceOf("rich", "USD")).toBe("300.0");
  });
});
