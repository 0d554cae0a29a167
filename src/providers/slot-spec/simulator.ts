// Responsible for a faithful SLOT_SPEC provider on loopback: partners, wallets and refunds as the provider's documents describe them.
import type { z } from "zod";
import { ScaledDecimal } from "../../money/decimal.js";
import {
  SimulatorBase,
  isContentType,
  jsonAnswer,
  requestField,
  requestObject,
  startKnobs,
  textAnswer,
  type SimulatorStartOptions,
} from "../kit/simulator.js";
import type { SimulatorKnobs, SimulatedProtocol, SimulatorAnswer, SimulatorFault, SimulatorRequest } from "../simulator-knobs.js";
import {
  AUTH_FAILURE_ANSWER,
  REPEATED_REFUND_UUID_ANSWERED_AGAIN,
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

interface SlotSpecPartner {
  partnerId: string;
  token: string;
}

export interface SlotSpecSimulatorOptions extends SimulatorStartOptions {
  partners: SlotSpecPartner[];
  /** user -> currency -> decimal text, such as { tester: { USD: "100.0" } }. */
  wallets?: Record<string, Record<string, string>>;
}

export type RefundAnswerStyle = "uuid-upper-case" | "refusal-without-uuid" | "server-error";

export interface SimulatedDebit {
  uuid: string;
  userId: string;
  currency: string;
  amount: string;
}

export class SlotSpecSimulator extends SimulatorBase {
  private constructor(
    private readonly provider: SlotSpecProvider,
    knobs: SimulatorKnobs,
  ) {
    super(knobs);
  }

  static async start(options: SlotSpecSimulatorOptions): Promise<SlotSpecSimulator> {
    const provider = new SlotSpecProvider(options.partners);
    for (const [userId, wallet] of Object.entries(options.wallets ?? {})) {
      for (const [currency, amount] of Object.entries(wallet)) provider.setWallet(userId, currency, amount);
    }
    const knobs = await startKnobs(provider, options);
    return new SlotSpecSimulator(provider, knobs);
  }

  /** Throws a RangeError unless `amount` is a decimal in plain notation; negative amounts are allowed, to test clients. */
  setWallet(userId: string, currency: string, amount: string): void {
    this.provider.setWallet(userId, currency, amount);
  }

  balanceOf(userId: string, currency: string): string | undefined {
    return this.provider.wallets.get(userId)?.get(currency)?.toString();
  }

  /** With `userId`, only requests about that user meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, options: { userId?: string } = {}): Promise<void> {
    const { userId } = options;
    return this.knobs.setFault(fault, userId === undefined ? undefined : (request) => requestField(request, "id") === userId);
  }

  /** Answers every balance and info read Failed with `code` (1 Invalid Parameter, 3 Not Enough Balance), or stops. */
  setBusinessFailure(code: number | null): void {
    this.provider.businessFailure = code;
  }

  /** The refunds applied so far, each once, in the order applied. */
  debits(): readonly SimulatedDebit[] {
    return [...this.provider.debits];
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
    if (!PATHS.has(request.path)) return textAnswer(UNKNOWN_PATH_HTTP_STATUS, "Not Found");
    if (request.method !== "POST") return textAnswer(WRONG_METHOD_HTTP_STATUS, "Method Not Allowed");
    if (!this.authorised(request.query)) return this.authFailure();
    if (!isContentType(request.headers["content-type"])) return failed(UNREADABLE_REQUEST_CODE);

    const body = requestObject(request);
    if (!body) return failed(UNREADABLE_REQUEST_CODE);
    const uuid = body.uuid;
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
    return requestField(request, "uuid")?.toLowerCase();
  }

  private styled(answer: SimulatorAnswer): SimulatorAnswer {
    if (this.refundAnswerStyle === null) return answer;
    if (this.refundAnswerStyle === "server-error") return textAnswer(500, "Internal Server Error");
    const body = JSON.parse(answer.body) as { status?: string; uuid?: string; code?: number };
    if (this.refundAnswerStyle === "uuid-upper-case") return jsonAnswer({ ...body, uuid: body.uuid?.toUpperCase() });
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
    return jsonAnswer<BalanceOkBody>({ status: "OK", uuid: request.uuid, balance: balance.toString() });
  }

  private info(body: object, echo: string | undefined): SimulatorAnswer {
    const request = valid(infoRequest, body);
    if (!request) return failed(SlotSpecFailureCode.INVALID_PARAMETER, echo);
    const wallets = this.wallets.get(request.id);
    if (!wallets || wallets.size === 0) return failed(SlotSpecFailureCode.HAVE_NO_WALLET, request.uuid);
    const wallet: Record<string, string> = {};
    for (const [currency, amount] of wallets) wallet[currency] = amount.toString();
    return jsonAnswer<InfoOkBody>({ status: "OK", uuid: request.uuid, wallet });
  }

  private refund(body: object, echo: string | undefined): SimulatorAnswer {
    const request = valid(refundRequest, body);
    if (!request) return failed(SlotSpecFailureCode.INVALID_PARAMETER, echo);
    // REPEATED_REFUND_UUID_ANSWERED_AGAIN: a repeat is given the first answer and moves nothing; else it is judged anew.
    const earlier = REPEATED_REFUND_UUID_ANSWERED_AGAIN ? this.refunds.get(request.uuid) : undefined;
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
        answer = jsonAnswer<RefundOkBody>({
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

function failed(code: number, uuid?: string): SimulatorAnswer {
  const body: FailedBody = { status: "Failed", ...(uuid === undefined ? {} : { uuid }), code, reason: SLOT_SPEC_REASONS[code] ?? "Failed" };
  return jsonAnswer(body);
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
