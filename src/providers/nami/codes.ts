// Responsible for the Nami Exchange protocol's constants: documented path, wallet types, asset ids and answers, and every inferred fact, in one place.
import type { ScaledDecimal } from "../../money/decimal.js";
import { FailureCode } from "../failure.js";

/* ------------------------------------------------------------------------------------------------
 * Documented (the provider's page; see docs/protocols/nami.md)
 * ---------------------------------------------------------------------------------------------- */

export const NAMI_BALANCE_PATH = "/api/v4/user/balance";

/** The header that carries the API key. */
export const API_KEY_HEADER = "x-api-key";

/** `type`: "The id of wallet (Spot = 0, Future = 2)". */
export const WALLET_TYPE_CODES = { spot: 0, futures: 2 } as const;
export type NamiWalletType = keyof typeof WALLET_TYPE_CODES;
export const NAMI_WALLET_TYPES: readonly NamiWalletType[] = ["spot", "futures"];

export function walletTypeOfCode(code: string | number): NamiWalletType | undefined {
  return NAMI_WALLET_TYPES.find((type) => String(WALLET_TYPE_CODES[type]) === String(code));
}

/** The success envelope's `status`. */
export const OK_STATUS = "ok";
/** The business-error envelope's `status`: `{"status":"BROKER_ERROR","code":<n>,"data":{...},"message":...}`. */
export const BROKER_ERROR_STATUS = "BROKER_ERROR";

/** The page's refusal, for a request without API key, signature or timestamp. */
export const MISSING_CREDENTIALS_ANSWER = {
  httpStatus: 401,
  body: { statusCode: 401, message: "Missing API key, signature, or timestamp", error: "Unauthorized" },
} as const;

/* ------------------------------------------------------------------------------------------------
 * INFERRED: no official page confirms these. Each is a decision; change it here and nowhere else.
 * ---------------------------------------------------------------------------------------------- */

/**
 * Asset id -> symbol, as seen on the provider's pages (1 NAMI, 9 BTC, 10 ETH, 22 USDT, 39 VNST);
 * 72 VNDC is INFERRED. The configuration may replace this map: it is only the default.
 */
export const DEFAULT_NAMI_ASSETS: Readonly<Record<string, string>> = {
  "1": "NAMI",
  "9": "BTC",
  "10": "ETH",
  "22": "USDT",
  "39": "VNST",
  "72": "VNDC",
};

/**
 * INFERRED (from the exchange's own front end): `value` is the total, `locked_value` the part on
 * hold, so available = value - locked_value. The one place that reading is written down.
 */
export function availableOf(value: ScaledDecimal, lockedValue: ScaledDecimal): ScaledDecimal {
  return value.minus(lockedValue);
}

/**
 * INFERRED: the page shows amounts as JSON numbers. A decimal string in their place ("12.5") is
 * read too, since exchanges switch amounts to strings for precision without notice; anything
 * else (a boolean, an exponent in a string) is a BAD_RESPONSE.
 */
export const AMOUNT_MAY_BE_DECIMAL_STRING = true;

/**
 * INFERRED: how far a request's `timestamp` (ms) may be from the provider's clock, either way.
 * Reported as "a few seconds to a minute". The simulator refuses beyond this with HTTP 401.
 */
export const TIMESTAMP_WINDOW_MS = 30_000;

/**
 * INFERRED: refusals other than the documented "Missing ..." one. The page tabs its refusal "400"
 * while its body says `statusCode: 401`; 401 is taken. The simulator answers HTTP 401 with
 * the same NestJS-style body and these messages; the client reads HTTP 401/403, or such a body with
 * `statusCode` 401/403 under any 4xx status, as refused credentials.
 */
export const UNAUTHORIZED_MESSAGES = {
  unknownKey: "Invalid API key",
  badSignature: "Invalid signature",
  staleTimestamp: "Timestamp is outside the recv window",
} as const;
export const AUTH_FAILURE_HTTP_STATUSES: ReadonlySet<number> = new Set([401, 403]);

/**
 * INFERRED: business errors come with HTTP 200 (the exchange's older v1 API: "All REST requests
 * will result in a 200 Ok response unless there is a server or infrastructure error"). The client
 * reads a BROKER_ERROR envelope under any non-5xx status, in case v4 sends it with a 4xx.
 */
export const BROKER_ERROR_HTTP_STATUS = 200;

/** INFERRED: the simulator's BROKER_ERROR for a `type` or `currency` the exchange does not know. */
export const INVALID_PARAMETER_ERROR = { code: 1, message: "Invalid parameter" } as const;

/** INFERRED: a `currency` the exchange does not list is answered with an empty `data`, not an error. */
export const UNKNOWN_CURRENCY_GIVES_EMPTY_DATA = true;

/** INFERRED: the signature must be lowercase hex, as the page's example and the test vector are. */
export const SIGNATURE_FORM = /^[0-9a-f]{64}$/;

/** INFERRED: an unknown path or a method other than GET gets NestJS's 404 ("Cannot POST /x"). */
export const NOT_FOUND_HTTP_STATUS = 404;

/**
 * INFERRED (no v4 limit is published; v1 allowed 60 calls a minute): HTTP 429 means "too many
 * calls, come back later", so it is read as a retryable upstream failure, not as a bad answer.
 */
export const RATE_LIMITED_HTTP_STATUS = 429;

/**
 * DECISION (no page speaks of it): a link whose `accountRef` has no API key in the configuration
 * cannot be read at all: it is reported with this code (we hold no credentials for it), without a call.
 */
export const UNCONFIGURED_ACCOUNT_FAILURE = FailureCode.AUTH_FAILED;
