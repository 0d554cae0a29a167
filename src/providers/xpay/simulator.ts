// Responsible for a faithful XPAY provider on loopback (operation 40003): partners, keys and instruments, sealed as the documents describe.
import type { KeyObject } from "node:crypto";
import { ScaledDecimal } from "../../money/decimal.js";
import { SimulatorBase, jsonAnswer, startKnobs, textAnswer, type SimulatorStartOptions } from "../kit/simulator.js";
import { zonedClock } from "../kit/zoned-time.js";
import type { SimulatorKnobs, SimulatedProtocol, SimulatorAnswer, SimulatorFault, SimulatorRequest } from "../simulator-knobs.js";
import {
  AUTH_FAILURE_ANSWER,
  BAD_REQUEST_ANSWER,
  ENCODED_ANSWER_KEYS_AT_TOP_LEVEL,
  NEED_ACS_CARRIES_OPERATION_ID,
  OPERATION_GET_BALANCE,
  OperationStatus,
  SIMULATOR_PATH,
  SUM_SCALE,
  SimulatedReason,
  TRANSACTION_TIME_ZONE,
  UNKNOWN_PATH_HTTP_STATUS,
  WRONG_METHOD_HTTP_STATUS,
  XpayCode,
  XpayMessage,
} from "./codes.js";
import { EnvelopeError, generateRsaKeyPair, open, readPrivateKeyPem, readPublicKeyPem, seal, type RsaKeyPairPem } from "./envelope.js";
import { balanceRequestData, requestEnvelope, type BalanceRequestData } from "./wire.js";

interface XpayPartner {
  /** The PartnerToken XPAY issued to this partner. */
  token: string;
  /** The partner's public key (PEM): checks its Sign, and seals encrypted answers to it. */
  publicKeyPem: string;
  /** How this partner is set up to get answers: encrypted (EncodedData, the default) or in the clear (DecodedData). */
  answers?: "encoded" | "decoded";
}

export interface XpayInstrument {
  /** The balance in kopecks, as digits ("50000" is 500.00 UAH). Negative is allowed, to test clients. */
  sum: string;
  /** When set, only a request with this Phone may read the instrument; others get Reason 3. */
  phone?: string;
  /** When set, only a request with this DeviceID may read the instrument. */
  deviceId?: string;
  /**
   * How `Sum` is written: a JSON integer as documented (default), or a digit string as some
   * backends send (see SUM_MAY_BE_DIGIT_STRING in codes.ts), to test the client's tolerance.
   */
  sumAs?: "number" | "string";
}

export interface XpaySimulatorOptions extends SimulatorStartOptions {
  partners: XpayPartner[];
  /** Instruments by UUID. */
  instruments?: Record<string, XpayInstrument>;
  /** XPAY's own key pair; generated at start when absent (RSA 2048, ~100 ms: tests generate it once and pass it). */
  keys?: RsaKeyPairPem;
}

/** `url` is XPAY's one URL (…/xpay): a client's `baseUrl`. */
export class XpaySimulator extends SimulatorBase {
  /** XPAY's public key (PEM): a client's `xpayPublicKey`. */
  readonly publicKeyPem: string;

  private constructor(
    private readonly provider: XpayProvider,
    knobs: SimulatorKnobs,
    publicKeyPem: string,
  ) {
    super(knobs, SIMULATOR_PATH);
    this.publicKeyPem = publicKeyPem;
  }

  static async start(options: XpaySimulatorOptions): Promise<XpaySimulator> {
    const keys = options.keys ?? (await generateRsaKeyPair());
    const provider = new XpayProvider(readPrivateKeyPem(keys.privateKeyPem), options.partners);
    for (const [uuid, instrument] of Object.entries(options.instruments ?? {})) provider.setInstrument(uuid, instrument);
    const knobs = await startKnobs(provider, options);
    return new XpaySimulator(provider, knobs, keys.publicKeyPem);
  }

  /** Adds or replaces an instrument (its "needs ACS" mode is kept). Throws a RangeError unless `sum` is whole kopecks as digits. */
  setInstrument(uuid: string, instrument: XpayInstrument): void {
    this.provider.setInstrument(uuid, instrument);
  }

  removeInstrument(uuid: string): void {
    this.provider.instruments.delete(uuid);
  }

  /** While on, reading this instrument's balance answers Code 102 "needACS" (an OTP step is required). */
  setNeedsAcs(uuid: string, needsAcs: boolean): void {
    const instrument = this.provider.instruments.get(uuid);
    if (!instrument) throw new Error(`no instrument ${uuid}`);
    instrument.needsAcs = needsAcs;
  }

  /** The instrument's Sum in kopecks, as set. */
  sumOf(uuid: string): string | undefined {
    return this.provider.instruments.get(uuid)?.sum;
  }

  /** The decrypted Data of every well-formed 40003 request from a known partner, in the order received. */
  received(): readonly BalanceRequestData[] {
    return [...this.provider.received];
  }

  /** With `uuid`, only requests about that instrument meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, options: { uuid?: string } = {}): Promise<void> {
    const { uuid } = options;
    return this.knobs.setFault(fault, uuid === undefined ? undefined : (request) => this.provider.instrumentUuidOf(request) === uuid);
  }

  /** Forgets the counts and the requests received (a long run would otherwise keep every one). */
  override resetCalls(): void {
    super.resetCalls();
    this.provider.received.length = 0;
  }
}

interface HeldInstrument {
  sum: string;
  phone?: string;
  deviceId?: string;
  sumAs: "number" | "string";
  needsAcs: boolean;
}

interface KnownPartner {
  publicKey: KeyObject;
  answers: "encoded" | "decoded";
}

type Opened =
  { kind: "bad-request" } | { kind: "unauthorised" } | { kind: "opened"; partner: KnownPartner; operationType: number; data: string };

/** What a "done" answer was made of, so that the bad-shape fault can remake it. */
interface Done {
  uuid: string;
  sum: string;
  partner: KnownPartner;
}

/** The provider's behaviour, apart from the knobs. */
class XpayProvider implements SimulatedProtocol {
  readonly instruments = new Map<string, HeldInstrument>();
  readonly received: BalanceRequestData[] = [];
  private readonly partners = new Map<string, KnownPartner>();
  private readonly done = new WeakMap<SimulatorAnswer, Done>();
  private lastOperationId = 0;

  constructor(
    private readonly privateKey: KeyObject,
    partners: readonly XpayPartner[],
  ) {
    for (const partner of partners) {
      this.partners.set(partner.token, {
        publicKey: readPublicKeyPem(partner.publicKeyPem),
        answers: partner.answers ?? "encoded",
      });
    }
  }

  setInstrument(uuid: string, instrument: XpayInstrument): void {
    if (!/^-?\d+$/.test(instrument.sum)) throw new RangeError(`not whole kopecks as digits: ${JSON.stringify(instrument.sum)}`);
    // Kept as the digits given, bar leading zeros, which a JSON integer cannot carry.
    const sum = ScaledDecimal.fromMinorUnits(instrument.sum, 0).toString();
    this.instruments.set(uuid, {
      sum,
      phone: instrument.phone,
      deviceId: instrument.deviceId,
      sumAs: instrument.sumAs ?? "number",
      needsAcs: this.instruments.get(uuid)?.needsAcs ?? false,
    });
  }

  answer(request: SimulatorRequest): SimulatorAnswer {
    if (request.path !== SIMULATOR_PATH) return textAnswer(UNKNOWN_PATH_HTTP_STATUS, "Not Found");
    if (request.method !== "POST") return textAnswer(WRONG_METHOD_HTTP_STATUS, "Method Not Allowed");
    const opened = this.openRequest(request.body);
    if (opened.kind === "bad-request") return { status: BAD_REQUEST_ANSWER.httpStatus, body: JSON.stringify(BAD_REQUEST_ANSWER.body) };
    if (opened.kind === "unauthorised") return this.authFailure();
    if (opened.operationType !== OPERATION_GET_BALANCE) return this.fail(SimulatedReason.UNSUPPORTED_OPERATION);

    let json: unknown;
    try {
      json = JSON.parse(opened.data);
    } catch {
      return this.fail(SimulatedReason.INVALID_DATA);
    }
    const parsed = balanceRequestData.safeParse(json);
    if (!parsed.success) return this.fail(SimulatedReason.INVALID_DATA);
    const data = parsed.data;
    this.received.push(data);

    const instrument = this.instruments.get(data.UUID);
    if (
      !instrument ||
      (instrument.phone !== undefined && instrument.phone !== data.Phone) ||
      (instrument.deviceId !== undefined && instrument.deviceId !== data.DeviceID)
    ) {
      return this.fail(SimulatedReason.INSTRUMENT_NOT_FOUND);
    }
    if (instrument.needsAcs) {
      return jsonAnswer({
        Code: XpayCode.NEED_ACS,
        Message: XpayMessage.NEED_ACS,
        Data: NEED_ACS_CARRIES_OPERATION_ID ? { OperationID: this.nextOperationId() } : {},
        KeyAES: "",
        Sign: "",
      });
    }
    const sumText = instrument.sumAs === "string" ? JSON.stringify(instrument.sum) : instrument.sum;
    const answer = this.doneAnswer(data.UUID, sumText, opened.partner);
    this.done.set(answer, { uuid: data.UUID, sum: instrument.sum, partner: opened.partner });
    return answer;
  }

  authFailure(): SimulatorAnswer {
    return { status: AUTH_FAILURE_ANSWER.httpStatus, body: JSON.stringify(AUTH_FAILURE_ANSWER.body) };
  }

  /**
   * The likeliest way an answer strays: Sum written as hryvnias with decimals (`"Sum":500.00`)
   * instead of whole kopecks, sealed as usual. An answer with no Sum loses its `Code` instead.
   */
  badShape(answer: SimulatorAnswer): SimulatorAnswer {
    const done = this.done.get(answer);
    if (done) return this.doneAnswer(done.uuid, ScaledDecimal.fromMinorUnits(done.sum, SUM_SCALE).toString(), done.partner);
    try {
      const { Code: _code, ...rest } = JSON.parse(answer.body) as Record<string, unknown>;
      return { ...answer, body: JSON.stringify(rest) };
    } catch {
      return { ...answer, body: '{"unexpected":true}' };
    }
  }

  /** The instrument a request is about, when it can be read (for scoped faults). */
  instrumentUuidOf(request: SimulatorRequest): string | undefined {
    const opened = this.openRequest(request.body);
    if (opened.kind !== "opened") return undefined;
    try {
      const uuid = (JSON.parse(opened.data) as { UUID?: unknown } | null)?.UUID;
      return typeof uuid === "string" ? uuid : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The token must be known and Sign must verify with that partner's key before anything is
   * decrypted; a KeyAES or Data that then cannot be opened is refused the same way: XPAY cannot
   * tell a forged request from a broken one.
   */
  private openRequest(body: string): Opened {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return { kind: "bad-request" };
    }
    const envelope = requestEnvelope.safeParse(json);
    if (!envelope.success) return { kind: "bad-request" };
    const { Partner, Data, KeyAES, Sign } = envelope.data;
    const partner = this.partners.get(Partner.PartnerToken);
    if (!partner) return { kind: "unauthorised" };
    try {
      const data = open(
        { data: Data, keyAes: KeyAES, sign: Sign },
        { senderPublicKey: partner.publicKey, recipientPrivateKey: this.privateKey },
      );
      return { kind: "opened", partner, operationType: Partner.OperationType, data };
    } catch (error) {
      if (error instanceof EnvelopeError) return { kind: "unauthorised" };
      throw error;
    }
  }

  /** `sumText` goes into the record as written: the digits never pass through a JS number. */
  private doneAnswer(uuid: string, sumText: string, partner: KnownPartner): SimulatorAnswer {
    const record = `{"uuid":${JSON.stringify(uuid)},"Sum":${sumText},"DateTime":${JSON.stringify(answerDateTime(new Date()))}}`;
    if (partner.answers === "decoded") {
      return jsonAnswer({ Code: XpayCode.OK, Message: XpayMessage.DONE, Data: { DecodedData: record }, KeyAES: "", Sign: "" });
    }
    const sealed = seal(record, { recipientPublicKey: partner.publicKey, senderPrivateKey: this.privateKey });
    const keys = { KeyAES: sealed.keyAes, Sign: sealed.sign };
    // ENCODED_ANSWER_KEYS_AT_TOP_LEVEL: beside Code and Data, else inside Data beside EncodedData.
    return jsonAnswer(
      ENCODED_ANSWER_KEYS_AT_TOP_LEVEL
        ? { Code: XpayCode.OK, Message: XpayMessage.DONE, Data: { EncodedData: sealed.data }, ...keys }
        : { Code: XpayCode.OK, Message: XpayMessage.DONE, Data: { EncodedData: sealed.data, ...keys }, KeyAES: "", Sign: "" },
    );
  }

  private fail(reason: number): SimulatorAnswer {
    return jsonAnswer({
      Code: XpayCode.OK,
      Message: XpayMessage.FAIL,
      Data: { OperationID: this.nextOperationId(), OperationStatus: OperationStatus.FAILED, Reason: reason },
      KeyAES: "",
      Sign: "",
    });
  }

  private nextOperationId(): number {
    this.lastOperationId += 1;
    return this.lastOperationId;
  }
}

const kyivTime = zonedClock(TRANSACTION_TIME_ZONE);

/** "20180510 13:23:19": the answer's DateTime, YYYYMMDD HH24:MM:SS as the page writes it. */
function answerDateTime(at: Date): string {
  const { year, month, day, hour, minute, second } = kyivTime(at);
  return `${year}${month}${day} ${hour}:${minute}:${second}`;
}
