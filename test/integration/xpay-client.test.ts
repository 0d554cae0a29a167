// Checks the XPAY client against the XPAY simulator over real HTTP on loopback: linked instruments, exact kopecks, call counts, faults and timeouts.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountLinkStore, type AccountDetails, type AccountLink } from "../../src/accounts/account-links.js";
import { FailureCode } from "../../src/providers/failure.js";
import type { AccountDirectory, BalanceQuery } from "../../src/providers/provider.js";
import { XpayClient, transactionDateTime } from "../../src/providers/xpay/client.js";
import { xpayProviderConfig, type XpayProviderConfig } from "../../src/providers/xpay/config.js";
import {
  KeyFormatError,
  generateRsaKeyPair,
  open,
  readPrivateKeyPem,
  readPublicKeyPem,
  seal,
  type RsaKeyPairPem,
} from "../../src/providers/xpay/envelope.js";
import { XpaySimulator } from "../../src/providers/xpay/simulator.js";
import { openStore, type Store } from "../../src/store/open-store.js";
import { FAULT_OUTCOMES, amounts, expectAmountsOnly, expectUnreachableUntilReopened } from "../support/provider-faults.js";
import { loadAgainstHang, loadWithSlowCalls } from "../support/provider-timing.js";
import { HostileProvider } from "../support/hostile-provider.js";
import { CLEAR_TOKEN, DEVICE, PHONE, TESTER_CARD, TESTER_WALLET, TOKEN, xpayPartners, xpayPartyKeys } from "../support/xpay-partner.js";

const BOB_WALLET = randomUUID();
const VICTIM_WALLET = randomUUID();

let xpayKeys: RsaKeyPairPem;
let partnerKeys: RsaKeyPairPem;
let clearPartnerKeys: RsaKeyPairPem;
let strangerKeys: RsaKeyPairPem;
let simulator: XpaySimulator;
const clients: XpayClient[] = [];

/** An AccountDirectory over a Map, counting its lookups: the client must make one per batch. */
class MapDirectory implements AccountDirectory {
  readonly lookups: string[][] = [];
  failing = false;
  constructor(private readonly links: Map<string, AccountLink[]>) {}

  async forWallets(providerId: string, walletIds: readonly string[]): Promise<Map<string, AccountLink[]>> {
    this.lookups.push([...walletIds]);
    if (this.failing) throw new Error("the store is down");
    return new Map(walletIds.map((id) => [id, (this.links.get(id) ?? []).filter((link) => link.providerId === providerId)]));
  }
}

function link(walletId: string, accountRef: string, details: AccountDetails): AccountLink {
  return { id: randomUUID(), walletId, providerId: "xpay", accountRef, details, createdAt: new Date() };
}

const device = (instrumentUuid: string): AccountDetails => ({ instrumentUuid, phone: PHONE, deviceId: DEVICE });

function directory(): MapDirectory {
  return new MapDirectory(
    new Map([
      [
        "tester",
        [
          link("tester", "xpay-wallet", { ...device(TESTER_WALLET), email: "index@gmail.com" }),
          link("tester", "xpay-card", device(TESTER_CARD)),
        ],
      ],
      // The link service allows E.164 with its "+": XPAY gets the bare digits.
      ["bob", [link("bob", "bob-wallet", { ...device(BOB_WALLET), phone: `+${PHONE}` })]],
      ["victim", [link("victim", "victim-wallet", device(VICTIM_WALLET))]],
      [
        "incomplete",
        [
          link("incomplete", "no-phone", { instrumentUuid: BOB_WALLET, deviceId: DEVICE }),
          link("incomplete", "bad-phone", { instrumentUuid: BOB_WALLET, deviceId: DEVICE, phone: "0501234567" }),
          link("incomplete", "no-device", { instrumentUuid: BOB_WALLET, phone: PHONE }),
          link("incomplete", "complete", device(BOB_WALLET)),
        ],
      ],
      ["other-provider", [{ ...link("other-provider", "elsewhere", device(BOB_WALLET)), providerId: "kyren" }]],
    ]),
  );
}

function config(overrides: Partial<XpayProviderConfig> = {}): XpayProviderConfig {
  return {
    protocol: "xpay",
    id: "xpay",
    name: "XPAY",
    timeoutMs: 2_000,
    maxConnections: 8,
    baseUrl: simulator.url,
    partnerToken: TOKEN,
    partnerPrivateKey: partnerKeys.privateKeyPem,
    xpayPublicKey: simulator.publicKeyPem,
    terminalId: "7",
    currency: "UAH",
    answers: "encoded",
    ...overrides,
  };
}

function client(overrides: Partial<XpayProviderConfig> = {}, accounts: AccountDirectory = directory()): XpayClient {
  // These tests count single requests; retries have their own suite (test/resilience).
  const created = new XpayClient(config({ retries: 0, ...overrides }), accounts);
  clients.push(created);
  return created;
}

beforeAll(async () => {
  [[xpayKeys, partnerKeys, clearPartnerKeys], strangerKeys] = await Promise.all([xpayPartyKeys(), generateRsaKeyPair()]);
});

beforeEach(async () => {
  simulator = await XpaySimulator.start({
    keys: xpayKeys,
    partners: xpayPartners(partnerKeys, clearPartnerKeys),
    instruments: {
      [TESTER_WALLET]: { sum: "50000", phone: PHONE, deviceId: DEVICE },
      [TESTER_CARD]: { sum: "12345678901234567801" },
      [BOB_WALLET]: { sum: "7" },
      [VICTIM_WALLET]: { sum: "100" },
    },
  });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
  await simulator.stop();
});

describe("XpayClient: configuration", () => {
  let directoryPath: string;
  beforeAll(() => {
    directoryPath = mkdtempSync(join(tmpdir(), "xpay-config-"));
  });
  afterAll(() => rmSync(directoryPath, { recursive: true, force: true }));

  const document = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    protocol: "xpay",
    id: "xpay",
    name: "XPAY",
    baseUrl: "https://stage-papi.xpay.com.ua:488/xpay",
    partnerToken: { env: "TEST_XPAY_TOKEN" },
    partnerPrivateKey: { file: join(directoryPath, "partner.pem") },
    xpayPublicKey: { file: join(directoryPath, "xpay.pub") },
    terminalId: "1",
    ...overrides,
  });

  beforeEach(() => {
    process.env.TEST_XPAY_TOKEN = TOKEN;
    writeFileSync(join(directoryPath, "partner.pem"), partnerKeys.privateKeyPem);
    writeFileSync(join(directoryPath, "xpay.pub"), xpayKeys.publicKeyPem);
  });

  /** The first issue of a refused document, as "field: message". */
  function refusal(overrides: Record<string, unknown>): string {
    const result = xpayProviderConfig.safeParse(document(overrides));
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    return `${issue.path.join(".")}: ${issue.message}`;
  }

  it("resolves the token and the private key from secrets, reads the public key from a file or inline, and fills defaults", () => {
    const parsed = xpayProviderConfig.parse(document());
    expect(parsed).toMatchObject({ partnerToken: TOKEN, currency: "UAH", answers: "encoded", timeoutMs: 3_000, terminalId: "1" });
    expect(parsed.partnerPrivateKey).toContain("BEGIN PRIVATE KEY");
    expect(parsed.xpayPublicKey).toBe(xpayKeys.publicKeyPem);
    // An environment variable holding the PEM with literal \n is read as meant.
    process.env.TEST_XPAY_KEY = partnerKeys.privateKeyPem.trim().replace(/\n/g, "\\n");
    const inline = xpayProviderConfig.parse(
      document({ partnerPrivateKey: { env: "TEST_XPAY_KEY" }, xpayPublicKey: xpayKeys.publicKeyPem, answers: "decoded", currency: "USD" }),
    );
    expect(inline.partnerPrivateKey).toBe(partnerKeys.privateKeyPem.trim());
    expect(inline).toMatchObject({ answers: "decoded", currency: "USD" });

    const created = new XpayClient(parsed, directory());
    clients.push(created);
    expect(created.info).toEqual({ id: "xpay", name: "XPAY", protocol: "xpay", canRefund: false });
    expect(created.accounts).toBe("linked");
    expect("refund" in created).toBe(false);
  });

  it("refuses keys that cannot serve, naming the field", () => {
    writeFileSync(join(directoryPath, "public-as-private.pem"), partnerKeys.publicKeyPem);
    expect(refusal({ partnerPrivateKey: { file: join(directoryPath, "public-as-private.pem") } })).toMatch(
      /^partnerPrivateKey: partnerPrivateKey must be an RSA private key in PEM/,
    );
    expect(refusal({ xpayPublicKey: partnerKeys.privateKeyPem })).toMatch(/^xpayPublicKey: xpayPublicKey is a private key/);
    expect(refusal({ xpayPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" })).toMatch(
      /^xpayPublicKey: xpayPublicKey is not a readable public key/,
    );
    expect(refusal({ xpayPublicKey: { file: join(directoryPath, "missing.pub") } })).toMatch(/^xpayPublicKey: .*cannot be read/);
    expect(refusal({ partnerPrivateKey: { env: "TEST_XPAY_UNSET" } })).toMatch(
      /^partnerPrivateKey: environment variable TEST_XPAY_UNSET is not set/,
    );
  });

  it("refuses the rest of what the protocol cannot serve", () => {
    expect(refusal({ baseUrl: "ftp://xpay.example" })).toMatch(/^baseUrl:/);
    expect(refusal({ baseUrl: "https://xpay.example/xpay?x=1" })).toMatch(/^baseUrl: must not carry a query string/);
    expect(refusal({ terminalId: "" })).toMatch(/^terminalId:/);
    expect(refusal({ currency: "uah" })).toMatch(/^currency:/);
    expect(refusal({ answers: "both" })).toMatch(/^answers:/);
    expect(refusal({ refund: true })).toMatch(/refund/);
  });

  it("a configuration built in code with a bad key fails at construction, naming the field", () => {
    expect(() => new XpayClient(config({ xpayPublicKey: "nonsense" }), directory())).toThrow(KeyFormatError);
    expect(() => new XpayClient(config({ partnerPrivateKey: partnerKeys.publicKeyPem }), directory())).toThrow(
      /XPAY provider "xpay": partnerPrivateKey must be an RSA private key/,
    );
  });
});

describe("XpayClient: balances", () => {
  it("reads an instrument's kopecks as hryvnias with 2 decimals, available = amount, locked 0.00", async () => {
    const [result] = await client().loadBalances([{ walletId: "tester", currency: "UAH" }]);
    expect(result!.failures).toEqual([]);
    const wallet = result!.balances.find((balance) => balance.account === "xpay-wallet")!;
    expect({
      providerId: wallet.providerId,
      account: wallet.account,
      currency: wallet.currency,
      amount: wallet.amount.toString(),
      available: wallet.available.toString(),
      locked: wallet.locked.toString(),
    }).toEqual({ providerId: "xpay", account: "xpay-wallet", currency: "UAH", amount: "500.00", available: "500.00", locked: "0.00" });
    expect(amounts(result!)).toEqual({ "xpay-wallet/UAH": "500.00", "xpay-card/UAH": "123456789012345678.01" });
  });

  it("makes one directory lookup and one call per linked instrument for a batch of several wallets and currencies", async () => {
    const accounts = directory();
    const queries: BalanceQuery[] = [
      { walletId: "tester", currency: null },
      { walletId: "tester", currency: "UAH" },
      { walletId: "tester", currency: "USD" },
      { walletId: "bob", currency: "UAH" },
      { walletId: "bob", currency: null },
      { walletId: "nobody", currency: null },
      { walletId: "victim", currency: "USD" },
      { walletId: "other-provider", currency: null },
    ];
    const results = await client({}, accounts).loadBalances(queries);
    expect(accounts.lookups).toEqual([["tester", "bob", "nobody", "other-provider"]]);
    // tester's wallet and card, bob's wallet; USD is not XPAY's currency, nobody has no link.
    expect(simulator.calls("/xpay")).toBe(3);
    expect(simulator.calls()).toBe(3);
    expectAmountsOnly(results, [
      { "xpay-wallet/UAH": "500.00", "xpay-card/UAH": "123456789012345678.01" },
      { "xpay-wallet/UAH": "500.00", "xpay-card/UAH": "123456789012345678.01" },
      {},
      { "bob-wallet/UAH": "0.07" },
      { "bob-wallet/UAH": "0.07" },
      {},
      {},
      {},
    ]);
  });

  it("makes no call, and no lookup, when nothing asked can be at XPAY", async () => {
    const accounts = directory();
    const results = await client({}, accounts).loadBalances([
      { walletId: "tester", currency: "USD" },
      { walletId: "bob", currency: "EUR" },
    ]);
    expect(results).toEqual([
      { balances: [], failures: [] },
      { balances: [], failures: [] },
    ]);
    expect(accounts.lookups).toEqual([]);
    const [unlinked] = await client({}, accounts).loadBalances([{ walletId: "nobody", currency: null }]);
    expect(unlinked).toEqual({ balances: [], failures: [] });
    expect(simulator.calls()).toBe(0);
  });

  it("makes its calls concurrently", async () => {
    const results = await loadWithSlowCalls(simulator, () =>
      client().loadBalances([
        { walletId: "tester", currency: null },
        { walletId: "bob", currency: null },
        { walletId: "victim", currency: null },
      ]),
    );
    expect(simulator.calls("/xpay")).toBe(4);
    expect(results.map(amounts)[2]).toEqual({ "victim-wallet/UAH": "1.00" });
  });

  it("sends the Data the page asks for, from the link's details", async () => {
    await client().loadBalances([{ walletId: "tester", currency: null }]);
    const received = [...simulator.received()].sort((a, b) => a.UUID.localeCompare(b.UUID));
    expect(received).toEqual([
      {
        UserID: "tester",
        Phone: PHONE,
        Email: "index@gmail.com",
        DeviceID: DEVICE,
        UUID: TESTER_WALLET,
        Transaction: {
          TransactionID: expect.any(String),
          TerminalID: "7",
          DateTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        },
      },
      {
        UserID: "tester",
        Phone: PHONE,
        DeviceID: DEVICE,
        UUID: TESTER_CARD,
        Transaction: { TransactionID: expect.any(String), TerminalID: "7", DateTime: expect.any(String) },
      },
    ]);
    expect(received[0]!.Transaction.TransactionID).not.toBe(received[1]!.Transaction.TransactionID);
    await client().loadBalances([{ walletId: "bob", currency: null }]);
    expect(simulator.received().at(-1)).toMatchObject({ UserID: "bob", Phone: PHONE, UUID: BOB_WALLET });
    // Kyiv time, as the page's example writes it: 12:00 UTC on 1 July is 15:00 in Kyiv (summer time).
    expect(transactionDateTime(new Date("2024-07-01T12:00:00Z"))).toBe("2024-07-01 15:00:00");
  });

  it("writes each request's own second, though it formats a second only once", () => {
    // Within one second, later in it, the next second, winter time, and back: never the text of another second.
    expect(transactionDateTime(new Date("2024-07-01T12:00:00.100Z"))).toBe("2024-07-01 15:00:00");
    expect(transactionDateTime(new Date("2024-07-01T12:00:00.999Z"))).toBe("2024-07-01 15:00:00");
    expect(transactionDateTime(new Date("2024-07-01T12:00:01.000Z"))).toBe("2024-07-01 15:00:01");
    expect(transactionDateTime(new Date("2024-01-01T12:00:01.000Z"))).toBe("2024-01-01 14:00:01");
    expect(transactionDateTime(new Date("2024-07-01T12:00:00.500Z"))).toBe("2024-07-01 15:00:00");
  });

  it("reads answers in the clear where the partner is set up for them", async () => {
    const results = await client({
      answers: "decoded",
      partnerToken: CLEAR_TOKEN,
      partnerPrivateKey: clearPartnerKeys.privateKeyPem,
    }).loadBalances([{ walletId: "tester", currency: "UAH" }]);
    expect(amounts(results[0]!)).toEqual({ "xpay-wallet/UAH": "500.00", "xpay-card/UAH": "123456789012345678.01" });
    // Configured for clear answers, it still takes signed ones.
    const [signed] = await client({ answers: "decoded" }).loadBalances([{ walletId: "bob", currency: "UAH" }]);
    expect(amounts(signed!)).toEqual({ "bob-wallet/UAH": "0.07" });
  });

  it("expecting signed answers, refuses a clear one as BAD_RESPONSE", async () => {
    const [result] = await client({ partnerToken: CLEAR_TOKEN, partnerPrivateKey: clearPartnerKeys.privateKeyPem }).loadBalances([
      { walletId: "bob", currency: "UAH" },
    ]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toMatchObject([
      { code: FailureCode.BAD_RESPONSE, retryable: false, message: expect.stringContaining("answers: encoded") },
    ]);
  });

  it('a "fail" answer is REJECTED with its Reason, while the wallet\'s other instruments are read', async () => {
    simulator.removeInstrument(TESTER_CARD);
    const [result] = await client().loadBalances([{ walletId: "tester", currency: null }]);
    expect(amounts(result!)).toEqual({ "xpay-wallet/UAH": "500.00" });
    expect(result!.failures).toEqual([
      {
        providerId: "xpay",
        currency: null,
        code: FailureCode.REJECTED,
        retryable: false,
        message: expect.stringMatching(/^xpay-card: XPAY refused the balance request: Reason 3, OperationStatus 21, OperationID \d+$/),
      },
    ]);
  });

  it('Code 102 "needACS" is NEEDS_CONFIRMATION, never a zero balance', async () => {
    simulator.setNeedsAcs(TESTER_WALLET, true);
    const [tester, bob] = await client().loadBalances([
      { walletId: "tester", currency: "UAH" },
      { walletId: "bob", currency: "UAH" },
    ]);
    expect(amounts(tester!)).toEqual({ "xpay-card/UAH": "123456789012345678.01" });
    expect(tester!.failures).toMatchObject([
      { currency: "UAH", code: FailureCode.NEEDS_CONFIRMATION, retryable: false, message: expect.stringMatching(/^xpay-wallet: .*OTP/) },
    ]);
    expect(amounts(bob!)).toEqual({ "bob-wallet/UAH": "0.07" });
  });

  it("a link lacking a required detail is a failure of its own, without a call", async () => {
    const [result] = await client().loadBalances([{ walletId: "incomplete", currency: null }]);
    expect(simulator.calls()).toBe(1);
    expect(amounts(result!)).toEqual({ "complete/UAH": "0.07" });
    // A missing phone and a malformed one are the same cause: one failure naming both links.
    expect(result!.failures.map((failure) => failure.message)).toEqual([
      "no-phone, bad-phone: the account link lacks what XPAY requires: phone (380xxxxxxxxx); no request was sent",
      "no-device: the account link lacks what XPAY requires: deviceId; no request was sent",
    ]);
    expect(result!.failures.every((failure) => failure.code === FailureCode.REJECTED && !failure.retryable)).toBe(true);
  });

  it("a negative Sum is a BAD_RESPONSE, not money", async () => {
    simulator.setInstrument(BOB_WALLET, { sum: "-100" });
    const [result] = await client().loadBalances([{ walletId: "bob", currency: "UAH" }]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toMatchObject([{ code: FailureCode.BAD_RESPONSE, retryable: false }]);
  });

  it.each([
    ["an unknown partner token", () => ({ partnerToken: randomUUID() })],
    ["a partner key XPAY does not know", () => ({ partnerPrivateKey: strangerKeys.privateKeyPem })],
    ["another XPAY public key than XPAY's (XPAY cannot decrypt)", () => ({ xpayPublicKey: strangerKeys.publicKeyPem })],
  ])("%s is AUTH_FAILED, not retryable", async (_, overrides) => {
    const [result] = await client(overrides()).loadBalances([{ walletId: "tester", currency: null }]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({ currency: null, code: FailureCode.AUTH_FAILED, retryable: false });
    expect(result!.failures[0]!.message).toMatch(/^xpay-wallet, xpay-card: /);
  });

  it.each(FAULT_OUTCOMES)("%s on one instrument gives %s (retryable %s) for its queries only", async (fault, code, retryable) => {
    await simulator.setFault(fault, { uuid: VICTIM_WALLET });
    const started = performance.now();
    const results = await client({ timeoutMs: 300 }).loadBalances([
      { walletId: "victim", currency: "UAH" },
      { walletId: "tester", currency: "UAH" },
      { walletId: "victim", currency: null },
      { walletId: "bob", currency: null },
    ]);
    expect(performance.now() - started).toBeLessThan(300 + 400);
    for (const [index, currency] of [
      [0, "UAH"],
      [2, null],
    ] as const) {
      expect(results[index]!.balances).toEqual([]);
      expect(results[index]!.failures).toHaveLength(1);
      expect(results[index]!.failures[0]).toMatchObject({ providerId: "xpay", currency, code, retryable });
      expect(results[index]!.failures[0]!.message).toMatch(/^victim-wallet: /);
    }
    expect(amounts(results[1]!)).toEqual({ "xpay-wallet/UAH": "500.00", "xpay-card/UAH": "123456789012345678.01" });
    expect(amounts(results[3]!)).toEqual({ "bob-wallet/UAH": "0.07" });
    expect(results[1]!.failures).toEqual([]);
    expect(results[3]!.failures).toEqual([]);
    // One call per instrument, the faulty one included.
    expect(simulator.calls("/xpay")).toBe(4);
  });

  it("failures with one cause on several instruments of a wallet become one failure naming them", async () => {
    await simulator.setFault("http500");
    const [result] = await client().loadBalances([{ walletId: "tester", currency: "UAH" }]);
    expect(result!.failures).toHaveLength(1);
    expect(result!.failures[0]).toMatchObject({
      code: FailureCode.UPSTREAM_ERROR,
      retryable: true,
      message: "xpay-wallet, xpay-card: XPAY answered HTTP 500",
    });
  });

  it("a timeout is bounded by the client's timeout against a hanging provider", async () => {
    const result = await loadAgainstHang(
      simulator,
      async () => (await client({ timeoutMs: 300 }).loadBalances([{ walletId: "bob", currency: "UAH" }]))[0]!,
      300,
    );
    expect(result.failures).toMatchObject([{ code: FailureCode.TIMEOUT, retryable: true }]);
  });

  it("a refused connection is UNREACHABLE and retryable, and the client recovers when the port reopens", async () => {
    const target = client({ timeoutMs: 500 });
    await expectUnreachableUntilReopened(
      simulator,
      async () => (await target.loadBalances([{ walletId: "bob", currency: "UAH" }]))[0]!,
      (result) => expect(amounts(result)).toEqual({ "bob-wallet/UAH": "0.07" }),
    );
  });

  it("an unreadable directory fails every query of the batch, without rejecting and without a call", async () => {
    const accounts = directory();
    accounts.failing = true;
    const results = await client({}, accounts).loadBalances([
      { walletId: "tester", currency: "UAH" },
      { walletId: "bob", currency: null },
    ]);
    expect(results.map((result) => result.failures.map((failure) => failure.currency))).toEqual([["UAH"], [null]]);
    expect(results.every((result) => result.balances.length === 0)).toBe(true);
    expect(simulator.calls()).toBe(0);
  });
});

describe("XpayClient: with the real account link store", () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore("sqlite::memory:");
  });
  afterEach(async () => {
    await store.close();
  });

  it("reads the instruments linked to a wallet in the store, one query per batch", async () => {
    const links = new AccountLinkStore(store.db);
    await links.link("tester", "xpay", "xpay-wallet", device(TESTER_WALLET));
    await links.link("tester", "kyren", "tester", {});
    await links.link("bob", "xpay", "bob-wallet", device(BOB_WALLET));
    const results = await client({}, links).loadBalances([
      { walletId: "tester", currency: null },
      { walletId: "bob", currency: "UAH" },
      { walletId: "carol", currency: null },
    ]);
    expect(results.map(amounts)).toEqual([{ "xpay-wallet/UAH": "500.00" }, { "bob-wallet/UAH": "0.07" }, {}]);
    expect(simulator.calls()).toBe(2);
  });
});

describe("XpayClient: answers the simulator cannot give", () => {
  let stub: HostileProvider;
  /** Answers a request whose Data the stub opened (as XPAY would), or a raw body. */
  let answer: (request: { UUID: string }) => { status: number; body: string };

  beforeEach(async () => {
    stub = await HostileProvider.start();
    stub.answer("xpay", ({ body }) => {
      const envelope = JSON.parse(body) as { Data: string; KeyAES: string; Sign: string };
      const data = JSON.parse(
        open(
          { data: envelope.Data, keyAes: envelope.KeyAES, sign: envelope.Sign },
          { senderPublicKey: readPublicKeyPem(partnerKeys.publicKeyPem), recipientPrivateKey: readPrivateKeyPem(xpayKeys.privateKeyPem) },
        ),
      ) as { UUID: string };
      return answer(data);
    });
  });

  afterEach(() => stub.stop());

  const stubClient = (overrides: Partial<XpayProviderConfig> = {}): XpayClient =>
    client({ baseUrl: stub.baseUrl("xpay"), xpayPublicKey: xpayKeys.publicKeyPem, ...overrides });

  /** A "done" answer carrying `record`, sealed by `signer` (XPAY's key by default) for the partner. */
  function encoded(record: string, signer: RsaKeyPairPem = xpayKeys): string {
    const sealed = seal(record, {
      recipientPublicKey: readPublicKeyPem(partnerKeys.publicKeyPem),
      senderPrivateKey: readPrivateKeyPem(signer.privateKeyPem),
    });
    return JSON.stringify({ Code: 200, Message: "done", Data: { EncodedData: sealed.data }, KeyAES: sealed.keyAes, Sign: sealed.sign });
  }

  const clear = (record: string): string =>
    JSON.stringify({ Code: 200, Message: "done", Data: { DecodedData: record }, KeyAES: "", Sign: "" });

  async function failureOf(overrides: Partial<XpayProviderConfig> = {}): Promise<{ code: FailureCode; message: string }> {
    const [result] = await stubClient(overrides).loadBalances([{ walletId: "bob", currency: "UAH" }]);
    expect(result!.balances).toEqual([]);
    expect(result!.failures).toHaveLength(1);
    return result!.failures[0]!;
  }

  it("reads the page's own clear success example as 500.00", async () => {
    const page = `{\n"Code": 200,\n"Message": "done",\n"Data": {\n"DecodedData": "{\\"uuid\\":\\"1b982500-59bb-4ec8-8c03-a4cbabea1355\\",\\"Sum\\":50000,\\"DateTime\\":\\"20180510 13:23:19\\"}"\n},\n"KeyAES": "",\n"Sign": ""\n}`;
    answer = () => ({ status: 200, body: page });
    const [result] = await stubClient({ answers: "decoded" }).loadBalances([{ walletId: "tester", currency: "UAH" }]);
    expect(amounts(result!)).toMatchObject({ "xpay-wallet/UAH": "500.00" });
  });

  it("reads the page's own failure example as REJECTED, Reason 3", async () => {
    const page = `{\n"Code": 200,\n"Message": "fail",\n"Data": {\n"OperationID": 111,\n"OperationStatus": 21,\n"Reason": 3\n},\n"KeyAES": "",\n"Sign": ""\n}`;
    answer = () => ({ status: 200, body: page });
    expect(await failureOf()).toMatchObject({
      code: FailureCode.REJECTED,
      message: "bob-wallet: XPAY refused the balance request: Reason 3, OperationStatus 21, OperationID 111",
    });
  });

  it("an encrypted answer signed by another key than XPAY's is a BAD_RESPONSE", async () => {
    answer = ({ UUID }) => ({ status: 200, body: encoded(`{"uuid":"${UUID}","Sum":1}`, strangerKeys) });
    expect(await failureOf()).toMatchObject({
      code: FailureCode.BAD_RESPONSE,
      message: expect.stringContaining("Sign does not verify with xpayPublicKey"),
    });
    answer = ({ UUID }) => ({ status: 200, body: encoded(`{"uuid":"${UUID}","Sum":1}`) });
    expect((await stubClient().loadBalances([{ walletId: "bob", currency: "UAH" }]))[0]!.failures).toEqual([]);
  });

  it("a balance record about another instrument is a BAD_RESPONSE", async () => {
    answer = () => ({ status: 200, body: encoded(`{"uuid":"${randomUUID()}","Sum":50000}`) });
    expect(await failureOf()).toMatchObject({
      code: FailureCode.BAD_RESPONSE,
      message: expect.stringContaining("another payment instrument"),
    });
  });

  it.each([["500.00"], ["5e4"], ["50000.0"], ['"500.00"'], ['" 1"'], ["null"], ["true"]])(
    "a Sum written %s is a BAD_RESPONSE",
    async (sum) => {
      answer = ({ UUID }) => ({ status: 200, body: encoded(`{"uuid":"${UUID}","Sum":${sum}}`) });
      expect(await failureOf()).toMatchObject({ code: FailureCode.BAD_RESPONSE });
    },
  );

  it("a Sum as a digit string is taken exactly (SUM_MAY_BE_DIGIT_STRING)", async () => {
    answer = ({ UUID }) => ({ status: 200, body: clear(`{"uuid":"${UUID}","Sum":"900719925474099312"}`) });
    const [result] = await stubClient({ answers: "decoded" }).loadBalances([{ walletId: "bob", currency: null }]);
    expect(amounts(result!)).toEqual({ "bob-wallet/UAH": "9007199254740993.12" });
  });

  it.each<[string, FailureCode, { status: number; body: string }]>([
    ["HTTP 403", FailureCode.AUTH_FAILED, { status: 403, body: "Forbidden" }],
    ["Code 401 on HTTP 200", FailureCode.AUTH_FAILED, { status: 200, body: '{"Code":401,"Message":"unauthorized","Data":{}}' }],
    ["HTTP 404", FailureCode.BAD_RESPONSE, { status: 404, body: "Not Found" }],
    [
      "HTTP 400 (an envelope we sent badly)",
      FailureCode.BAD_RESPONSE,
      { status: 400, body: '{"Code":400,"Message":"bad request","Data":{}}' },
    ],
    ["HTTP 502", FailureCode.UPSTREAM_ERROR, { status: 502, body: "Bad Gateway" }],
    ["Code 500 on HTTP 200", FailureCode.UPSTREAM_ERROR, { status: 200, body: '{"Code":500,"Message":"error","Data":{}}' }],
    ["an unknown Code", FailureCode.REJECTED, { status: 200, body: '{"Code":777,"Message":"limit","Data":{}}' }],
    ["a Message neither done nor fail", FailureCode.BAD_RESPONSE, { status: 200, body: '{"Code":200,"Message":"ok","Data":{}}' }],
    [
      "a fail without Reason",
      FailureCode.BAD_RESPONSE,
      { status: 200, body: '{"Code":200,"Message":"fail","Data":{"OperationStatus":21}}' },
    ],
    ["a done without Data", FailureCode.BAD_RESPONSE, { status: 200, body: '{"Code":200,"Message":"done"}' }],
    [
      "an EncodedData without KeyAES",
      FailureCode.BAD_RESPONSE,
      { status: 200, body: '{"Code":200,"Message":"done","Data":{"EncodedData":"AAAA"}}' },
    ],
    ["a Code as a string", FailureCode.BAD_RESPONSE, { status: 200, body: '{"Code":"200","Message":"done","Data":{}}' }],
    ["an HTML page", FailureCode.BAD_RESPONSE, { status: 200, body: "<html>maintenance</html>" }],
  ])("%s is %s", async (_, code, reply) => {
    answer = () => reply;
    expect((await failureOf()).code).toBe(code);
  });
});

describe("XpayClient: every digit, whatever the amount (property)", () => {
  it("reads back any Sum set in the simulator exactly, as a JSON integer or a digit string, encrypted or in the clear", async () => {
    const signed = client();
    const inClear = client({ answers: "decoded", partnerToken: CLEAR_TOKEN, partnerPrivateKey: clearPartnerKeys.privateKeyPem });
    await fc.assert(
      fc.asyncProperty(
        // Up to 18 digits of hryvnias and 2 of kopecks: beyond 2^53 most of the time.
        fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }),
        fc.constantFrom<"number" | "string">("number", "string"),
        fc.boolean(),
        async (kopecks, sumAs, encrypted) => {
          const digits = kopecks.toString();
          simulator.setInstrument(BOB_WALLET, { sum: digits, sumAs });
          const [result] = await (encrypted ? signed : inClear).loadBalances([{ walletId: "bob", currency: "UAH" }]);
          // Written out by hand from the digits, not computed by the code under test.
          const padded = digits.padStart(3, "0");
          const expected = `${padded.slice(0, -2)}.${padded.slice(-2)}`;
          expect(result!.failures).toEqual([]);
          expect(
            result!.balances.map((balance) => [balance.amount.toString(), balance.available.toString(), balance.locked.toString()]),
          ).toEqual([[expected, expected, "0.00"]]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
