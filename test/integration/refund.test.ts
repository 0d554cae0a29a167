// The company takes money back through the subgraph: exactly once per idempotency key, every outcome a user error,
// the same suite on the SQLite and the PostgreSQL ledger.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ScaledDecimal } from "../../src/money/decimal.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { RefundByIdDocument, RefundDocument, RefundHistoryDocument, type RefundInput } from "../generated/graphql.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";
import { pendingRefund } from "../support/refund-records.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

const TIMEOUT_MS = 1_000;
/** Unsettled refunds older than this are the reconciler's: the provider timeout plus the margin the configuration demands. */
const RECONCILE_AFTER_MS = 2_000;

describe.each(STORE_KINDS)("refunds on $name", (kind) => {
  let sandbox: Sandbox;
  let store: TestStore;

  const refund = async (input: Partial<RefundInput> = {}) =>
    dataOf(
      await sandboxPost(sandbox, RefundDocument, {
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
    store = await kind.create();
    sandbox = await startSandbox({
      port: 0,
      storeUrl: store.url,
      providerTimeoutMs: TIMEOUT_MS,
      // The test drives reconciliation itself (runOnce); the timer stays out of its way.
      ledger: { reconcileAfterMs: RECONCILE_AFTER_MS, reconcileIntervalMs: 3_600_000, retentionMs: 24 * 3_600_000 },
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await store?.drop();
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
      expect(reused.userErrors).toEqual([
        { code: "IDEMPOTENCY_KEY_REUSED", field: ["input", "idempotencyKey"], message: expect.any(String) },
      ]);
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
      const response = await sandboxPost(sandbox, RefundDocument, {
        input: {
          walletId: "tester",
          providerId: "lucky-monaco",
          currency: "USD",
          amount: 0.1 as unknown as string,
          idempotencyKey: randomUUID(),
        },
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

  describe("the ledger behind it", () => {
    const debitsOf = (key: string) => sandbox.simulators.luckyMonaco.debits().filter((debit) => debit.uuid === key);

    it("settles a refund whose answer came too late, asking the provider again with the same uuid, once", async () => {
      const key = randomUUID();
      // "slow": the provider applies the refund at once but answers after the client's timeout.
      await sandbox.simulators.luckyMonaco.setFault("slow");
      const lost = await refund({ idempotencyKey: key });
      expect(lost.refund).toMatchObject({ status: "UNKNOWN" });
      await sandbox.simulators.luckyMonaco.setFault(null);

      await new Promise((resolve) => setTimeout(resolve, RECONCILE_AFTER_MS + 100));
      const report = await sandbox.services.reconciler.runOnce();
      expect(report.settled).toBeGreaterThanOrEqual(1);

      const { refund: settled } = dataOf(await sandboxPost(sandbox, RefundByIdDocument, { id: lost.refund!.id }));
      expect(settled).toMatchObject({ status: "SUCCEEDED", balanceAfter: "100.0", amount: "200.0", currency: "USD" });
      expect(debitsOf(key)).toHaveLength(1);
      expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("100.0");
    });

    it("settles a refund recorded but never sent (the process died in between), and leaves nothing PENDING", async () => {
      const key = randomUUID();
      const now = new Date();
      const { refund: orphan } = await sandbox.services.ledger.claim(
        pendingRefund({
          idempotencyKey: key,
          parametersHash: "0".repeat(64),
          amount: ScaledDecimal.parse("25.50"),
          createdAt: now,
          updatedAt: now,
        }),
      );

      // Too fresh: its own process might still be waiting for the provider.
      await sandbox.services.reconciler.runOnce();
      expect((await sandbox.services.ledger.get(orphan.id))?.status).toBe("PENDING");
      expect(debitsOf(key)).toHaveLength(0);

      await new Promise((resolve) => setTimeout(resolve, RECONCILE_AFTER_MS + 100));
      await sandbox.services.reconciler.runOnce();
      expect(await sandbox.services.ledger.get(orphan.id)).toMatchObject({ status: "SUCCEEDED" });
      expect(debitsOf(key)).toEqual([{ uuid: key, userId: "tester", currency: "USD", amount: "25.50" }]);
      expect(await sandbox.services.ledger.findDue(100)).toEqual([]);
    });

    it("pages a wallet's refunds newest first and reads one by id", async () => {
      sandbox.simulators.luckyMonaco.setWallet("pager", "USD", "100");
      const made: string[] = [];
      for (const amount of ["1", "2", "3", "4", "5"]) {
        const result = await refund({ walletId: "pager", amount });
        made.push(result.refund!.id);
      }
      const history = async (after?: string | null) =>
        dataOf(await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "pager", first: 2, after })).wallet!.refunds;

      const pages = [await history()];
      while (pages.at(-1)!.pageInfo.hasNextPage) pages.push(await history(pages.at(-1)!.pageInfo.endCursor));
      expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
      const nodes = pages.flatMap((page) => page.edges.map((edge) => edge.node));
      expect(nodes.map((node) => node.id)).toEqual([...made].reverse());
      expect(nodes.map((node) => node.balanceAfter)).toEqual(["85", "90", "94", "97", "99"]);

      const one = dataOf(await sandboxPost(sandbox, RefundByIdDocument, { id: made[0]! })).refund;
      expect(one).toMatchObject({ id: made[0], status: "SUCCEEDED", amount: "1", provider: { id: "lucky-monaco" } });
      expect(dataOf(await sandboxPost(sandbox, RefundByIdDocument, { id: randomUUID() })).refund).toBeNull();

      const bad = await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "pager", first: 2, after: "not-a-cursor" });
      expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const tooMany = await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "pager", first: 1000, after: null });
      expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });
  });
});
