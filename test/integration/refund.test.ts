// The company takes money back through the subgraph: exactly once per idempotency key, every outcome a user error.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { RefundDocument, type RefundInput } from "../generated/graphql.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";

const TIMEOUT_MS = 1_000;
let sandbox: Sandbox;

const refund = async (input: Partial<RefundInput> = {}) =>
  dataOf(
    await postGraphQL(sandbox.graphqlUrl, RefundDocument, {
      input: {
        walletId: "tester",
        providerId: "lucky-monaco",
        currency: "USD",
        amount: "200.0",
        idempotencyKey: randomUUID(),
        ...input,
      },
    }),
  ).refund;

const refundCalls = () => sandbox.simulators.luckyMonaco.calls("/user/refund");

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, providerTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(() => {
  sandbox.simulators.luckyMonaco.setWallet("tester", "USD", "300.0");
});

afterEach(async () => {
  await sandbox.simulators.luckyMonaco.setFault(null);
  sandbox.simulators.luckyMonaco.setLatency(0);
  sandbox.simulators.luckyMonaco.resetCalls();
});

describe("a refund", () => {
  it("takes the document's 200.0 from 300.0 and reports the 100.0 left", async () => {
    const key = randomUUID();
    const result = await refund({ idempotencyKey: key });
    expect(result.userErrors).toEqual([]);
    expect(result.refund).toMatchObject({
      wallet: { id: "tester" },
      provider: { id: "lucky-monaco" },
      currency: "USD",
      amount: "200.0",
      status: "SUCCEEDED",
      balanceAfter: "100.0",
      failureCode: null,
      idempotencyKey: key,
    });
    expect(Date.parse(result.refund!.settledAt!)).toBeGreaterThanOrEqual(Date.parse(result.refund!.createdAt));
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("100.0");
  });

  it("sends the idempotency key to the provider as its uuid, and a replay returns the first answer without a call", async () => {
    const key = randomUUID();
    const first = await refund({ idempotencyKey: key, amount: "50" });
    const again = await refund({ idempotencyKey: key, amount: "50.00" });
    expect(again).toEqual(first);
    expect(refundCalls()).toBe(1);
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("250.0");
  });

  it("refuses the same key with other parameters", async () => {
    const key = randomUUID();
    await refund({ idempotencyKey: key, amount: "10" });
    const reused = await refund({ idempotencyKey: key, amount: "11" });
    expect(reused.refund).toBeNull();
    expect(reused.userErrors).toEqual([{ code: "IDEMPOTENCY_KEY_REUSED", field: ["input", "idempotencyKey"], message: expect.any(String) }]);
    expect(refundCalls()).toBe(1);
  });

  it("refuses the same key while the first attempt is in flight, with one provider call", async () => {
    sandbox.simulators.luckyMonaco.setLatency(150);
    const key = randomUUID();
    const [a, b] = await Promise.all([refund({ idempotencyKey: key }), refund({ idempotencyKey: key })]);
    const codes = [a, b].map((r) => r.userErrors.map((e) => e.code));
    expect(codes).toContainEqual([]);
    expect(codes).toContainEqual(["REFUND_IN_PROGRESS"]);
    expect(refundCalls()).toBe(1);
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("100.0");
  });

  it.each([
    ["more than the balance", { amount: "300.01" }, "INSUFFICIENT_FUNDS", ["input", "amount"]],
    ["a wallet the provider does not have", { walletId: "nobody" }, "WALLET_NOT_FOUND", ["input", "walletId"]],
  ] as const)("reports %s as a user error with the refund recorded as FAILED", async (_name, input, code, field) => {
    const result = await refund(input);
    expect(result.userErrors).toEqual([{ code, field, message: expect.any(String) }]);
    expect(result.refund).toMatchObject({ status: "FAILED", failureCode: code, balanceAfter: null });
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("300.0");
  });

  it.each([
    ["a provider that cannot refund", { providerId: "kyren" }, "PROVIDER_CANNOT_REFUND", "providerId"],
    ["an unknown provider", { providerId: "nowhere" }, "PROVIDER_NOT_FOUND", "providerId"],
    ["a zero amount", { amount: "0" }, "INVALID_AMOUNT", "amount"],
    ["a negative amount", { amount: "-5.00" }, "INVALID_AMOUNT", "amount"],
    ["too many decimals", { amount: "1.0000000000000000001" }, "INVALID_AMOUNT", "amount"],
    ["too many digits", { amount: "1000000000000000000" }, "INVALID_AMOUNT", "amount"],
    ["a malformed currency", { currency: "usd" }, "INVALID_CURRENCY", "currency"],
    ["an idempotency key that is not a UUID", { idempotencyKey: "retry-1" }, "INVALID_IDEMPOTENCY_KEY", "idempotencyKey"],
    ["an empty wallet id", { walletId: "" }, "INVALID_WALLET_ID", "walletId"],
  ] as const)("refuses %s before anything is sent", async (_name, input, code, field) => {
    const result = await refund(input);
    expect(result.refund).toBeNull();
    expect(result.userErrors).toEqual([{ code, field: ["input", field], message: expect.any(String) }]);
    expect(sandbox.simulators.luckyMonaco.calls()).toBe(0);
    expect(sandbox.simulators.kyren.calls()).toBe(0);
  });

  it("refuses a JSON number with a fraction as the amount, telling the caller to send a string", async () => {
    const response = await postGraphQL(sandbox.graphqlUrl, RefundDocument, {
      input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: 0.1 as unknown as string, idempotencyKey: randomUUID() },
    });
    expect(response.errors?.[0]?.message).toMatch(/must be sent as a string/);
    expect(refundCalls()).toBe(0);
  });

  it("reports an unknown outcome when the answer is lost, and settles it once when retried with the same key", async () => {
    const key = randomUUID();
    await sandbox.simulators.luckyMonaco.setFault("hang");
    const lost = await refund({ idempotencyKey: key });
    expect(lost.userErrors.map((e) => e.code)).toEqual(["OUTCOME_UNKNOWN"]);
    expect(lost.refund).toMatchObject({ status: "UNKNOWN", failureCode: "OUTCOME_UNKNOWN" });

    await sandbox.simulators.luckyMonaco.setFault(null);
    const settled = await refund({ idempotencyKey: key });
    expect(settled.userErrors).toEqual([]);
    expect(settled.refund).toMatchObject({ id: lost.refund!.id, status: "SUCCEEDED", balanceAfter: "100.0" });
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("100.0");
  });

  it("reports an unreachable provider, takes nothing, and succeeds when retried with the same key", async () => {
    const key = randomUUID();
    await sandbox.simulators.luckyMonaco.setFault("refuse");
    const refused = await refund({ idempotencyKey: key });
    expect(refused.userErrors.map((e) => e.code)).toEqual(["PROVIDER_UNAVAILABLE"]);
    expect(refused.refund).toMatchObject({ status: "FAILED" });

    await sandbox.simulators.luckyMonaco.setFault(null);
    const retried = await refund({ idempotencyKey: key });
    expect(retried.refund).toMatchObject({ status: "SUCCEEDED", balanceAfter: "100.0" });
  });
});
