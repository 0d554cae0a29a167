// Responsible for a faithful AlphaSMS JSON API on loopback: accounts by API key, balance items answered one by one as the provider's page describes.
import { parse as parseLossless, stringify as stringifyLossless } from "lossless-json";
import { ScaledDecimal } from "../../money/decimal.js";
import {
  SimulatorBase,
  isContentType,
  requestField,
  requestObject,
  startKnobs,
  textAnswer,
  type SimulatorStartOptions,
} from "../kit/simulator.js";
import type { SimulatorKnobs, SimulatedProtocol, SimulatorAnswer, SimulatorFault, SimulatorRequest } from "../simulator-knobs.js";
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

interface AlphaSmsSimulatedAccount {
  apiKey: string;
  /** A JSON number as text, written exactly as given ("31.1683", "123456789012345678.12345678"). */
  amount: string;
  /** Default "UAH", the page's example. */
  currency?: string;
  /** Default "number". */
  amountAs?: AmountForm;
}

export interface AlphaSmsSimulatorOptions extends SimulatorStartOptions {
  accounts: AlphaSmsSimulatedAccount[];
}

/** A request the provider read past its checks: which key, and how many items its `data` array held. */
export interface ReceivedRequest {
  apiKey: string;
  items: number;
}

export class AlphaSmsSimulator extends SimulatorBase {
  private constructor(
    private readonly provider: AlphaSmsProvider,
    knobs: SimulatorKnobs,
  ) {
    super(knobs);
  }

  static async start(options: AlphaSmsSimulatorOptions): Promise<AlphaSmsSimulator> {
    const provider = new AlphaSmsProvider();
    for (const account of options.accounts) {
      provider.setBalance(account.apiKey, account.amount, { currency: account.currency, amountAs: account.amountAs });
    }
    const knobs = await startKnobs(provider, options);
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

  /** With `apiKey`, only requests carrying that key meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, options: { apiKey?: string } = {}): Promise<void> {
    const { apiKey } = options;
    return this.knobs.setFault(fault, apiKey === undefined ? undefined : (request) => requestField(request, "auth") === apiKey);
  }

  override resetCalls(): void {
    super.resetCalls();
    this.provider.received.length = 0;
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
    if (request.path !== ALPHASMS_PATH) return textAnswer(UNKNOWN_PATH_HTTP_STATUS, "Not Found");
    if (request.method !== "POST") return textAnswer(WRONG_METHOD_HTTP_STATUS, "Method Not Allowed");
    // "Otherwise, the request will be considered invalid even if it has valid JSON": checked before anything else.
    if (!isContentType(request.headers["content-type"], REQUIRED_CONTENT_TYPE)) return envelopeError(INVALID_REQUEST_ERROR);

    const body = requestObject(request);
    if (!body) return envelopeError(INVALID_REQUEST_ERROR);
    const auth = body.auth;
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
