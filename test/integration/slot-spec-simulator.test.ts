// Checks that the SLOT_SPEC simulator answers as the provider's documents say, over real HTTP on loopback.
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { exchange, itPlaysTheSharedKnobs, type Answer } from "../support/simulator-http.js";

const PARTNER = { partnerId: "partner-a", token: "token-a" };
const OTHER_PARTNER = { partnerId: "partner-b", token: "token-b" };

let simulator: SlotSpecSimulator;

function post(
  path: string,
  body: unknown,
  options: { partner?: { partnerId: string; token: string }; contentType?: string | null; method?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
  const partner = options.partner ?? PARTNER;
  const query = new URLSearchParams({ partner_id: partner.partnerId, token: partner.token });
  return exchange(`${simulator.url}${path}?${query.toString()}`, {
    method: options.method,
    headers: options.contentType === null ? {} : { "content-type": options.contentType ?? "application/json" },
    body,
    signal: options.signal,
  });
}

beforeEach(async () => {
  simulator = await SlotSpecSimulator.start({
    partners: [PARTNER, OTHER_PARTNER],
    wallets: { tester: { USD: "100.0", EUR: "5.50" }, rich: { USD: "300.0" } },
  });
});

afterEach(async () => {
  await simulator.stop();
});

describe("SLOT_SPEC simulator: reads", () => {
  it("answers /user/balance with the documented OK body, uuid echoed and scale kept", async () => {
    const uuid = randomUUID();
    const answer = await post("/user/balance", { id: "tester", currency: "EUR", uuid });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "OK", uuid, balance: "5.50" });
  });

  it("answers /user/info with every wallet of the user", async () => {
    const uuid = randomUUID();
    const answer = await post("/user/info", { id: "tester", uuid });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "OK", uuid, wallet: { USD: "100.0", EUR: "5.50" } });
  });

  it('answers code 2 "Have no Wallet" for an unknown user or currency', async () => {
    const uuid = randomUUID();
    expect((await post("/user/balance", { id: "nobody", currency: "USD", uuid })).json).toEqual({
      status: "Failed",
      uuid,
      code: 2,
      reason: "Have no Wallet",
    });
    expect((await post("/user/balance", { id: "tester", currency: "JPY", uuid })).json).toMatchObject({ code: 2 });
    expect((await post("/user/info", { id: "nobody", uuid })).json).toMatchObject({ status: "Failed", uuid, code: 2 });
  });

  it("takes an id of exactly 32 characters, and a 4-character currency", async () => {
    const id = "u".repeat(32);
    simulator.setWallet(id, "USDT", "1.000000");
    const uuid = randomUUID();
    expect((await post("/user/balance", { id, currency: "USDT", uuid })).json).toEqual({
      status: "OK",
      uuid,
      balance: "1.000000",
    });
  });

  it.each([
    ["an id longer than 32 characters", { id: "u".repeat(33), currency: "USD", uuid: randomUUID() }],
    ["an empty id", { id: "", currency: "USD", uuid: randomUUID() }],
    ["a numeric id", { id: 42, currency: "USD", uuid: randomUUID() }],
    ["a 5-character currency", { id: "tester", currency: "USDTX", uuid: randomUUID() }],
    ["a 2-character currency", { id: "tester", currency: "US", uuid: randomUUID() }],
    ["a uuid that is not one", { id: "tester", currency: "USD", uuid: "not-a-uuid" }],
    ["a missing uuid", { id: "tester", currency: "USD" }],
  ])('answers code 1 "Invalid Parameter" to %s', async (_, body) => {
    const answer = await post("/user/balance", body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ status: "Failed", code: 1, reason: "Invalid Parameter" });
    const uuid = (body as { uuid?: unknown }).uuid;
    if (typeof uuid === "string") expect(answer.json?.uuid).toBe(uuid);
  });

  it("answers code 1 when the body is not JSON or the Content-Type is not application/json", async () => {
    expect((await post("/user/balance", "{not json")).json).toMatchObject({ status: "Failed", code: 1 });
    const body = { id: "tester", currency: "USD", uuid: randomUUID() };
    expect((await post("/user/balance", body, { contentType: "text/plain" })).json).toMatchObject({ code: 1 });
    expect((await post("/user/balance", body, { contentType: null })).json).toMatchObject({ code: 1 });
    expect((await post("/user/balance", body, { contentType: "application/json; charset=utf-8" })).json).toMatchObject({
      status: "OK",
    });
  });

  it("refuses a bad token or partner id with HTTP 401 (the inferred answer)", async () => {
    const body = { id: "tester", currency: "USD", uuid: randomUUID() };
    for (const partner of [
      { partnerId: PARTNER.partnerId, token: "wrong" },
      { partnerId: "unknown", token: PARTNER.token },
      { partnerId: PARTNER.partnerId, token: OTHER_PARTNER.token },
    ]) {
      const answer = await post("/user/balance", body, { partner });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ status: "Failed", code: 401, reason: "Invalid partner_id or token" });
    }
    expect((await post("/user/balance", body, { partner: OTHER_PARTNER })).json).toMatchObject({ status: "OK" });
  });

  it("knows only POST on its three paths", async () => {
    expect((await post("/user/charge", { id: "tester", uuid: randomUUID() })).status).toBe(404);
    expect((await post("/user/balance", undefined, { method: "GET" })).status).toBe(405);
  });
});

describe("SLOT_SPEC simulator: refunds", () => {
  it("reduces the balance exactly and answers with the balance after", async () => {
    const uuid = randomUUID();
    const answer = await post("/user/refund", { id: "rich", currency: "USD", amount: "200.0", uuid });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: "OK", uuid, currency: "USD", amount: "200.0", balance: "100.0" });
    expect(simulator.balanceOf("rich", "USD")).toBe("100.0");
  });

  it("keeps the larger scale: 5.50 - 0.005 = 5.495, and 0.1 + 0.2 style amounts stay exact", async () => {
    await post("/user/refund", { id: "tester", currency: "EUR", amount: "0.005", uuid: randomUUID() });
    expect(simulator.balanceOf("tester", "EUR")).toBe("5.495");
    simulator.setWallet("tester", "EUR", "0.3");
    const answer = await post("/user/refund", { id: "tester", currency: "EUR", amount: "0.1", uuid: randomUUID() });
    expect(answer.json?.balance).toBe("0.2");
  });

  it("may refund the whole balance, down to zero", async () => {
    const answer = await post("/user/refund", { id: "rich", currency: "USD", amount: "300.00", uuid: randomUUID() });
    expect(answer.json).toMatchObject({ status: "OK", balance: "0.00" });
  });

  it('answers code 3 "Not Enough Balance" and moves nothing', async () => {
    const uuid = randomUUID();
    const answer = await post("/user/refund", { id: "rich", currency: "USD", amount: "300.01", uuid });
    expect(answer.json).toEqual({ status: "Failed", uuid, code: 3, reason: "Not Enough Balance" });
    expect(simulator.balanceOf("rich", "USD")).toBe("300.0");
  });

  it("answers code 2 for a refund from a wallet that does not exist", async () => {
    const answer = await post("/user/refund", { id: "rich", currency: "EUR", amount: "1", uuid: randomUUID() });
    expect(answer.json).toMatchObject({ status: "Failed", code: 2 });
  });

  it.each([["0"], ["0.00"], ["-1.0"], ["1e3"], [".5"], [""], [100]])("answers code 1 to the amount %j", async (amount) => {
    const answer = await post("/user/refund", { id: "rich", currency: "USD", amount, uuid: randomUUID() });
    expect(answer.json).toMatchObject({ status: "Failed", code: 1 });
    expect(simulator.balanceOf("rich", "USD")).toBe("300.0");
  });

  it("applies a repeated uuid once and gives its first answer again", async () => {
    const uuid = randomUUID();
    const body = { id: "rich", currency: "USD", amount: "200.0", uuid };
    const first = await post("/user/refund", body);
    const again = await post("/user/refund", body);
    expect(again.text).toBe(first.text);
    expect(simulator.balanceOf("rich", "USD")).toBe("100.0");

    // Even once the balance changed, the repeat is the first answer, not a new refund.
    simulator.setWallet("rich", "USD", "1000.0");
    expect((await post("/user/refund", body)).text).toBe(first.text);
    expect(simulator.balanceOf("rich", "USD")).toBe("1000.0");

    // A new uuid is a new refund.
    const other = await post("/user/refund", { ...body, uuid: randomUUID() });
    expect(other.json).toMatchObject({ status: "OK", balance: "800.0" });
  });

  it("remembers a refused refund too: its repeat is refused again even after a top-up", async () => {
    const body = { id: "rich", currency: "USD", amount: "500.0", uuid: randomUUID() };
    expect((await post("/user/refund", body)).json).toMatchObject({ code: 3 });
    simulator.setWallet("rich", "USD", "1000.0");
    expect((await post("/user/refund", body)).json).toMatchObject({ code: 3 });
    expect(simulator.balanceOf("rich", "USD")).toBe("1000.0");
  });
});

describe("SLOT_SPEC simulator: knobs", () => {
  const balanceBody = (): object => ({ id: "tester", currency: "USD", uuid: randomUUID() });

  itPlaysTheSharedKnobs({
    simulator: () => simulator,
    send: (signal) => post("/user/balance", balanceBody(), { signal }),
    path: "/user/balance",
    expectAnswered: (answer) => expect(answer.json).toMatchObject({ status: "OK" }),
  });

  it("counts calls by path and in all, and resets them", async () => {
    await post("/user/balance", balanceBody());
    await post("/user/balance", balanceBody());
    await post("/user/info", { id: "tester", uuid: randomUUID() });
    await post("/user/balance", balanceBody(), { partner: { partnerId: "x", token: "y" } });
    expect(simulator.calls("/user/balance")).toBe(3);
    expect(simulator.calls("/user/info")).toBe(1);
    expect(simulator.calls("/user/refund")).toBe(0);
    expect(simulator.calls()).toBe(4);
    simulator.resetCalls();
    expect(simulator.calls()).toBe(0);
  });

  it("malformed answers invalid JSON, like the page's own example", async () => {
    await simulator.setFault("malformed");
    const answer = await post("/user/balance", balanceBody());
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text).toContain('"balance":"100.0"');
  });

  it("bad-shape answers valid JSON with the balance as a bare number", async () => {
    await simulator.setFault("bad-shape");
    const answer = await post("/user/balance", balanceBody());
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('"balance":100.0');
    expect(answer.json).toBeDefined();
  });

  it("auth answers as a refused token does, whatever the credentials", async () => {
    await simulator.setFault("auth");
    const answer = await post("/user/balance", balanceBody());
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ status: "Failed", code: 401 });
  });

  it("slow acts at once but answers late: the refund has happened before its answer", async () => {
    const slow = await SlotSpecSimulator.start({ partners: [PARTNER], wallets: { rich: { USD: "300.0" } }, slowMs: 400 });
    try {
      await slow.setFault("slow");
      const started = performance.now();
      const query = new URLSearchParams({ partner_id: PARTNER.partnerId, token: PARTNER.token });
      const answer = fetch(`${slow.url}/user/refund?${query.toString()}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: "rich", currency: "USD", amount: "200.0", uuid: randomUUID() }),
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(slow.balanceOf("rich", "USD")).toBe("100.0");
      expect((await answer).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
    } finally {
      await slow.stop();
    }
  });

  it("a fault scoped to one user leaves the others alone", async () => {
    await simulator.setFault("http500", { userId: "rich" });
    expect((await post("/user/balance", { id: "rich", currency: "USD", uuid: randomUUID() })).status).toBe(500);
    expect((await post("/user/balance", balanceBody())).status).toBe(200);
    await expect(simulator.setFault("refuse", { userId: "rich" })).rejects.toThrow();
  });

  it("setWallet refuses an amount that is not a plain decimal", () => {
    expect(() => simulator.setWallet("tester", "USD", "1e3")).toThrow(RangeError);
    expect(simulator.balanceOf("tester", "USD")).toBe("100.0");
  });
});
