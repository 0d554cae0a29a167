// Responsible for the SLOT_SPEC protocol's constants: documented paths, failure codes and limits, and every inferred fact, in one place.

/* ------------------------------------------------------------------------------------------------
 * Documented (the provider's pages; see docs/protocols/slot-spec.md)
 * ---------------------------------------------------------------------------------------------- */

export const SLOT_SPEC_PATHS = {
  balance: "/user/balance",
  /** Not on the two pages we hold, but on the same family's pages: every wallet of a user at once. */
  info: "/user/info",
  refund: "/user/refund",
} as const;

export type SlotSpecPath = (typeof SLOT_SPEC_PATHS)[keyof typeof SLOT_SPEC_PATHS];

/** Failure codes of a `{"status":"Failed"}` answer, as the family's pages list them. */
export const SlotSpecFailureCode = {
  INVALID_PARAMETER: 1,
  HAVE_NO_WALLET: 2,
  NOT_ENOUGH_BALANCE: 3,
} as const;

export const SLOT_SPEC_REASONS: Readonly<Record<number, string>> = {
  [SlotSpecFailureCode.INVALID_PARAMETER]: "Invalid Parameter",
  [SlotSpecFailureCode.HAVE_NO_WALLET]: "Have no Wallet",
  [SlotSpecFailureCode.NOT_ENOUGH_BALANCE]: "Not Enough Balance",
};

/** `id string(32)`. */
export const ID_MAX_LENGTH = 32;
/** `currency string(4)`: ISO 4217 codes are 3 letters, crypto tickers such as USDT take the 4th. */
export const CURRENCY_MAX_LENGTH = 4;
/** `uuid string(36)`: a uuid4 in its canonical text form. */
export const UUID_LENGTH = 36;
export const UUID_FORM = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/* ------------------------------------------------------------------------------------------------
 * INFERRED: no official page confirms these. Each is a decision; change it here and nowhere else.
 * ---------------------------------------------------------------------------------------------- */

/**
 * INFERRED: how a bad `partner_id` or `token` is answered. The pages are silent; we take the most
 * common shape among partner APIs of this kind: HTTP 401 with a Failed envelope whose `code` is
 * the HTTP status and which carries no `uuid` (credentials are checked before the body is read).
 * The simulator answers exactly this; the client reads any of `AUTH_FAILURE_HTTP_STATUSES`, or a
 * Failed answer with a code in `AUTH_FAILURE_CODES` even on HTTP 200, as refused credentials, so a
 * partner that chose the other plausible shape is still understood.
 */
export const AUTH_FAILURE_ANSWER = {
  httpStatus: 401,
  body: { status: "Failed", code: 401, reason: "Invalid partner_id or token" },
} as const;
export const AUTH_FAILURE_HTTP_STATUSES: ReadonlySet<number> = new Set([401, 403]);
export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([401, 403]);

/**
 * INFERRED: a Failed answer may lack `uuid` when the provider could not read one from the request
 * (bad credentials, body that is not JSON). A `uuid` that is present must still be ours. Set to
 * false to refuse a Failed answer without `uuid` as BAD_RESPONSE.
 */
export const FAILED_ANSWER_MAY_OMIT_UUID = true;

/**
 * INFERRED (from the later versions of this API, which say so for transaction ids): a repeated
 * refund `uuid` is applied once, and the answer first given is given again, whatever the other
 * fields of the (valid) repeat say. Answers of requests refused as invalid (code 1) are not remembered.
 * The simulator behaves so; the client sends the same uuid whenever it asks again about a refund.
 */
export const REPEATED_REFUND_UUID_ANSWERED_AGAIN = true;

/** INFERRED: an `id` must have at least one character (the page gives only the maximum). */
export const ID_MIN_LENGTH = 1;

/** INFERRED: the currency field takes 3 or 4 letters or digits ("string(4)", "ISO 4217 3-digit code"). */
export const CURRENCY_FORM = /^[A-Za-z0-9]{3,4}$/;

/**
 * INFERRED: a request without `Content-Type: application/json`, or whose body is not a JSON
 * object, is answered like any invalid parameter: HTTP 200, Failed code 1.
 */
export const UNREADABLE_REQUEST_CODE = SlotSpecFailureCode.INVALID_PARAMETER;

/** INFERRED: an unknown path is HTTP 404 and a method other than POST HTTP 405, plain text. */
export const UNKNOWN_PATH_HTTP_STATUS = 404;
export const WRONG_METHOD_HTTP_STATUS = 405;

/** A wallet id the protocol could never carry: no wallet can exist under it. */
export function isPossibleWalletId(id: string): boolean {
  return id.length >= ID_MIN_LENGTH && id.length <= ID_MAX_LENGTH;
}

/** A currency the protocol could never carry: no wallet can hold it. */
export function isPossibleCurrency(currency: string): boolean {
  return CURRENCY_FORM.test(currency);
}
