// Responsible for a faithful Nami Exchange on loopback: API keys, signed balance reads of spot and futures wallets, and the exchange's refusals, as its documents describe them.
import { SimulatorBase, startKnobs, type SimulatorStartOptions } from "../kit/simulator.js";
import type { SimulatorKnobs, SimulatedProtocol, SimulatorAnswer, SimulatorFault, SimulatorRequest } from "../simulator-knobs.js";
import {
  API_KEY_HEADER,
  BROKER_ERROR_HTTP_STATUS,
  DEFAULT_NAMI_ASSETS,
  INVALID_PARAMETER_ERROR,
  MISSING_CREDENTIALS_ANSWER,
  NAMI_BALANCE_PATH,
  NOT_FOUND_HTTP_STATUS,
  TIMESTAMP_WINDOW_MS,
  UNAUTHORIZED_MESSAGES,
  UNKNOWN_CURRENCY_GIVES_EMPTY_DATA,
  WALLET_TYPE_CODES,
  walletTypeOfCode,
  type NamiWalletType,
} from "./codes.js";
import { verifySignature } from "./signature.js";
import { ASSET_ID_FORM, isJsonNumberText, writeBalanceOk, writeBrokerError, writeNestError, type WrittenEntry } from "./wire.js";

/** One asset's holding, amounts as JSON number text ("1234.56789012", "1e-7"): written out exactly as given. */
interface NamiHolding {
  value: string;
  /** Default "0". */
  locked?: string;
}

/** Asset id -> holding; a bare string is a holding with nothing locked. */
type NamiWalletContents = Record<string, string | NamiHolding>;

interface NamiSimulatedAccount {
  apiKey: string;
  apiSecret: string;
  spot?: NamiWalletContents;
  futures?: NamiWalletContents;
}

/** A business error the exchange answers for one account, such as an API key without wallet permission. */
export interface NamiBusinessError {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

export interface NamiSimulatorOptions extends SimulatorStartOptions {
  accounts: NamiSimulatedAccount[];
  /**
   * The asset ids the exchange supports: every wallet lists each of them, at zero when not held, as
   * the page's example does. Default: the ids of the provider's pages (1, 9, 10, 22, 39, 72).
   */
  listedAssets?: string[];
  /** How far a request's timestamp may be from this server's clock (default TIMESTAMP_WINDOW_MS, inferred). */
  timestampWindowMs?: number;
}

/** Which requests a scoped fault meets. */
export interface NamiFaultScope {
  apiKey?: string;
  walletType?: NamiWalletType;
}

export class NamiSimulator extends SimulatorBase {
  private constructor(
    private readonly exchange: NamiExchange,
    knobs: SimulatorKnobs,
  ) {
    super(knobs);
  }

  static async start(options: NamiSimulatorOptions): Promise<NamiSimulator> {
    const exchange = new NamiExchange(
      options.listedAssets ?? Object.keys(DEFAULT_NAMI_ASSETS),
      options.timestampWindowMs ?? TIMESTAMP_WINDOW_MS,
    );
    for (const account of options.accounts) exchange.addAccount(account);
    const knobs = await startKnobs(exchange, options);
    return new NamiSimulator(exchange, knobs);
  }

  /**
   * Sets one asset of one wallet. Amounts are JSON number text, kept as given (a RangeError
   * otherwise); negative amounts, or more locked than held, are allowed, to test clients.
   */
  setBalance(apiKey: string, walletType: NamiWalletType, assetId: string, value: string, locked = "0"): void {
    this.exchange.account(apiKey).set(walletType, assetId, { value, locked });
  }

  /** Empties a wallet: its listed assets go back to zero, the others disappear. */
  clearWallet(apiKey: string, walletType: NamiWalletType): void {
    this.exchange.account(apiKey).wallets[walletType].clear();
  }

  balanceOf(apiKey: string, walletType: NamiWalletType, assetId: string): { value: string; locked: string } | undefined {
    const holding = this.exchange.account(apiKey).wallets[walletType].get(assetId);
    return holding ? { ...holding } : undefined;
  }

  /** From now on, every read by this account is answered with this BROKER_ERROR; `null` lifts it. */
  setBusinessError(apiKey: string, error: NamiBusinessError | null): void {
    this.exchange.account(apiKey).businessError = error;
  }

  /** Test knob, not the page's behaviour: writes amounts as JSON strings of the same digits. */
  setAmountsAsStrings(asStrings: boolean): void {
    this.exchange.amountsAsStrings = asStrings;
  }

  /** With a scope, only requests of that API key and/or wallet type meet the fault (not for "refuse", which takes the whole port). */
  setFault(fault: SimulatorFault | null, scope: NamiFaultScope = {}): Promise<void> {
    const { apiKey, walletType } = scope;
    if (apiKey === undefined && walletType === undefined) return this.knobs.setFault(fault);
    return this.knobs.setFault(fault, (request) => {
      if (apiKey !== undefined && headerValue(request, API_KEY_HEADER) !== apiKey) return false;
      if (walletType !== undefined && walletTypeOfCode(request.query.get("type") ?? "") !== walletType) return false;
      return true;
    });
  }
}

interface Holding {
  value: string;
  locked: string;
}

class SimulatedAccount {
  readonly wallets: Record<NamiWalletType, Map<string, Holding>> = { spot: new Map(), futures: new Map() };
  businessError: NamiBusinessError | null = null;

  constructor(readonly apiSecret: string) {}

  set(walletType: NamiWalletType, assetId: string, holding: Holding): void {
    if (!ASSET_ID_FORM.test(assetId)) throw new RangeError(`not an asset id: ${JSON.stringify(assetId)}`);
    for (const text of [holding.value, holding.locked]) {
      if (!isJsonNumberText(text)) throw new RangeError(`not a JSON number: ${JSON.stringify(text)}`);
    }
    this.wallets[walletType].set(assetId, { ...holding });
  }
}

/** The exchange's behaviour, apart from the knobs. */
class NamiExchange implements SimulatedProtocol {
  private readonly accounts = new Map<string, SimulatedAccount>();
  amountsAsStrings = false;

  constructor(
    private readonly listedAssets: readonly string[],
    private readonly timestampWindowMs: number,
  ) {
    for (const assetId of listedAssets) {
      if (!ASSET_ID_FORM.test(assetId)) throw new RangeError(`not an asset id: ${JSON.stringify(assetId)}`);
    }
  }

  addAccount(options: NamiSimulatedAccount): void {
    const account = new SimulatedAccount(options.apiSecret);
    for (const walletType of ["spot", "futures"] as const) {
      for (const [assetId, holding] of Object.entries(options[walletType] ?? {})) {
        account.set(
          walletType,
          assetId,
          typeof holding === "string" ? { value: holding, locked: "0" } : { value: holding.value, locked: holding.locked ?? "0" },
        );
      }
    }
    this.accounts.set(options.apiKey, account);
  }

  account(apiKey: string): SimulatedAccount {
    const account = this.accounts.get(apiKey);
    if (!account) throw new Error(`no simulated account has the API key ${JSON.stringify(apiKey)}`);
    return account;
  }

  answer(request: SimulatorRequest): SimulatorAnswer {
    if (request.path !== NAMI_BALANCE_PATH || request.method !== "GET") {
      return nestError(NOT_FOUND_HTTP_STATUS, `Cannot ${request.method} ${request.path}`, "Not Found");
    }
    const apiKey = headerValue(request, API_KEY_HEADER);
    const signature = request.query.get("signature");
    const timestamp = request.query.get("timestamp");
    if (!apiKey || !signature || !timestamp) return this.authFailure();

    const account = this.accounts.get(apiKey);
    if (!account) return unauthorized(UNAUTHORIZED_MESSAGES.unknownKey);
    if (!/^\d{1,16}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > this.timestampWindowMs) {
      return unauthorized(UNAUTHORIZED_MESSAGES.staleTimestamp);
    }
    if (!verifySignature(account.apiSecret, request.query, signature)) return unauthorized(UNAUTHORIZED_MESSAGES.badSignature);

    const walletType = walletTypeOfCode(request.query.get("type") ?? "");
    if (walletType === undefined) return brokerError(INVALID_PARAMETER_ERROR);
    const currency = request.query.get("currency");
    if (currency !== null && !ASSET_ID_FORM.test(currency)) return brokerError(INVALID_PARAMETER_ERROR);
    if (account.businessError) return brokerError(account.businessError);

    let entries = this.entriesOf(account, walletType);
    if (currency !== null) {
      const assetId = currency.replace(/^0+(?=\d)/, "");
      entries = entries.filter((entry) => entry.assetId === assetId);
      if (entries.length === 0 && !UNKNOWN_CURRENCY_GIVES_EMPTY_DATA) return brokerError(INVALID_PARAMETER_ERROR);
    }
    return { status: 200, body: writeBalanceOk(entries, { asStrings: this.amountsAsStrings }) };
  }

  authFailure(): SimulatorAnswer {
    const { httpStatus, body } = MISSING_CREDENTIALS_ANSWER;
    return { status: httpStatus, body: writeNestError(body.statusCode, body.message, body.error) };
  }

  /** The likeliest drift of an exchange API: fields renamed (`value` -> `total`, `locked_value` -> `locked`), valid JSON still. */
  badShape(answer: SimulatorAnswer): SimulatorAnswer {
    if (answer.status !== 200 || !answer.body.includes('"value":')) return { ...answer, body: '{"status":"ok","data":"unavailable"}' };
    return { ...answer, body: answer.body.replaceAll('"locked_value":', '"locked":').replaceAll('"value":', '"total":') };
  }

  /** Every listed asset (zero when not held), then those held beyond the list, in id order as the exchange's JSON object keys are. */
  private entriesOf(account: SimulatedAccount, walletType: NamiWalletType): WrittenEntry[] {
    const wallet = account.wallets[walletType];
    const ids = [...new Set([...this.listedAssets, ...wallet.keys()])].sort(byAssetId);
    return ids.map((assetId) => {
      const holding = wallet.get(assetId) ?? { value: "0", locked: "0" };
      // Each asset's `type` echoes the wallet type asked, as the page's spot example does (the client only checks its shape).
      return { assetId, value: holding.value, lockedValue: holding.locked, type: WALLET_TYPE_CODES[walletType] };
    });
  }
}

function byAssetId(a: string, b: string): number {
  // Ids are digit strings: compare as integers without turning them into JS numbers of unbounded size.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function headerValue(request: SimulatorRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function nestError(status: number, message: string, error: string): SimulatorAnswer {
  return { status, body: writeNestError(status, message, error) };
}

function unauthorized(message: string): SimulatorAnswer {
  return nestError(401, message, "Unauthorized");
}

function brokerError(error: NamiBusinessError): SimulatorAnswer {
  return { status: BROKER_ERROR_HTTP_STATUS, body: writeBrokerError(error.code, error.message, error.data) };
}
