// How refunds settle when the provider's answers prove less than they seem, on the SQLite and the PostgreSQL ledger,
// against the SLOT_SPEC simulator over HTTP: every case ends with the ledger equal to the provider's debits, key by key.
import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { RefundDocument, RefundHistoryDocument, type RefundInput } from "../generated/graphql.js";
import { auditKeys, expectLedgerEqualsProvider, isUnsettled, summary } from "../support/ledger-audit.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

const TIMEOUT_MS = 1_000;
/** The provider timeout plus the 1 s margin the configuration demands. */
const RECONCILE_AFTER_MS = 2_000;

describe.each(STORE_KINDS)("settling refunds on $name", (kind) => {
  let sandbox: Sandbox;
  let store: TestStore;
  const simulator = () => sandbox.simulators.luckyMonaco;

  const refund = async (input: Partial<RefundInput> = {}) =>
    dataOf(
      await sandboxPost(sandbox, RefundDocument, {
        input: {
          walletId: "settler",
          providerId: "lucky-monaco",
          currency: "USD",
          amount: "10.00",
          idempotencyKey: randomUUID(),
          ...input,
        },
      }),
    ).refund;
  const codeOf = (result: Awaited<ReturnType<typeof refund>>) => result.userErrors[0]?.code ?? result.refund?.status;
  const audit = (keys: string[]) => auditKeys(sandbox.services.store.db, simulator(), keys);

  /** Runs the reconciler until none of `keys` is unsettled, or 20 s pass. */
  const reconcileUntilSettled = async (keys: string[]) => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      await sandbox.services.reconciler.runOnce();
      if (!(await audit(keys)).some(isUnsettled)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  beforeAll(async () => {
    store = await kind.create();
  });

  // A sandbox per case on the same store: each case starts with its provider's circuit closed.
  beforeEach(async () => {
    sandbox = await startSandbox({
      port: 0,
      storeUrl: store.url,
      providerTimeoutMs: TIMEOUT_MS,
      auth: "issuer",
      // The test drives reconciliation itself (runOnce); retries are due after 2 s, never later.
      ledger: {
        reconcileAfterMs: RECONCILE_AFTER_MS,
        reconcileIntervalMs: 3_600_000,
        retentionMs: 24 * 3_600_000,
        maxRetryDelayMs: RECONCILE_AFTER_MS,
      },
      logger: (await import("../../src/observability/logger.js")).createLogger({ level: "silent" }),
    });
  });

  afterEach(async () => {
    await sandbox?.stop();
  });

  afterAll(async () => {
    await store?.drop();
  });

  it("a refund answered HTTP 500 after it was applied, then retried by the client while connections are refused, is never 'nothing was taken'", async () => {
    simulator().setWallet("settler", "USD", "1000.00");
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    simulator().setRefundAnswerStyle("server-error");
    for (const key of keys) expect(codeOf(await refund({ idempotencyKey: key }))).toBe("OUTCOME_UNKNOWN");
    simulator().setRefundAnswerStyle(null);
    expect((await audit(keys)).map((a) => a.debits)).toEqual([["10.00"], ["10.00"], ["10.00"]]);

    await simulator().setFault("refuse");
    for (let round = 0; round < 4; round++) {
      for (const key of keys) {
        const retried = await refund({ idempotencyKey: key });
        expect(retried.refund).toMatchObject({ status: "UNKNOWN", failureCode: "OUTCOME_UNKNOWN" });
        expect(codeOf(retried)).toBe("OUTCOME_UNKNOWN");
      }
    }
    await simulator().setFault(null);

    // The refused retries opened the circuit: the client's next retry is refused without a request, and still not "nothing
    // was taken". The reconciler, outside the circuit, settles all three once they are due.
    expect(sandbox.services.providers.get("lucky-monaco")!.status).toBe("OPEN");
    expect(await refund({ idempotencyKey: keys[0] })).toMatchObject({
      refund: { status: "UNKNOWN" },
      userErrors: [{ code: "OUTCOME_UNKNOWN" }],
    });
    await reconcileUntilSettled(keys);
    const audits = await audit(keys);
    expectLedgerEqualsProvider(audits);
    expect(audits.map((a) => a.status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    console.log(`client retry on ${kind.name}: ${summary(audits)}`);
  }, 60_000);

  it("a refusal that does not name our uuid is UNKNOWN, whether or not the refund was applied, until an answer that does settles it", async () => {
    simulator().setWallet("settler", "USD", "15.00");
    const applied = randomUUID();
    const refused = randomUUID();
    simulator().setRefundAnswerStyle("refusal-without-uuid");
    const first = await refund({ idempotencyKey: applied, amount: "10.00" });
    const second = await refund({ idempotencyKey: refused, amount: "10.00" });
    for (const result of [first, second]) expect(result.refund).toMatchObject({ status: "UNKNOWN", failureCode: "OUTCOME_UNKNOWN" });
    simulator().setRefundAnswerStyle(null);

    await reconcileUntilSettled([applied, refused]);
    const audits = await audit([applied, refused]);
    expectLedgerEqualsProvider(audits);
    expect(audits.map((a) => a.status)).toEqual(["SUCCEEDED", "FAILED"]);
    const { refunds: history } = dataOf(await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "settler", first: 10 })).wallet!;
    expect(history.edges.find((edge) => edge.node.id === second.refund!.id)?.node).toMatchObject({
      status: "FAILED",
      failureCode: "INSUFFICIENT_FUNDS",
    });
    console.log(`refusals without our uuid on ${kind.name}: ${summary(audits)}`);
  }, 60_000);

  it("an answer that names our uuid in upper case settles at once, with one send", async () => {
    simulator().setWallet("settler", "USD", "100.00");
    const key = randomUUID();
    simulator().setRefundAnswerStyle("uuid-upper-case");
    expect(await refund({ idempotencyKey: key })).toMatchObject({ refund: { status: "SUCCEEDED", balanceAfter: "90.00" }, userErrors: [] });
    const audits = await audit([key]);
    expectLedgerEqualsProvider(audits);
    expect(audits[0]).toMatchObject({ sends: 1, debits: ["10.00"] });
    console.log(`uuid in upper case on ${kind.name}: ${summary(audits)}`);
  });

  it("refused credentials after the request was sent leave the refund UNKNOWN, settled once the provider accepts us again", async () => {
    simulator().setWallet("settler", "USD", "100.00");
    const key = randomUUID();
    await simulator().setFault("auth");
    expect(await refund({ idempotencyKey: key })).toMatchObject({
      refund: { status: "UNKNOWN" },
      userErrors: [{ code: "OUTCOME_UNKNOWN" }],
    });
    await simulator().setFault(null);
    await reconcileUntilSettled([key]);
    const audits = await audit([key]);
    expectLedgerEqualsProvider(audits);
    expect(audits[0]!.status).toBe("SUCCEEDED");
  }, 30_000);

  it("the reconciler asks one refund at a time per provider and stops at the first unanswered one, so its retries never open the circuit", async () => {
    simulator().setWallet("settler", "USD", "1000.00");
    const keys = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // Four failures in a row from callers: one more would open the circuit (threshold 5).
    simulator().setRefundAnswerStyle("server-error");
    for (const key of keys) await refund({ idempotencyKey: key });
    simulator().setRefundAnswerStyle(null);
    const provider = sandbox.services.providers.get("lucky-monaco")!;
    expect(provider.status).toBe("DEGRADED");

    await simulator().setFault("hang");
    await new Promise((resolve) => setTimeout(resolve, RECONCILE_AFTER_MS + 50));
    for (let round = 0; round < 3; round++) {
      const before = simulator().calls("/user/refund");
      const report = await sandbox.services.reconciler.runOnce();
      expect(simulator().calls("/user/refund") - before, JSON.stringify(report)).toBe(1);
      expect(report).toMatchObject({ stillUnknown: 1, settled: 0 });
      expect(provider.status, `round ${round}`).not.toBe("OPEN");
    }
    await simulator().setFault(null);
    await reconcileUntilSettled(keys);
    const audits = await audit(keys);
    expectLedgerEqualsProvider(audits);
    expect(audits.every((a) => a.status === "SUCCEEDED")).toBe(true);
    expect(provider.status).toBe("DEGRADED");
    console.log(`reconciler pacing on ${kind.name}: ${summary(audits)}`);
  }, 60_000);

  it("refuses a history cursor that no refund could carry as BAD_USER_INPUT, with no database message", async () => {
    for (const createdAt of [Number.MAX_SAFE_INTEGER, 8.64e15 + 1, -1]) {
      const cursor = Buffer.from(JSON.stringify([createdAt, randomUUID()])).toString("base64url");
      const response = await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "settler", first: 2, after: cursor });
      expect(response.errors?.[0]?.extensions?.code, String(createdAt)).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).not.toMatch(/bigint|NaN|syntax/i);
    }
    const notAnId = Buffer.from(JSON.stringify([1, "x' or 1=1"])).toString("base64url");
    expect(
      (await sandboxPost(sandbox, RefundHistoryDocument, { walletId: "settler", first: 2, after: notAnId })).errors?.[0]?.extensions?.code,
    ).toBe("BAD_USER_INPUT");
  });
});

describe("the configuration check", () => {
  it("refuses a take-over delay less than the provider timeout plus 1 s", async () => {
    await expect(
      startSandbox({
        port: 0,
        storeUrl: "sqlite::memory:",
        providerTimeoutMs: TIMEOUT_MS,
        ledger: { reconcileAfterMs: TIMEOUT_MS + 999, reconcileIntervalMs: 1_000, retentionMs: 24 * 3_600_000 },
      }),
    ).rejects.toThrow(/WALLET_RECONCILE_AFTER_MS \(1999\) must be at least the slowest provider timeout \(1000 ms\) plus 1000 ms/);
  });
});
