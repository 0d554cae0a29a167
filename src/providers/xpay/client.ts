// Responsible for reading the balances of a wallet's linked XPAY payment instruments (operation 40003) over HTTP, one sealed request per instrument.
import { randomUUID, type KeyObject } from "node:crypto";
import type { AccountLink } from "../../accounts/account-links.js";
import { ScaledDecimal } from "../../money/decimal.js";
import { FailureCode, ProviderError, type ProviderFailure } from "../failure.js";
import type { UpstreamObserver } from "../../observability/upstream-events.js";
import { parseLosslessJson } from "../json-body.js";
import { shaped } from "../kit/answer-shape.js";
import { BatchProviderClient } from "../kit/batch-client.js";
import { failuresByCause, type PartError } from "../kit/failure-groups.js";
import { SharedReads, gatherParts, type PartRead } from "../kit/shared-reads.js";
import { zonedClock } from "../kit/zoned-time.js";
import type { AccountBalance, AccountDirectory, BalanceQuery, BalanceResult } from "../provider.js";
import {
  AUTH_FAILURE_CODES,
  AUTH_FAILURE_HTTP_STATUSES,
  ENCODED_ANSWER_KEYS_AT_TOP_LEVEL,
  INCOMPLETE_LINK_FAILURE,
  INCOMPLETE_LINK_PROVIDER_CODE,
  OPERATION_GET_BALANCE,
  PHONE_FORM,
  SEND_WALLET_ID_AS_USER_ID,
  SUM_SCALE,
  TRANSACTION_TIME_ZONE,
  XpayCode,
  XpayMessage,
  failureCodeForAnswerCode,
  xpayPhone,
} from "./codes.js";
import type { XpayProviderConfig } from "./config.js";
import { EnvelopeError, KeyFormatError, open, readPrivateKeyPem, readPublicKeyPem, sealWith } from "./envelope.js";
import { MessageKeys } from "./message-keys.js";
import {
  answerEnvelope,
  balanceRecord,
  doneData,
  encodedAnswerKeys,
  failData,
  type AnswerEnvelope,
  type BalanceRequestData,
  type FailData,
  type RequestEnvelope,
} from "./wire.js";

/** What a link must hold for XPAY to be asked about it. */
interface InstrumentDetails {
  uuid: string;
  phone: string;
  deviceId: string;
  email?: string;
}

/** Lives for the process: owns the connection pool to XPAY's one URL and the parsed keys. */
export class XpayClient extends BatchProviderClient {
  /** A wallet's XPAY instruments are its account links; their non-secret details ride in the link. */
  readonly accounts = "linked";
  private readonly partnerPrivateKey: KeyObject;
  private readonly xpayPublicKey: KeyObject;
  /** ProviderHttp appends paths to the base URL's path; a base URL without one needs "/". */
  private readonly path: string;
  private readonly messageKeys: MessageKeys;

  constructor(
    private readonly config: XpayProviderConfig,
    private readonly directory: AccountDirectory,
    observer?: UpstreamObserver,
  ) {
    // Configurations built in code skip the zod checks: the keys are proven here too, naming the field, before any pool is made.
    const partnerPrivateKey = readKey("partnerPrivateKey", config.id, () => readPrivateKeyPem(config.partnerPrivateKey));
    const xpayPublicKey = readKey("xpayPublicKey", config.id, () => readPublicKeyPem(config.xpayPublicKey));
    super(config, "xpay", false, observer);
    this.partnerPrivateKey = partnerPrivateKey;
    this.xpayPublicKey = xpayPublicKey;
    this.path = new URL(config.baseUrl).pathname.replace(/\/+$/, "") === "" ? "/" : "";
    this.messageKeys = new MessageKeys({ recipientPublicKey: this.xpayPublicKey, senderPrivateKey: this.partnerPrivateKey });
  }

  override async close(): Promise<void> {
    this.messageKeys.close();
    await super.close();
  }

  /** One directory lookup for the batch, then one call per distinct linked instrument, all at once. */
  protected async load(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    const asking = queries.filter((query) => this.holds(query.currency));
    const links =
      asking.length === 0
        ? new Map<string, AccountLink[]>()
        : await this.directory.forWallets(this.info.id, [...new Set(asking.map((query) => query.walletId))]);

    const reads = new SharedReads<ScaledDecimal>();
    const plans = queries.map((query): PartRead<ScaledDecimal>[] => {
      if (!this.holds(query.currency)) return [];
      return (links.get(query.walletId) ?? []).map((link) => ({
        part: link.accountRef,
        read: reads.of(JSON.stringify([query.walletId, link.accountRef]), () => this.readInstrument(query.walletId, link)),
      }));
    });

    return Promise.all(
      plans.map(async (plan, index) => {
        const query = queries[index]!;
        const { values, errors } = await gatherParts(plan);
        return { balances: values.map(({ part, value }) => this.balance(part, value)), failures: this.failuresOf(query, errors) };
      }),
    );
  }

  /** Every XPAY balance is in the one configured currency: a query for another has nothing here. */
  private holds(currency: string | null): boolean {
    return currency === null || currency === this.config.currency;
  }

  private async readInstrument(walletId: string, link: AccountLink): Promise<ScaledDecimal> {
    const instrument = instrumentOf(link);
    const data: BalanceRequestData = {
      ...(SEND_WALLET_ID_AS_USER_ID ? { UserID: walletId } : {}),
      Phone: instrument.phone,
      ...(instrument.email === undefined ? {} : { Email: instrument.email }),
      DeviceID: instrument.deviceId,
      UUID: instrument.uuid,
      Transaction: { TransactionID: randomUUID(), TerminalID: this.config.terminalId, DateTime: transactionDateTime(new Date()) },
    };
    const sealed = sealWith(JSON.stringify(data), await this.messageKeys.take());
    const envelope: RequestEnvelope = {
      Partner: { PartnerToken: this.config.partnerToken, OperationType: OPERATION_GET_BALANCE },
      Data: sealed.data,
      KeyAES: sealed.keyAes,
      Sign: sealed.sign,
    };

    const answer = await this.http.send(
      {
        method: "POST",
        path: this.path,
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(envelope),
      },
      // Judged inside the call, so that the resilience policy sees an HTTP 5xx as the UPSTREAM_ERROR it is.
      (answer) => {
        if (answer.status >= 500) throw new ProviderError(FailureCode.UPSTREAM_ERROR, `XPAY answered HTTP ${answer.status}`);
        return answer;
      },
    );
    if (AUTH_FAILURE_HTTP_STATUSES.has(answer.status)) {
      throw new ProviderError(FailureCode.AUTH_FAILED, `XPAY refused our partner token or signature (HTTP ${answer.status})`);
    }
    if (answer.status !== 200) throw new ProviderError(FailureCode.BAD_RESPONSE, `XPAY answered HTTP ${answer.status}`);

    const envelopeAnswer = shaped(answerEnvelope, parseLosslessJson(answer.body));
    const record = this.recordOf(envelopeAnswer);
    const parsed = shaped(balanceRecord, parseLosslessJson(record), { what: "the balance record" });
    // A mixed-up answer (another instrument's, a replayed one) must not be shown as this instrument's money.
    if (parsed.uuid !== instrument.uuid) {
      throw new ProviderError(FailureCode.BAD_RESPONSE, "the balance record is about another payment instrument");
    }
    return parsed.Sum;
  }

  /** The balance record's JSON text from a "done" answer; every other answer becomes its ProviderError. */
  private recordOf(answer: AnswerEnvelope): string {
    const { Code: code, Message: message } = answer;
    if (AUTH_FAILURE_CODES.has(code)) {
      throw new ProviderError(
        FailureCode.AUTH_FAILED,
        `XPAY refused our partner token or signature (Code ${code}${message ? ` "${message}"` : ""})`,
        { providerCode: String(code) },
      );
    }
    if (code === XpayCode.NEED_ACS) {
      throw new ProviderError(
        FailureCode.NEEDS_CONFIRMATION,
        "XPAY asks for an extra OTP confirmation (needACS) before it shows this balance",
        { providerCode: String(code) },
      );
    }
    if (code !== XpayCode.OK) {
      throw new ProviderError(failureCodeForAnswerCode(code), `XPAY answered Code ${code}${message ? ` "${message}"` : ""}`, {
        providerCode: `Code ${code}`,
      });
    }
    if (message === XpayMessage.FAIL) throw rejected(shaped(failData, answer.Data, { what: "the answer's Data" }));
    if (message !== XpayMessage.DONE) {
      throw new ProviderError(FailureCode.BAD_RESPONSE, `the answer's Message is ${JSON.stringify(message)}, neither "done" nor "fail"`);
    }

    const data = shaped(doneData, answer.Data, { what: "the answer's Data" });
    if ("DecodedData" in data) {
      // A signed answer cannot be stripped down to a clear one unnoticed while we expect signed ones.
      if (this.config.answers === "encoded") {
        throw new ProviderError(
          FailureCode.BAD_RESPONSE,
          "XPAY answered in the clear (DecodedData) while this provider expects encrypted answers (answers: encoded)",
        );
      }
      return data.DecodedData;
    }
    // ENCODED_ANSWER_KEYS_AT_TOP_LEVEL: KeyAES and Sign sit beside Code and Data; else inside Data, beside EncodedData.
    const keys = ENCODED_ANSWER_KEYS_AT_TOP_LEVEL ? answer : shaped(encodedAnswerKeys, answer.Data, { what: "the answer's Data" });
    try {
      return open(
        { data: data.EncodedData, keyAes: keys.KeyAES ?? "", sign: keys.Sign ?? "" },
        { senderPublicKey: this.xpayPublicKey, recipientPrivateKey: this.partnerPrivateKey },
      );
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
      const why =
        error.reason === "signature"
          ? "its Sign does not verify with xpayPublicKey"
          : `it cannot be opened with partnerPrivateKey (${error.message})`;
      throw new ProviderError(FailureCode.BAD_RESPONSE, `the encrypted answer cannot be trusted: ${why}`, { cause: error });
    }
  }

  private balance(account: string, amount: ScaledDecimal): AccountBalance {
    return {
      providerId: this.info.id,
      account,
      currency: this.config.currency,
      amount,
      available: amount,
      // XPAY shows one Sum per instrument, with no notion of a hold.
      locked: ScaledDecimal.zero(SUM_SCALE),
    };
  }

  /** Failures with the same cause become one, naming its accounts (a wallet may link several instruments). */
  private failuresOf(query: BalanceQuery, errors: readonly PartError[]): ProviderFailure[] {
    return failuresByCause(this.info.id, query.currency, errors);
  }
}

/** The instrument a link names, or the INCOMPLETE_LINK failure (thrown before any call). */
function instrumentOf(link: AccountLink): InstrumentDetails {
  const { instrumentUuid, deviceId, email } = link.details;
  const phone = link.details.phone === undefined ? undefined : xpayPhone(link.details.phone);
  const missing: string[] = [];
  if (!instrumentUuid) missing.push("instrumentUuid");
  if (!phone || !PHONE_FORM.test(phone)) missing.push("phone (380xxxxxxxxx)");
  if (!deviceId) missing.push("deviceId");
  if (missing.length > 0 || !instrumentUuid || !phone || !deviceId) {
    throw new ProviderError(
      INCOMPLETE_LINK_FAILURE,
      `the account link lacks what XPAY requires: ${missing.join(", ")}; no request was sent`,
      { providerCode: INCOMPLETE_LINK_PROVIDER_CODE, requestSent: false },
    );
  }
  return { uuid: instrumentUuid, phone, deviceId, ...(email ? { email } : {}) };
}

function rejected(data: FailData): ProviderError {
  const status = data.OperationStatus === undefined ? "" : `, OperationStatus ${data.OperationStatus}`;
  const operation = data.OperationID === undefined ? "" : `, OperationID ${data.OperationID}`;
  return new ProviderError(FailureCode.REJECTED, `XPAY refused the balance request: Reason ${data.Reason}${status}${operation}`, {
    providerCode: String(data.Reason),
  });
}

function readKey(field: string, providerId: string, read: () => KeyObject): KeyObject {
  try {
    return read();
  } catch (error) {
    if (error instanceof KeyFormatError) throw new KeyFormatError(`XPAY provider "${providerId}": ${field} ${error.message}`);
    throw error;
  }
}

const kyivTime = zonedClock(TRANSACTION_TIME_ZONE);

/** The latest second written, and its text: every request of a burst falls in the same second. */
let writtenSecond = Number.NaN;
let writtenText = "";

/** "2022-04-21 02:46:33", as the page's request example writes `Transaction.DateTime`. */
export function transactionDateTime(at: Date): string {
  // Formatting with a time zone costs more than the rest of a request's body: it is done once per second.
  const second = Math.floor(at.getTime() / 1000);
  if (second !== writtenSecond) {
    writtenText = formatKyivTime(at);
    writtenSecond = second;
  }
  return writtenText;
}

function formatKyivTime(at: Date): string {
  const { year, month, day, hour, minute, second } = kyivTime(at);
  return `${year}-${month}-${day} ${hour}:${minute}:${second}`;
}
