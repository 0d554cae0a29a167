// Responsible for a faithful SLOT_SPEC provider on loopback: partners, wallets and refunds as the provider's documents describe them.
import type { z } from "zod";
import { ScaledDecimal } from "../../money/decimal.js";
import {
  SimulatorKnobs,
  type SimulatedProtocol,
  type SimulatorAnswer,
  type SimulatorFault,
  type SimulatorRequest,
} from "../simulator-knobs.js";
import {
  AUTH_FAILURE_ANSWER,
  SLOT_SPEC_PATHS,
  SLOT_SPEC_REASONS,
  SlotSpecFailureCode,
  UNKNOWN_PATH_HTTP_STATUS,
  UNREADABLE_REQUEST_CODE,
  WRONG_METHOD_HTTP_STATUS,
} from "./codes.js";
import {
  balanceRequest,
  infoRequest,
  refundRequest,
  type BalanceOkBody,
  type FailedBody,
  type InfoOkBody,
  type RefundOkBody,
} from "./wire.js";

export interface SlotSpecPartner {
  partnerId: string;
  token: string;
}

export interface SlotSpecSimulatorOptions {
  partners: SlotSpecPartner[];
  /** user -> currency -> decimal text, such as { tester: { USD: "100.0" } }. */
  wallets?: Record<string, Record<string, string>>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** How late the "slow" fault answers (default 10 s). */
  slowMs?: number;
}

export type RefundAnswerStyle = "uuid-upper-case" | "refusal-without-uuid" | "server-error";

export interface SimulatedDebit {
  uuid: string;
  userId: string;
  currency: string;
  amount: string;
}

export class SlotSpecSimulator {
  readonly url: string;

  private constructor(
    private readonly provider: SlotSpecProvider,
    private readonly knobs: SimulatorKnobs,
  ) {
    this.url = knobs.url;
  }

  static async start(options: SlotSpecSimulatorOptions): Promise<SlotSpecSimulator> {
    const provider = new SlotSpecProvider(options.partners);
    for (const [userId, wallet] of Object.entries(options.wallets ?? {})) {
      for (const [currency, amount] of Object.entries(wallet)) provider.setWallet(userId, currency, amount);
    }
    const knobs = await SimulatorKnobs.start(provider, { host: options.host, port: options.port, slowMs: options.slowMs });
    return new SlotSpecSimulator(provider, knobs);
  }

  /** Throws a RangeError unless `amount` is a decimal in plain notation; negative amounts are allowed, to test clients. */
  setWallet(userId: string, currency: string, amount: string): void {
    this.provider.setWallet(userId, currency, amount);
  }

  balanceOf(userId: string, currency: string): string | undefined {
    return this.provider.wallets.get(userId)?.get(currency)?.toString();
  }

  setLatency(ms: number): void {
    this.knobs.setLatency(ms);
  }

  /** With `userId`, only requests about that user meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, options: { userId?: string } = {}): Promise<void> {
    const { userId } = options;
    return this.knobs.setFault(fault, userId === undefined ? undefined : (request) => requestUserId(request) === userId);
  }

  calls(path?: string): number {
    return this.knobs.calls(path);
  }

  /** Answers every balance and info read Failed with `code` (1 Invalid Parameter, 3 Not Enough Balance), or stops. */
  setBusinessFailure(code: number | null): void {
    this.provider.businessFailure = code;
  }

  /** The refunds applied so far, each once, in the order applied. */
  debits(): readonly SimulatedDebit[] {
    return [...this.provider.debits];
  }

  resetCalls(): void {
    this.knobs.resetCalls();
  }

  /** Refund requests received with this uuid (any case). */
  sendsOf(uuid: string): number {
    return this.knobs.sendsOf(uuid.toLowerCase());
  }

  /** The most refund requests with this uuid open at once; over every uuid when absent. */
  mostOpenAtOnce(uuid?: string): number {
    return this.knobs.mostOpenAtOnce(uuid?.toLowerCase());
  }

  /**
   * How refund answers leave, the refund itself acted on as usual and remembered as the page describes:
   * "uuid-upper-case" echoes our uuid in upper case; "refusal-without-uuid" answers every refund with a
   * Failed answer that names no uuid (its own code if it was refused, else 3 Not Enough Balance, though it was applied);
   * "server-error" answers HTTP 500 after applying it.
   */
  setRefundAnswerStyle(style: RefundAnswerStyle | null): void {
    this.provider.refundAnswerStyle = style;
  }

  /** How long each answer since the last reset took while a latency was set, arrival to sending, in ms. */
  answerTimes(): number[] {
    return this.knobs.answerTimes();
  }

  stop(): Promise<void> {
    return this.knobs.stop();
  }
}

const PATHS: ReadonlySet<string> = new Set(Object.values(SLOT_SPEC_PATHS));

/** The provider's behaviour, apart from the knobs. */
class SlotSpecProvider implements SimulatedProtocol {
  readonly wallets = new Map<string, Map<string, ScaledDecimal>>();
  /** Refund answers by request uuid: a repeat is answered again, not applied again. */
  private readonly refunds = new Map<string, SimulatorAnswer>();
  /** Every refund applied, in order: the provider's own record, to compare a ledger with. */
  readonly debits: SimulatedDebit[] = [];
  /** When set, every read is answered Failed with this documented code (a business failure on demand). */
  businessFailure: number | null = null;
  refundAnswerStyle: RefundAnswerStyle | null = null;

  constructor(private readonly partners: readonly SlotSpecPartner[]) {}

  setWallet(userId: string, currency: string, amount: string): void {
    const value = ScaledDecimal.parse(amount);
    let wallet = this.wallets.get(userId);
    if (!wallet) {
      wallet = new Map();
      this.wallets.set(userId, wallet);
    }
    wallet.set(currency, value);
  }

  answer(request: SimulatorRequest): SimulatorAnswer {
    if (!PATHS.has(request.path)) return text(UNKNOWN_PATH_HTTP_STATUS, "Not Found");
    if (request.method !== "POST") return text(WRONG_METHOD_HTTP_STATUS, "Method Not Allowed");
    if (!this.authorised(request.query)) return this.authFailure();
    if (!isJson(request.headers["content-type"])) return failed(UNREADABLE_REQUEST_CODE);

    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return failed(UNREADABLE_REQUEST_CODE);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) return failed(UNREADABLE_REQUEST_CODE);
    const uuid = (body as { uuid?: unknown }).uuid;
    const echo = typeof uuid === "string" ? uuid : undefined;
    if (this.businessFailure !== null && request.path !== SLOT_SPEC_PATHS.refund) return failed(this.businessFailure, echo);

    switch (request.path) {
      case SLOT_SPEC_PATHS.balance:
        return this.balance(body, echo);
      case SLOT_SPEC_PATHS.info:
        return this.info(body, echo);
      default:
        return this.styled(this.refund(body, echo));
    }
  }

  requestKey(request: SimulatorRequest): string | undefined {
    if (request.path !== SLOT_SPEC_PATHS.refund) return undefined;
    try {
      const uuid = (JSON.parse(request.body) as { uuid?: unknown } | null)?.uuid;
      return typeof uuid === "string" ? uuid.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  }

  private styled(answer: SimulatorAnswer): SimulatorAnswer {
    if (this.refundAnswerStyle === null) return answer;
    if (this.refundAnswerStyle === "server-error") return text(500, "Internal Server Error");
    const body = JSON.parse(answer.body) as { status?: string; uuid?: string; code?: number };
    if (this.refundAnswerStyle === "uuid-upper-case") return json({ ...body, uuid: body.uuid?.toUpperCase() });
    const code = body.status === "Failed" && body.code !== undefined ? body.code : SlotSpecFailureCode.NOT_ENOUGH_BALANCE;
    return failed(code);
  }

  authFailure(): SimulatorAnswer {
    return { status: AUTH_FAILURE_ANSWER.httpStatus, body: JSON.stringify(AUTH_FAILURE_ANSWER.body) };
  }

  badShape(answer: SimulatorAnswer): SimulatorAnswer {
    return { ...answer, body: withBareDecimals(answer.body) };
  }

  private balance(body: object, echo: string | undefined): SimulatorAnswer {
    const request = valid(balanceRequest, body);
    if (!request) return failed(SlotSpecFailureCode.INVALID_PARAMETER, echo);
    const balance = this.wallets.get(request.id)?.get(request.currency);
    if (!balance) return failed(SlotSpecFailureCode.HAVE_NO_WALLET, request.uuid);
    return json<BalanceOkBody>({ status: "OK", uuid: request.uuid, balance: balance.toString() });
  }

  private info(body: object, echo: string | undefined): SimulatorAnswer {
    const request = valid(infoRequest, body);
    if (!request) return failed(SlotSpecFailureCode.INVALID_PARAMETER, echo);
    const wallets = this.wallets.get(request.id);
    if (!wallets || wallets.size === 0) return failed(SlotSpecFailureCode.HAVE_NO_WALLET, request.uuid);
    const wallet: Record<string, string> = {};
    for (const [currency, amount] of wallets) wallet[currency] = amount.toString();
    return json<InfoOkBody>({ status: "OK", uuid: request.uuid, wallet });
  }

  private refund(body: object, echo: string | undefined): SimulatorAnswer {
    const request = valid(refundRequest, body);
    if (!request) return failed(SlotSpecFailureCode.INVALID_PARAMETER, echo);
    const earlier = this.refunds.get(request.uuid);
    if (earlier) return earlier;

    const wallet = this.wallets.get(request.id);
    const balance = wallet?.get(request.currency);
    let answer: SimulatorAnswer;
    if (!wallet || !balance) {
      answer = failed(SlotSpecFailureCode.HAVE_NO_WALLET, request.uuid);
    } else {
      const amount = ScaledDecimal.parse(request.amount);
      if (amount.compare(balance) > 0) {
        answer = failed(SlotSpecFailureCode.NOT_ENOUGH_BALANCE, request.uuid);
      } else {
        const after = balance.minus(amount);
        wallet.set(request.currency, after);
        this.debits.push({ uuid: request.uuid, userId: request.id, currency: request.currency, amount: request.amount });
        answer = json<RefundOkBody>({
          status: "OK",
          uuid: request.uuid,
          currency: request.currency,
          amount: request.amount,
          balance: after.toString(),
        });
      }
    }
    this.refunds.set(request.uuid, answer);
    return answer;
  }

  private authorised(query: URLSearchParams): boolean {
    const partnerId = query.get("partner_id");
    const token = query.get("token");
    return this.partners.some((partner) => partner.partnerId === partnerId && partner.token === token);
  }
}

function valid<S extends z.ZodType>(schema: S, body: object): z.output<S> | undefined {
  const parsed = schema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

function json<T>(body: T): SimulatorAnswer {
  return { status: 200, body: JSON.stringify(body) };
}

function text(status: number, body: string): SimulatorAnswer {
  return { status, body, contentType: "text/plain" };
}

function failed(code: number, uuid?: string): SimulatorAnswer {
  const body: FailedBody = { status: "Failed", ...(uuid === undefined ? {} : { uuid }), code, reason: SLOT_SPEC_REASONS[code] ?? "Failed" };
  return json(body);
}

function requestUserId(request: SimulatorRequest): string | undefined {
  try {
    const body: unknown = JSON.parse(request.body);
    const id = (body as { id?: unknown } | null)?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

const DECIMAL_FIELDS = new Set(["balance", "amount"]);

/**
 * The likeliest way a partner strays from the page: decimal strings written as bare JSON numbers
 * (`"balance":100.0`). An answer with no decimal to rewrite loses its `status` instead.
 */
function withBareDecimals(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return '{"unexpected":true}';
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return '{"unexpected":true}';
  const record = parsed as Record<string, unknown>;
  let rewritten = false;
  // Built as text so that the decimals never pass through a JS number here either.
  const fields = Object.entries(record).map(([key, value]) => {
    if (DECIMAL_FIELDS.has(key) && typeof value === "string") {
      rewritten = true;
      return `${JSON.stringify(key)}:${value}`;
    }
    if (key === "wallet" && typeof value === "object" && value !== null) {
      rewritten = true;
      const inner = Object.entries(value as Record<string, unknown>).map(
        ([currency, amount]) => `${JSON.stringify(currency)}:${typeof amount === "string" ? amount : JSON.stringify(amount)}`,
      );
      return `${JSON.stringify(key)}:{${inner.join(",")}}`;
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  if (!rewritten) {
    const { status: _status, ...rest } = record;
    return JSON.stringify(rest);
  }
  return `{${fields.join(",")}}`;
}
