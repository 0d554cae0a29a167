// Checks that the Nami Exchange simulator answers as the provider's documents say, signatures and refusals included, over real HTTP on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NamiSimulator } from "../../src/providers/nami/simulator.js";
import { signQueryString } from "../../src/providers/nami/signature.js";
import { exchange, itPlaysTheSharedKnobs, type Answer } from "../support/simulator-http.js";

const PATH = "/api/v4/user/balance";
const MAIN = { apiKey: "key-main", apiSecret: "secret-main" };
const OTHER = { apiKey: "key-other", apiSecret: "secret-other" };

let simulator: NamiSimulator;

interface RequestOptions {
  account?: { apiKey: string; apiSecret: string };
  /** Parameters before the signature, in order; default type=0 and a fresh timestamp. */
  parameters?: [string, string][];
  /** Replaces the computed signature (null: none sent). */
  signature?: string | null;
  apiKey?: string | null;
  method?: string;
  path?: string;
  signal?: AbortSignal;
  target?: NamiSimulator;
}

/** A request signed as the provider's page says: HMAC-SHA256 over the query, then `&signature=` appended. */
async function get(options: RequestOptions = {}): Promise<Answer> {
  const account = options.account ?? MAIN;
  const parameters = options.parameters ?? [
    ["type", "0"],
    ["timestamp", String(Date.now())],
  ];
  const query = new URLSearchParams(parameters).toString();
  const signature = options.signature === undefined ? signQueryString(account.apiSecret, query) : options.signature;
  const search = signature === null ? query : `${query}&signature=${signature}`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  const apiKey = options.apiKey === undefined ? account.apiKey : options.apiKey;
  if (apiKey !== null) headers["x-api-key"] = apiKey;
  return exchange(`${(options.target ?? simulator).url}${options.path ?? PATH}?${search}`, {
    method: options.method ?? "GET",
    headers,
    signal: options.signal,
  });
}

const spot = (timestamp = Date.now()): [string, string][] => [
  ["type", "0"],
  ["timestamp", String(timestamp)],
];
const futures = (): [string, string][] => [
  ["type", "2"],
  ["timestamp", String(Date.now())],
];

beforeEach(async () => {
  simulator = await NamiSimulator.start({
    accounts: [
      { ...MAIN, spot: { "22": { value: "1234.56789012", locked: "234.5" }, "9": "0.00012345" }, futures: { "22": "50" } },
      { ...OTHER, spot: { "1": "7" } },
    ],
  });
});

afterEach(async () => {
  await simulator.stop();
});

describe("Nami simulator: balances", () => {
  it("answers a spot read with every listed asset, amounts written as the exact JSON numbers held", async () => {
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(
      '{"status":"ok","data":{' +
        '"1":{"value":0,"locked_value":0,"type":0},' +
        '"9":{"value":0.00012345,"locked_value":0,"type":0},' +
        '"10":{"value":0,"locked_value":0,"type":0},' +
        '"22":{"value":1234.56789012,"locked_value":234.5,"type":0},' +
        '"39":{"value":0,"locked_value":0,"type":0},' +
        '"72":{"value":0,"locked_value":0,"type":0}}}',
    );
  });

  it("answers a futures read (type=2) from the futures wallet, type echoed", async () => {
    const answer = await get({ parameters: futures() });
    expect(answer.status).toBe(200);
    const data = answer.json!.data as Record<string, unknown>;
    expect(data["22"]).toEqual({ value: 50, locked_value: 0, type: 2 });
    expect(data["9"]).toEqual({ value: 0, locked_value: 0, type: 2 });
  });

  it("keeps each account's wallets apart", async () => {
    const answer = await get({ account: OTHER });
    const data = answer.json!.data as Record<string, unknown>;
    expect(data["1"]).toEqual({ value: 7, locked_value: 0, type: 0 });
    expect(data["22"]).toEqual({ value: 0, locked_value: 0, type: 0 });
  });

  it("with `currency`, answers that asset only; an asset it does not list gives empty data", async () => {
    const one = await get({
      parameters: [
        ["type", "0"],
        ["currency", "22"],
        ["timestamp", String(Date.now())],
      ],
    });
    expect(one.text).toBe('{"status":"ok","data":{"22":{"value":1234.56789012,"locked_value":234.5,"type":0}}}');
    const none = await get({
      parameters: [
        ["type", "0"],
        ["currency", "999"],
        ["timestamp", String(Date.now())],
      ],
    });
    expect(none.json).toEqual({ status: "ok", data: {} });
  });

  it("writes an asset held beyond its list, and amounts as set, exponent and many digits included", async () => {
    simulator.setBalance(MAIN.apiKey, "spot", "1234", "123456789012345678.12345678", "0.00000001");
    simulator.setBalance(MAIN.apiKey, "spot", "10", "1e-7");
    const answer = await get();
    expect(answer.text).toContain('"1234":{"value":123456789012345678.12345678,"locked_value":0.00000001,"type":0}');
    expect(answer.text).toContain('"10":{"value":1e-7,"locked_value":0,"type":0}');
    expect(simulator.balanceOf(MAIN.apiKey, "spot", "1234")).toEqual({ value: "123456789012345678.12345678", locked: "0.00000001" });
  });

  it("clearWallet brings the listed assets back to zero and drops the rest", async () => {
    simulator.setBalance(MAIN.apiKey, "spot", "1234", "5");
    simulator.clearWallet(MAIN.apiKey, "spot");
    const answer = await get();
    expect(answer.text).not.toContain('"1234"');
    expect((answer.json!.data as Record<string, unknown>)["22"]).toEqual({ value: 0, locked_value: 0, type: 0 });
  });

  it("lists only the assets it is told to support", async () => {
    const small = await NamiSimulator.start({ accounts: [{ ...MAIN, spot: { "22": "1.5" } }], listedAssets: ["1"] });
    try {
      const answer = await get({ target: small });
      expect(answer.text).toBe(
        '{"status":"ok","data":{"1":{"value":0,"locked_value":0,"type":0},"22":{"value":1.5,"locked_value":0,"type":0}}}',
      );
    } finally {
      await small.stop();
    }
  });

  it("refuses amounts it could not write as JSON numbers, and unknown API keys in setters", () => {
    expect(() => simulator.setBalance(MAIN.apiKey, "spot", "22", "12,5")).toThrow(RangeError);
    expect(() => simulator.setBalance(MAIN.apiKey, "spot", "22", "1.")).toThrow(RangeError);
    expect(() => simulator.setBalance(MAIN.apiKey, "spot", "USDT", "1")).toThrow(RangeError);
    expect(() => simulator.setBalance("nobody", "spot", "22", "1")).toThrow();
    expect(simulator.balanceOf(MAIN.apiKey, "spot", "22")).toEqual({ value: "1234.56789012", locked: "234.5" });
  });

  it("setAmountsAsStrings writes the same digits as JSON strings", async () => {
    simulator.setAmountsAsStrings(true);
    const answer = await get();
    expect(answer.text).toContain('"22":{"value":"1234.56789012","locked_value":"234.5","type":0}');
  });
});

describe("Nami simulator: refusals", () => {
  const documented = { statusCode: 401, message: "Missing API key, signature, or timestamp", error: "Unauthorized" };

  it("answers the page's 401 when the API key, the signature or the timestamp is missing", async () => {
    expect(await get({ apiKey: null })).toMatchObject({ status: 401, json: documented });
    expect(await get({ signature: null })).toMatchObject({ status: 401, json: documented });
    expect(await get({ parameters: [["type", "0"]] })).toMatchObject({ status: 401, json: documented });
  });

  it("answers 401 to an unknown key, a signature under another secret, and a tampered query", async () => {
    expect(await get({ apiKey: "unknown" })).toMatchObject({ status: 401, json: { statusCode: 401, message: "Invalid API key" } });
    expect(await get({ account: { apiKey: MAIN.apiKey, apiSecret: OTHER.apiSecret } })).toMatchObject({
      status: 401,
      json: { statusCode: 401, message: "Invalid signature", error: "Unauthorized" },
    });
    // Signed for spot, sent for futures.
    const timestamp = String(Date.now());
    const signature = signQueryString(MAIN.apiSecret, `type=0&timestamp=${timestamp}`);
    const tampered = await get({
      parameters: [
        ["type", "2"],
        ["timestamp", timestamp],
      ],
      signature,
    });
    expect(tampered).toMatchObject({ status: 401, json: { message: "Invalid signature" } });
    expect(await get({ signature: "A".repeat(64) })).toMatchObject({ status: 401 });
  });

  it("answers 401 to a timestamp outside its window (inferred 30 s), either way, and takes one inside it", async () => {
    for (const offset of [-31_000, 31_000]) {
      expect(await get({ parameters: spot(Date.now() + offset) })).toMatchObject({
        status: 401,
        json: { statusCode: 401, message: "Timestamp is outside the recv window" },
      });
    }
    expect((await get({ parameters: spot(Date.now() - 20_000) })).status).toBe(200);
    expect(
      (
        await get({
          parameters: [
            ["type", "0"],
            ["timestamp", "yesterday"],
          ],
        })
      ).status,
    ).toBe(401);
  });

  it("takes the window it is given", async () => {
    const strict = await NamiSimulator.start({ accounts: [MAIN], timestampWindowMs: 1_000 });
    try {
      expect((await get({ target: strict, parameters: spot(Date.now() - 5_000) })).status).toBe(401);
      expect((await get({ target: strict })).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  it("answers a BROKER_ERROR (HTTP 200, inferred) to a wallet type or currency it does not know", async () => {
    for (const parameters of [
      [
        ["type", "1"],
        ["timestamp", String(Date.now())],
      ],
      [["timestamp", String(Date.now())]],
      [
        ["type", "0"],
        ["currency", "USDT"],
        ["timestamp", String(Date.now())],
      ],
    ] as [string, string][][]) {
      const answer = await get({ parameters });
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ status: "BROKER_ERROR", code: 1, data: {}, message: "Invalid parameter" });
    }
  });

  it("answers an account's business error while it is set, then recovers", async () => {
    simulator.setBusinessError(MAIN.apiKey, { code: 7, message: "API key has no wallet permission", data: { scope: "wallet" } });
    expect(await get()).toMatchObject({
      status: 200,
      json: { status: "BROKER_ERROR", code: 7, data: { scope: "wallet" }, message: "API key has no wallet permission" },
    });
    expect((await get({ account: OTHER })).json).toMatchObject({ status: "ok" });
    simulator.setBusinessError(MAIN.apiKey, null);
    expect((await get()).json).toMatchObject({ status: "ok" });
  });

  it("knows only GET on its one path", async () => {
    expect(await get({ path: "/api/v4/user/wallets" })).toMatchObject({
      status: 404,
      json: { statusCode: 404, message: "Cannot GET /api/v4/user/wallets", error: "Not Found" },
    });
    expect((await get({ method: "POST" })).status).toBe(404);
  });
});

describe("Nami simulator: knobs", () => {
  itPlaysTheSharedKnobs({
    simulator: () => simulator,
    send: (signal) => get({ signal }),
    path: PATH,
    expectAnswered: (answer) => expect(answer.status).toBe(200),
  });

  it("counts calls by path and in all, refused ones too, and resets them", async () => {
    await get();
    await get({ parameters: futures() });
    await get({ apiKey: "unknown" });
    await get({ path: "/elsewhere" });
    expect(simulator.calls(PATH)).toBe(3);
    expect(simulator.calls("/elsewhere")).toBe(1);
    expect(simulator.calls()).toBe(4);
    simulator.resetCalls();
    expect(simulator.calls()).toBe(0);
  });

  it("malformed answers invalid JSON made from the true answer", async () => {
    await simulator.setFault("malformed");
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text).toContain('"value":1234.56789012');
  });

  it("bad-shape answers valid JSON whose fields are renamed", async () => {
    await simulator.setFault("bad-shape");
    const answer = await get();
    expect(answer.status).toBe(200);
    expect(answer.json).toBeDefined();
    expect(answer.text).toContain('"22":{"total":1234.56789012,"locked":234.5,"type":0}');
    expect(answer.text).not.toContain('"value"');
  });

  it("auth answers the page's 401, whatever the credentials", async () => {
    await simulator.setFault("auth");
    expect(await get()).toMatchObject({
      status: 401,
      json: { statusCode: 401, message: "Missing API key, signature, or timestamp", error: "Unauthorized" },
    });
  });

  it("a fault scoped to an API key or a wallet type leaves the others alone", async () => {
    await simulator.setFault("http500", { apiKey: MAIN.apiKey });
    expect((await get()).status).toBe(500);
    expect((await get({ account: OTHER })).status).toBe(200);
    await simulator.setFault("http500", { walletType: "futures" });
    expect((await get({ parameters: futures() })).status).toBe(500);
    expect((await get()).status).toBe(200);
    await simulator.setFault("http500", { apiKey: MAIN.apiKey, walletType: "futures" });
    expect((await get({ parameters: futures() })).status).toBe(500);
    expect((await get({ parameters: futures(), account: OTHER })).status).toBe(200);
    expect((await get()).status).toBe(200);
    await expect(simulator.setFault("refuse", { apiKey: MAIN.apiKey })).rejects.toThrow();
  });

  it("slow answers the true answer, late", async () => {
    const slow = await NamiSimulator.start({ accounts: [{ ...MAIN, spot: { "22": "1" } }], slowMs: 300 });
    try {
      await slow.setFault("slow");
      const started = performance.now();
      const answer = await get({ target: slow });
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(answer.text).toContain('"22":{"value":1,');
    } finally {
      await slow.stop();
    }
  });
});
