// Responsible for a faithful AlphaSMS JSON API on loopback: accounts by API key, balance items answered one by one as the provider's page describes.
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { ScaledDecimal } from "../../money/decimal.js";
import {
  SimulatorKnobs,
  type SimulatedProtocol,
  type SimulatorAnswer,
  type SimulatorFault,
  type SimulatorRequest,
} from "../simulator-knobs.js";
import {
  ACCESS_DENIED_ERROR,
  ALPHASMS_PATH,
  BALANCE_ITEM_TYPE,
  DEFAULT_CURRENCY,
  INVALID_REQUEST_ERROR,
  REQUIRED_CONTENT_TYPE,
  UNKNOWN_ITEM_TYPE_ERROR,
  UNKNOWN_PATH_HTTP_STATUS,
  WRONG_METHOD_HTTP_STATUS,
} from "./codes.js";
import { jsonApiRequest } from "./wire.js";

/** How the simulator writes an account's `amount`: a JSON number as documented, or a decimal string. */
export type AmountForm = "number" | "string";

export interface AlphaSmsSimulatedAccount {
  apiKey: string;
  /** A JSON number as text, written exactly as given ("31.1683", "123456789012345678.12345678"). */
  amount: string;
  /** Default "UAH", the page's example. */
  currency?: string;
  /** Default "number". */
  amountAs?: AmountForm;
}

export interface AlphaSmsSimulatorOptions {
  accounts: AlphaSmsSimulatedAccount[];
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** How late the "slow" fault answers (default 10 s). */
  slowMs?: number;
}

/** A request the provider read past its checks: which key, and how many items its `data` array held. */
export interface ReceivedRequest {
  apiKey: string;
  items: number;
}

export class AlphaSmsSimulator {
  readonly url: string;

  private constructor(
    private readonly provider: AlphaSmsProvider,
    private readonly knobs: SimulatorKnobs,
  ) {
    this.url = knobs.url;
  }

  static async start(options: AlphaSmsSimulatorOptions): Promise<AlphaSmsSimulator> {
    const provider = new AlphaSmsProvider();
    for (const account of options.accounts) {
      provider.setBalance(account.apiKey, account.amount, { currency: account.currency, amountAs: account.amountAs });
    }
    const knobs = await SimulatorKnobs.start(provider, { host: options.host, port: options.port, slowMs: options.slowMs });
    return new AlphaSmsSimulator(provider, knobs);
  }

  /**
   * Sets the balance of the account with this key (creating the account if new). `amount` must be
   * a JSON number as text, else a RangeError; the currency is kept when not given.
   */
  setBalance(apiKey: string, amount: string, options: { currency?: string; amountAs?: AmountForm } = {}): void {
    this.provider.setBalance(apiKey, amount, options);
  }

  balanceOf(apiKey: string): { amount: string; currency: string } | undefined {
    const account = this.provider.accounts.get(apiKey);
    return account && { amount: account.amount, currency: account.currency };
  }

  /** While set, every balance item under this key is answered `{"success":false,"error":<error>}`. */
  setItemError(apiKey: string, error: string | null): void {
    const account = this.provider.accounts.get(apiKey);
    if (!account) throw new Error("no account has this API key");
    account.itemError = error;
  }

  /** Requests that reached the items (content type, body and key accepted), in order of arrival. */
  received(): readonly ReceivedRequest[] {
    return [...this.provider.received];
  }

  setLatency(ms: number): void {
    this.knobs.setLatency(ms);
  }

  /** With `apiKey`, only requests carrying that key meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, options: { apiKey?: string } = {}): Promise<void> {
    const { apiKey } = options;
    return this.knobs.setFault(fault, apiKey === undefined ? undefined : (request) => requestApiKey(request) === apiKey);
  }

  /** Requests received, by path ("/api/json.php"), or all of them, faults included. */
  calls(path?: string): number {
    return this.knobs.calls(path);
  }

  resetCalls(): void {
    this.knobs.resetCalls();
    this.provider.received.length = 0;
  }

  /** How long each answer since the last reset took while a latency was set, arrival to sending, in ms. */
  answerTimes(): number[] {
    return this.knobs.answerTimes();
  }

  stop(): Promise<void> {
    return this.knobs.stop();
  }
}

interface SimulatedAccount {
  amount: string;
  currency: string;
  amountAs: AmountForm;
  itemError: string | null;
}

/** The provider's behaviour, apart from the knobs. */
class AlphaSmsProvider implements SimulatedProtocol {
  readonly accounts = new Map<string, SimulatedAccount>();
  readonly received: ReceivedRequest[] = [];

  setBalance(apiKey: string, amount: string, options: { currency?: string; amountAs?: AmountForm }): void {
    // Validates without keeping the result: the text itself is what the provider writes.
    ScaledDecimal.fromJsonNumberText(amount);
    const existing = this.accounts.get(apiKey);
    this.accounts.set(apiKey, {
      amount,
      currency: options.currency ?? existing?.currency ?? DEFAULT_CURRENCY,
      amountAs: options.amountAs ?? existing?.amountAs ?? "number",
      itemError: existing?.itemError ?? null,
    });
  }

  answer(request: SimulatorRequest): SimulatorAnswer {
    if (request.path !== ALPHASMS_PATH) return text(UNKNOWN_PATH_HTTP_STATUS, "Not Found");
    if (request.method !== "POST") return text(WRONG_METHOD_HTTP_STATUS, "Method Not Allowed");
    // "Otherwise, the request will be considered invalid even if it has valid JSON": checked before anything else.
    if (!isJson(request.headers["content-type"])) return envelopeError(INVALID_REQUEST_ERROR);

    let body: unknown;
    try {
      // Requests carry no amounts: nothing here can lose digits.
      body = JSON.parse(request.body);
    } catch {
      return envelopeError(INVALID_REQUEST_ERROR);
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) return envelopeError(INVALID_REQUEST_ERROR);
    const auth = (body as { auth?: unknown }).auth;
    const account = typeof auth === "string" ? this.accounts.get(auth) : undefined;
    if (typeof auth !== "string" || !account) return this.authFailure();
    const parsed = jsonApiRequest.safeParse(body);
    if (!parsed.success) return envelopeError(INVALID_REQUEST_ERROR);

    this.received.push({ apiKey: auth, items: parsed.data.data.length });
    const items = parsed.data.data.map((item) => {
      if (item.type !== BALANCE_ITEM_TYPE) return itemError(UNKNOWN_ITEM_TYPE_ERROR);
      if (account.itemError !== null) return itemError(account.itemError);
      return balanceItem(account);
    });
    // Built as text so that each amount leaves exactly as it was set, never through a JS number.
    return { status: 200, body: `{"success":true,"data":[${items.join(",")}]}` };
  }

  authFailure(): SimulatorAnswer {
    return envelopeError(ACCESS_DENIED_ERROR);
  }

  /**
   * A plausible way a PHP API strays from its page: `data` written as an object keyed by position
   * (`{"0":{...}}`) rather than an array. An answer without `data` loses its `success` flag instead.
   */
  badShape(answer: SimulatorAnswer): SimulatorAnswer {
    let parsed: unknown;
    try {
      parsed = parseLossless(answer.body);
    } catch {
      return { ...answer, body: '{"unexpected":true}' };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ...answer, body: '{"unexpected":true}' };
    const record = parsed as Record<string, unknown>;
    if (Array.isArray(record.data)) {
      const data = Object.fromEntries(record.data.map((item, index) => [String(index), item]));
      return { ...answer, body: stringifyLossless({ ...record, data }) ?? "{}" };
    }
    const { success: _success, ...rest } = record;
    return { ...answer, body: stringifyLossless(rest) ?? "{}" };
  }
}

function balanceItem(account: SimulatedAccount): string {
  const amount = account.amountAs === "string" ? JSON.stringify(account.amount) : account.amount;
  return `{"success":true,"data":{"amount":${amount},"currency":${JSON.stringify(account.currency)}}}`;
}

function itemError(error: string): string {
  return JSON.stringify({ success: false, error });
}

function envelopeError(error: string): SimulatorAnswer {
  return { status: 200, body: JSON.stringify({ success: false, error }) };
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === REQUIRED_CONTENT_TYPE;
}

function text(status: number, body: string): SimulatorAnswer {
  return { status, body, contentType: "text/plain" };
}

function requestApiKey(request: SimulatorRequest): string | undefined {
  try {
    const body: unknown = JSON.parse(request.body);
    const auth = (body as { auth?: unknown } | null)?.auth;
    return typeof auth === "string" ? auth : undefined;
  } catch {
    return undefined;
  }
}
