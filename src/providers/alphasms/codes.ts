// Responsible for the AlphaSMS JSON API's constants: the documented path, item type and error text, and every inferred fact, in one place.
import { FailureCode } from "../failure.js";

/* ------------------------------------------------------------------------------------------------
 * Documented (the provider's balance page; see docs/protocols/alphasms.md)
 * ---------------------------------------------------------------------------------------------- */

/** Every request of the JSON API goes to this one path, by POST. */
export const ALPHASMS_PATH = "/api/json.php";

/** The request object of a balance check: `{"type":"balance"}` in the `data` array. */
export const BALANCE_ITEM_TYPE = "balance";

/** "Requests must contain header Content-Type: application/json, otherwise [...] considered invalid even if it has valid JSON". */
export const REQUIRED_CONTENT_TYPE = "application/json";

/** The page's one error example: the whole envelope refused because of the API key, with HTTP 200. */
export const ACCESS_DENIED_ERROR = "Access denied";

/* ------------------------------------------------------------------------------------------------
 * INFERRED: no official page confirms these. Each is a decision; change it here and nowhere else.
 * ---------------------------------------------------------------------------------------------- */

/**
 * INFERRED: which envelope `error` texts mean "your API key is refused" (AUTH_FAILED). Only the
 * page's "Access denied" is known; compared trimmed and case-insensitively. Any other envelope
 * error is a business refusal (REJECTED, the text as providerCode), and so is every item error.
 */
const AUTH_ERROR_TEXTS: ReadonlySet<string> = new Set([ACCESS_DENIED_ERROR.toLowerCase()]);

/**
 * INFERRED: the provider answers every error with HTTP 200, as the page shows; a 401 or 403 that
 * an intermediary (a WAF, a gateway) might send is still read as refused credentials.
 */
export const AUTH_FAILURE_HTTP_STATUSES: ReadonlySet<number> = new Set([401, 403]);

/**
 * INFERRED: the page's response table types `success` as "integer" while both examples carry
 * `true`/`false`: the client takes a boolean or the integers 1 and 0. The simulator writes booleans.
 */
export const SUCCESS_FLAG_MAY_BE_INTEGER = true;

/**
 * INFERRED: `amount` is documented as a JSON number (and the simulator writes one by default). A
 * PHP API may hand back a decimal column as a string ("31.1683"); such a string is exact too, so
 * the client takes it when it is a decimal in plain notation. Set to false to refuse it as BAD_RESPONSE.
 */
export const AMOUNT_MAY_BE_DECIMAL_STRING = true;

/**
 * DECISION: the page only says "current balance status". A wallet distrusts its providers: a
 * negative amount is a bad answer (BAD_RESPONSE), not money, as for every other protocol.
 */
export const NEGATIVE_AMOUNT_ACCEPTED = false;

/**
 * INFERRED (not published): no limit on items per request is documented; 50 per call is our
 * default (config `maxItemsPerCall`), far above what one DataLoader batch usually needs.
 */
export const DEFAULT_MAX_ITEMS_PER_CALL = 50;

/**
 * DECISION: one `{"type":"balance"}` item per distinct linked account of the batch (every query of
 * that account shares its item), grouped by the account's API key. Items sent under one key are
 * identical, but each account gets its own position so that an item error or a short answer is
 * that account's, and so that the count per call follows the batch, split by `maxItemsPerCall`.
 * Set to false to send one item per API key, whose result every account of that key shares.
 */
export const ONE_ITEM_PER_ACCOUNT = true;

/**
 * DECISION: results are matched to accounts only by position, so an answer with another number of
 * results than items sent, or with any result not of the documented shape, is not trusted for any
 * position: every account of that call gets BAD_RESPONSE. Set to false to judge each position
 * alone: a missing or stray result fails only the account at that position.
 */
export const WHOLE_CALL_FAILS_ON_BAD_ITEM = true;

/**
 * DECISION: a link whose accountRef names no configured account cannot be read (we hold no API
 * key for it): its queries get this failure code, not retryable, and no call is made.
 */
export const UNCONFIGURED_ACCOUNT_FAILURE = FailureCode.REJECTED;

/**
 * INFERRED (simulator): how the provider answers a request it cannot read: no
 * `Content-Type: application/json`, a body that is not a JSON object, or `data` missing, empty or
 * not an array of objects. HTTP 200 with an envelope error, like its other errors; checked before the key.
 */
export const INVALID_REQUEST_ERROR = "Invalid request";

/**
 * INFERRED (simulator): an item whose `type` the simulator does not serve (anything but "balance";
 * the provider's "sms", "viber" and "status" are not simulated) gets this item error.
 */
export const UNKNOWN_ITEM_TYPE_ERROR = "Unknown request type";

/** INFERRED (simulator): the currency of an account when a test does not name one (the page's example). */
export const DEFAULT_CURRENCY = "UAH";

/** INFERRED (simulator): an unknown path is HTTP 404 and a method other than POST HTTP 405, plain text. */
export const UNKNOWN_PATH_HTTP_STATUS = 404;
export const WRONG_METHOD_HTTP_STATUS = 405;

/** The provider's error text is shown to API users: long texts are cut. */
export const ERROR_TEXT_MAX_LENGTH = 200;

export function isAuthErrorText(error: string): boolean {
  return AUTH_ERROR_TEXTS.has(error.trim().toLowerCase());
}
