// Checks that the XPAY simulator answers operation 40003 as the provider's documents say, over real HTTP on loopback, the test acting as the partner.
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  open,
  readPrivateKeyPem,
  readPublicKeyPem,
  seal,
  type RsaKeyPairPem,
  type SealedEnvelope,
} from "../../src/providers/xpay/envelope.js";
import { XpaySimulator } from "../../src/providers/xpay/simulator.js";
import { exchange, itPlaysTheSharedKnobs, type Answer } from "../support/simulator-http.js";
import {
  CLEAR_TOKEN,
  DEVICE,
  PHONE,
  TESTER_CARD as CARD,
  TESTER_WALLET as WALLET,
  TOKEN,
  xpayPartners,
  xpayPartyKeys,
} from "../support/xpay-partner.js";

let xpayKeys: RsaKeyPairPem;
let partnerKeys: RsaKeyPairPem;
let clearPartnerKeys: RsaKeyPairPem;
let simulator: XpaySimulator;

/** The 40003 Data the client sends, with the parts a test may change. */
function data(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    UserID: "tester",
    Phone: PHONE,
    DeviceID: DEVICE,
    UUID: WALLET,
    Transaction: { TransactionID: randomUUID(), TerminalID: "1", DateTime: "2022-04-21 02:46:33" },
    ...overrides,
  };
}

interface Sending {
  token?: string;
  /** Signs the request (default: the partner's own key). */
  signWith?: string;
  /** Seals the AES key for this public key (default: XPAY's). */
  sealFor?: string;
  operationType?: number;
  tamper?: (envelope: SealedEnvelope) => SealedEnvelope;
}

function envelope(content: unknown, sending: Sending = {}): object {
  const sealed = seal(typeof content === "string" ? content : JSON.stringify(content), {
    recipientPublicKey: readPublicKeyPem(sending.sealFor ?? simulator.publicKeyPem),
    senderPrivateKey: readPrivateKeyPem(sending.signWith ?? partnerKeys.privateKeyPem),
  });
  const { data: Data, keyAes: KeyAES, sign: Sign } = sending.tamper ? sending.tamper(sealed) : sealed;
  return { Partner: { PartnerToken: sending.token ?? TOKEN, OperationType: sending.operationType ?? 40003 }, Data, KeyAES, Sign };
}

async function post(body: unknown, options: { path?: string; method?: string; signal?: AbortSignal; url?: string } = {}): Promise<Answer> {
  const base = options.url ?? simulator.url;
  const url = options.path === undefined ? base : `${new URL(base).origin}${options.path}`;
  return exchange(url, { method: options.method, headers: { "content-type": "application/json" }, body, signal: options.signal });
}

const ask = (content: unknown = data(), sending: Sending = {}): Promise<Answer> => post(envelope(content, sending));

/** The balance record of an encrypted "done" answer, as the text XPAY sealed. */
function recordOf(answer: Answer, keys: RsaKeyPairPem = partnerKeys): string {
  const json = answer.json!;
  return open(
    { data: (json.Data as { EncodedData: string }).EncodedData, keyAes: json.KeyAES as string, sign: json.Sign as string },
    { senderPublicKey: readPublicKeyPem(simulator.publicKeyPem), recipientPrivateKey: readPrivateKeyPem(keys.privateKeyPem) },
  );
}

const RECORD = (uuid: string, sum: string): RegExp =>
  new RegExp(`^\\{"uuid":"${uuid}","Sum":${sum.replace(/"/g, '\\"')},"DateTime":"\\d{8} \\d{2}:\\d{2}:\\d{2}"\\}$`);

const failed = (reason: number): object => ({
  Code: 200,
  Message: "fail",
  Data: { OperationID: expect.any(Number), OperationStatus: 21, Reason: reason },
  KeyAES: "",
  Sign: "",
});

const UNAUTHORIZED = { Code: 401, Message: "unauthorized", Data: {}, KeyAES: "", Sign: "" };

beforeAll(async () => {
  [xpayKeys, partnerKeys, clearPartnerKeys] = await xpayPartyKeys();
});

beforeEach(async () => {
  simulator = await XpaySimulator.start({
    keys: xpayKeys,
    partners: xpayPartners(partnerKeys, clearPartnerKeys),
    instruments: {
      [WALLET]: { sum: "50000", phone: PHONE, deviceId: DEVICE },
      [CARD]: { sum: "123456789012345678901" },
    },
  });
});

afterEach(async () => {
  await simulator.stop();
});

describe("XPAY simulator: operation 40003", () => {
  it("serves XPAY's one URL and trusts the key it was given", () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/xpay$/);
    expect(simulator.publicKeyPem).toBe(xpayKeys.publicKeyPem);
  });

  it('answers "done" with the balance record sealed for the partner and signed by XPAY', async () => {
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ Code: 200, Message: "done", Data: { EncodedData: expect.any(String) } });
    expect(Buffer.from(answer.json!.KeyAES as string, "base64")).toHaveLength(256);
    expect(recordOf(answer)).toMatch(RECORD(WALLET, "50000"));
    // Sealed for this partner only.
    expect(() => recordOf(answer, clearPartnerKeys)).toThrow();
  });

  it("answers a partner set up for it in the clear: DecodedData, empty KeyAES and Sign, as on the page", async () => {
    const answer = await ask(data(), { token: CLEAR_TOKEN, signWith: clearPartnerKeys.privateKeyPem });
    expect(answer.json).toEqual({
      Code: 200,
      Message: "done",
      Data: { DecodedData: expect.stringMatching(RECORD(WALLET, "50000")) },
      KeyAES: "",
      Sign: "",
    });
  });

  it("writes Sum with every digit, beyond 2^53 too, and as a digit string when told", async () => {
    const card = data({ UUID: CARD });
    expect(recordOf(await ask(card))).toMatch(RECORD(CARD, "123456789012345678901"));
    simulator.setInstrument(CARD, { sum: "0009007199254740993", sumAs: "string" });
    expect(recordOf(await ask(card))).toMatch(RECORD(CARD, '"9007199254740993"'));
    expect(simulator.sumOf(CARD)).toBe("9007199254740993");
    simulator.setInstrument(CARD, { sum: "-1" });
    expect(recordOf(await ask(card))).toMatch(RECORD(CARD, "-1"));
  });

  it('answers "fail" Reason 3 for an instrument it does not have, or that is not this client\'s', async () => {
    expect((await ask(data({ UUID: randomUUID() }))).json).toEqual(failed(3));
    expect((await ask(data({ Phone: "380500000000" }))).json).toEqual(failed(3));
    expect((await ask(data({ DeviceID: "another-device" }))).json).toEqual(failed(3));
    simulator.removeInstrument(WALLET);
    expect((await ask()).json).toEqual(failed(3));
  });

  it("numbers its operations", async () => {
    const first = (await ask(data({ UUID: randomUUID() }))).json!.Data as { OperationID: number };
    const second = (await ask(data({ UUID: randomUUID() }))).json!.Data as { OperationID: number };
    expect(second.OperationID).toBe(first.OperationID + 1);
  });

  it.each([
    ["Data that is not JSON", "UUID=1"],
    ["no Phone", data({ Phone: undefined })],
    ["a Phone not in the 380xxxxxxxxx form", data({ Phone: "+380501234567" })],
    ["no DeviceID", data({ DeviceID: undefined })],
    ["no UUID", data({ UUID: undefined })],
    ["no Transaction", data({ Transaction: undefined })],
    ["a Transaction without TerminalID", data({ Transaction: { TransactionID: "t", DateTime: "2022-04-21 02:46:33" } })],
  ])('answers "fail" Reason 1 to %s', async (_, content) => {
    expect((await ask(content)).json).toEqual(failed(1));
  });

  it('answers "fail" Reason 2 to another operation type', async () => {
    expect((await ask(data(), { operationType: 40001 })).json).toEqual(failed(2));
  });

  it('answers Code 102 "needACS" while the instrument needs an OTP step, and the balance again after', async () => {
    simulator.setNeedsAcs(WALLET, true);
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ Code: 102, Message: "needACS", Data: { OperationID: expect.any(Number) }, KeyAES: "", Sign: "" });
    // Replacing the instrument's balance keeps its mode.
    simulator.setInstrument(WALLET, { sum: "100", phone: PHONE, deviceId: DEVICE });
    expect((await ask()).json).toMatchObject({ Code: 102 });
    simulator.setNeedsAcs(WALLET, false);
    expect(recordOf(await ask())).toMatch(RECORD(WALLET, "100"));
    expect(() => simulator.setNeedsAcs(randomUUID(), true)).toThrow();
  });

  it("keeps the Data of every request it could read, for tests to look at", async () => {
    const sent = data({ Email: "index@gmail.com" });
    await ask(sent);
    await ask("not json");
    expect(simulator.received()).toEqual([sent]);
  });
});

describe("XPAY simulator: refused requests (the inferred 401 answer)", () => {
  it.each<[string, () => Promise<Answer>]>([
    ["an unknown PartnerToken", () => ask(data(), { token: randomUUID() })],
    ["a Sign made with another partner's key", () => ask(data(), { signWith: clearPartnerKeys.privateKeyPem })],
    ["another partner's token with this partner's Sign", () => ask(data(), { token: CLEAR_TOKEN })],
    [
      "a tampered Sign",
      () => ask(data(), { tamper: (sealed) => ({ ...sealed, sign: Buffer.from(sealed.sign, "base64").reverse().toString("base64") }) }),
    ],
    ["a KeyAES sealed for another key than XPAY's", () => ask(data(), { sealFor: partnerKeys.publicKeyPem })],
    [
      "a Data that does not decrypt",
      () => {
        const cut = (base64: string): string => Buffer.from(base64, "base64").subarray(0, -1).toString("base64");
        return ask(data(), { tamper: (sealed) => ({ ...sealed, data: cut(sealed.data) }) });
      },
    ],
    ["fields that are not base64", () => ask(data(), { tamper: (sealed) => ({ ...sealed, keyAes: "***" }) })],
  ])("refuses %s with HTTP 401", async (_, send) => {
    const answer = await send();
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(UNAUTHORIZED);
    expect(simulator.received()).toEqual([]);
  });

  it("answers HTTP 400 to a body that is not the envelope", async () => {
    for (const body of ["{not json", {}, { Partner: { PartnerToken: TOKEN, OperationType: "40003" }, Data: "", KeyAES: "", Sign: "" }]) {
      const answer = await post(body);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ Code: 400 });
    }
  });

  it("knows only POST on its one path", async () => {
    expect((await post(envelope(data()), { path: "/other" })).status).toBe(404);
    expect((await post(undefined, { method: "GET" })).status).toBe(405);
  });
});

describe("XPAY simulator: knobs", () => {
  itPlaysTheSharedKnobs({
    simulator: () => simulator,
    send: (signal) => post(envelope(data()), { signal }),
    path: "/xpay",
    expectAnswered: (answer) => expect(answer.json).toMatchObject({ Message: "done" }),
  });

  it("counts calls by path and in all, and resets them", async () => {
    await ask();
    await ask(data(), { token: "unknown" });
    await post(envelope(data()), { path: "/other" });
    expect(simulator.calls("/xpay")).toBe(2);
    expect(simulator.calls("/other")).toBe(1);
    expect(simulator.calls()).toBe(3);
    simulator.resetCalls();
    expect(simulator.calls()).toBe(0);
  });

  it("malformed answers invalid JSON", async () => {
    await simulator.setFault("malformed");
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text).toContain('"Message":"done"');
  });

  it("bad-shape writes Sum as hryvnias with decimals, still sealed; an answer without Sum loses its Code", async () => {
    await simulator.setFault("bad-shape");
    const answer = await ask();
    expect(answer.json).toMatchObject({ Code: 200, Message: "done" });
    expect(recordOf(answer)).toMatch(RECORD(WALLET, "500.00"));
    const clear = await ask(data(), { token: CLEAR_TOKEN, signWith: clearPartnerKeys.privateKeyPem });
    expect((clear.json!.Data as { DecodedData: string }).DecodedData).toMatch(RECORD(WALLET, "500.00"));
    const fail = await ask(data({ UUID: randomUUID() }));
    expect(fail.json).toBeDefined();
    expect(fail.json).not.toHaveProperty("Code");
    expect(fail.json).toMatchObject({ Message: "fail" });
  });

  it("auth answers as refused credentials, whatever was sent", async () => {
    await simulator.setFault("auth");
    const answer = await ask();
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(UNAUTHORIZED);
  });

  it("slow answers late", async () => {
    const slow = await XpaySimulator.start({
      keys: xpayKeys,
      partners: [{ token: TOKEN, publicKeyPem: partnerKeys.publicKeyPem }],
      instruments: { [WALLET]: { sum: "1" } },
      slowMs: 300,
    });
    try {
      await slow.setFault("slow");
      const started = performance.now();
      const answer = await post(envelope(data()), { url: slow.url });
      expect(answer.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await slow.stop();
    }
  });

  it("a fault scoped to one instrument leaves the others alone", async () => {
    await simulator.setFault("http500", { uuid: CARD });
    expect((await ask(data({ UUID: CARD }))).status).toBe(500);
    expect((await ask()).status).toBe(200);
    await expect(simulator.setFault("refuse", { uuid: CARD })).rejects.toThrow();
  });

  it("setInstrument refuses a Sum that is not whole kopecks as digits", () => {
    for (const sum of ["500.00", "5e4", "", " 1"]) {
      expect(() => simulator.setInstrument(WALLET, { sum })).toThrow(RangeError);
    }
    expect(simulator.sumOf(WALLET)).toBe("50000");
  });
});
