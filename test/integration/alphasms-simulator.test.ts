// Checks that the AlphaSMS simulator answers as the provider's page says, errors included, over real HTTP on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlphaSmsSimulator } from "../../src/providers/alphasms/simulator.js";
import { exchange, itPlaysTheSharedKnobs, type Answer } from "../support/simulator-http.js";

const MAIN_KEY = "bb56a4369eb19-main-cfec6d1776bd25";
const OTHER_KEY = "other-key";
const PATH = "/api/json.php";

let simulator: AlphaSmsSimulator;

const post = (
  body: unknown,
  options: { path?: string; contentType?: string | null; method?: string; signal?: AbortSignal } = {},
): Promise<Answer> =>
  exchange(`${simulator.url}${options.path ?? PATH}`, {
    method: options.method,
    headers: options.contentType === null ? {} : { "content-type": options.contentType ?? "application/json" },
    body,
    signal: options.signal,
  });

const balanceRequest = (auth = MAIN_KEY, count = 1): object => ({
  auth,
  data: Array.from({ length: count }, () => ({ type: "balance" })),
});

beforeEach(async () => {
  simulator = await AlphaSmsSimulator.start({
    accounts: [
      { apiKey: MAIN_KEY, amount: "31.1683" },
      { apiKey: OTHER_KEY, amount: "1200.5", currency: "USD" },
    ],
  });
});

afterEach(async () => {
  await simulator.stop();
});

describe("AlphaSMS simulator: balance", () => {
  it("answers the page's own request with the page's own answer, byte for byte in its digits", async () => {
    const answer = await post({ auth: MAIN_KEY, data: [{ type: "balance" }] });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('{"success":true,"data":[{"success":true,"data":{"amount":31.1683,"currency":"UAH"}}]}');
  });

  it("answers one result per request object, in the same order, each with its own outcome", async () => {
    const answer = await post({ auth: MAIN_KEY, data: [{ type: "balance" }, { type: "bogus" }, { type: "balance" }, {}] });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      success: true,
      data: [
        { success: true, data: { amount: 31.1683, currency: "UAH" } },
        { success: false, error: "Unknown request type" },
        { success: true, data: { amount: 31.1683, currency: "UAH" } },
        { success: false, error: "Unknown request type" },
      ],
    });
  });

  it("answers each key with its own account", async () => {
    expect((await post(balanceRequest(OTHER_KEY))).text).toContain('"amount":1200.5,"currency":"USD"');
  });

  it("writes amounts as JSON numbers with every digit as set, and as strings when told to", async () => {
    simulator.setBalance(MAIN_KEY, "123456789012345678.12345678");
    expect((await post(balanceRequest())).text).toContain('"amount":123456789012345678.12345678,');
    simulator.setBalance(MAIN_KEY, "0.10", { amountAs: "string" });
    expect((await post(balanceRequest())).text).toContain('"amount":"0.10","currency":"UAH"');
    simulator.setBalance(MAIN_KEY, "5", { amountAs: "number", currency: "EUR" });
    expect((await post(balanceRequest())).text).toContain('"amount":5,"currency":"EUR"');
    expect(simulator.balanceOf(MAIN_KEY)).toEqual({ amount: "5", currency: "EUR" });
  });

  it("setBalance refuses text that is not a JSON number and keeps the old balance", () => {
    for (const amount of ["1,5", "01.5", ".5", "1.", "+1", "NaN", ""]) {
      expect(() => simulator.setBalance(MAIN_KEY, amount)).toThrow(RangeError);
    }
    expect(simulator.balanceOf(MAIN_KEY)).toEqual({ amount: "31.1683", currency: "UAH" });
  });

  it("an item error set on a key answers its balance items with it, the envelope still a success", async () => {
    simulator.setItemError(MAIN_KEY, "Account is blocked");
    expect((await post(balanceRequest(MAIN_KEY, 2))).json).toEqual({
      success: true,
      data: [
        { success: false, error: "Account is blocked" },
        { success: false, error: "Account is blocked" },
      ],
    });
    expect((await post(balanceRequest(OTHER_KEY))).json).toMatchObject({ success: true, data: [{ success: true }] });
    simulator.setItemError(MAIN_KEY, null);
    expect((await post(balanceRequest())).json).toMatchObject({ data: [{ success: true }] });
    expect(() => simulator.setItemError("nobody", "x")).toThrow();
  });

  it("logs the key and item count of each request it read", async () => {
    await post(balanceRequest(MAIN_KEY, 3));
    await post(balanceRequest(OTHER_KEY, 1));
    await post(balanceRequest("wrong", 2));
    expect(simulator.received()).toEqual([
      { apiKey: MAIN_KEY, items: 3 },
      { apiKey: OTHER_KEY, items: 1 },
    ]);
  });
});

describe("AlphaSMS simulator: errors, all with HTTP 200", () => {
  it('answers a wrong or missing key with the envelope {"success":false,"error":"Access denied"}', async () => {
    for (const body of [balanceRequest("wrong-key"), { data: [{ type: "balance" }] }, { auth: 42, data: [{ type: "balance" }] }]) {
      const answer = await post(body);
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('{"success":false,"error":"Access denied"}');
    }
  });

  it("answers a request without Content-Type: application/json as invalid even when its JSON is valid", async () => {
    for (const contentType of [null, "text/plain", "application/x-www-form-urlencoded"]) {
      const answer = await post(balanceRequest(), { contentType });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ success: false, error: "Invalid request" });
    }
    expect((await post(balanceRequest(), { contentType: "Application/JSON; charset=utf-8" })).json).toMatchObject({
      success: true,
    });
  });

  it("checks the Content-Type before the key", async () => {
    expect((await post(balanceRequest("wrong-key"), { contentType: "text/plain" })).json).toEqual({
      success: false,
      error: "Invalid request",
    });
  });

  it.each([
    ["a body that is not JSON", "{not json"],
    ["a JSON array", [{ auth: MAIN_KEY }]],
    ["no data", { auth: MAIN_KEY }],
    ["an empty data array", { auth: MAIN_KEY, data: [] }],
    ["data that is not an array", { auth: MAIN_KEY, data: { type: "balance" } }],
    ["a data item that is not an object", { auth: MAIN_KEY, data: ["balance"] }],
  ])("answers %s with an envelope error", async (_, body) => {
    const answer = await post(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: false, error: "Invalid request" });
  });

  it("knows only POST on /api/json.php", async () => {
    expect((await post(balanceRequest(), { path: "/api/xml.php" })).status).toBe(404);
    expect((await post(undefined, { method: "GET" })).status).toBe(405);
  });
});

describe("AlphaSMS simulator: knobs", () => {
  itPlaysTheSharedKnobs({
    simulator: () => simulator,
    send: (signal) => post(balanceRequest(), { signal }),
    path: PATH,
    expectAnswered: (answer) => expect(answer.json).toMatchObject({ success: true }),
  });

  it("counts calls by path and in all, faults and errors included, and resets them", async () => {
    await post(balanceRequest());
    await post(balanceRequest("wrong"));
    await post(balanceRequest(), { path: "/elsewhere" });
    expect(simulator.calls(PATH)).toBe(2);
    expect(simulator.calls()).toBe(3);
    simulator.resetCalls();
    expect(simulator.calls()).toBe(0);
    expect(simulator.received()).toEqual([]);
  });

  it("answers at the latency set, neither early nor a timer tick late, and says how long each answer took", async () => {
    simulator.setLatency(20);
    simulator.resetCalls();
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      await post(balanceRequest());
      expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    }
    const times = simulator.answerTimes().sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    // Measured by the simulator from the request's arrival: never before the latency...
    expect(times[0]).toBeGreaterThanOrEqual(20);
    // ...and, at the median, well within the millisecond that Node's timers alone would add.
    expect(times[10]).toBeLessThan(20.5);
    simulator.setLatency(0);
    simulator.resetCalls();
    await post(balanceRequest());
    expect(simulator.answerTimes()).toEqual([]);
  });

  it("malformed answers invalid JSON that still carries the amount", async () => {
    await simulator.setFault("malformed");
    const answer = await post(balanceRequest());
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text).toContain('"amount":31.1683');
  });

  it("bad-shape answers valid JSON whose data is an object keyed by position, digits kept", async () => {
    simulator.setBalance(MAIN_KEY, "123456789012345678.12345678");
    await simulator.setFault("bad-shape");
    const answer = await post(balanceRequest());
    expect(answer.status).toBe(200);
    expect(answer.json).toBeDefined();
    expect(Array.isArray(answer.json!.data)).toBe(false);
    expect(answer.text).toBe(
      '{"success":true,"data":{"0":{"success":true,"data":{"amount":123456789012345678.12345678,"currency":"UAH"}}}}',
    );
    // An envelope error has no data to reshape: it loses its success flag instead.
    expect((await post(balanceRequest("wrong"))).text).toBe('{"error":"Access denied"}');
  });

  it("auth answers as a refused key does, whatever the key", async () => {
    await simulator.setFault("auth");
    const answer = await post(balanceRequest());
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: false, error: "Access denied" });
  });

  it("slow answers only after slowMs, with the true answer", async () => {
    const slow = await AlphaSmsSimulator.start({ accounts: [{ apiKey: MAIN_KEY, amount: "31.1683" }], slowMs: 300 });
    try {
      await slow.setFault("slow");
      const started = performance.now();
      const response = await fetch(`${slow.url}${PATH}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(balanceRequest()),
      });
      expect(await response.text()).toContain('"amount":31.1683');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await slow.stop();
    }
  });

  it("a fault scoped to one key leaves the other keys alone", async () => {
    await simulator.setFault("http500", { apiKey: OTHER_KEY });
    expect((await post(balanceRequest(OTHER_KEY))).status).toBe(500);
    expect((await post(balanceRequest(MAIN_KEY))).status).toBe(200);
    await expect(simulator.setFault("refuse", { apiKey: OTHER_KEY })).rejects.toThrow();
  });
});
