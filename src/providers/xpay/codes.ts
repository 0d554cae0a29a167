// Responsible for the XPAY protocol's constants (operation 40003): documented codes and forms, and every inferred fact or assumption, in one place.
import { FailureCode } from "../failure.js";

/* ------------------------------------------------------------------------------------------------
 * Documented (the provider's page for operation 40003; see docs/protocols/xpay.md)
 * ---------------------------------------------------------------------------------------------- */

/** "Get Balance of Payment Instrument". */
export const OPERATION_GET_BALANCE = 40003;

/** `Code` of an answer: 200 for an operation that ran ("done" or "fail"), 102 when an OTP step is needed. */
export const XpayCode = {
  OK: 200,
  NEED_ACS: 102,
} as const;

/** `Message` of an answer with `Code` 200 (and of the 102 answer). */
export const XpayMessage = {
  DONE: "done",
  FAIL: "fail",
  NEED_ACS: "needACS",
} as const;

/** `OperationStatus` of a failed operation's `Data`: 10 = completed, 21 = failed. */
export const OperationStatus = {
  COMPLETED: 10,
  FAILED: 21,
} as const;

/** `Sum` is an integer number of kopecks: 1 UAH => 100, so an amount has 2 decimals. */
export const SUM_SCALE = 2;

/** AES-128 in CBC mode with PKCS#7 padding; its key and block are 16 bytes. */
export const AES_KEY_BYTES = 16;
export const AES_BLOCK_BYTES = 16;

/** Keys are RSA 2048 in PEM. A longer RSA key works the same, so only shorter ones are refused. */
export const RSA_MIN_MODULUS_BITS = 2048;

/**
 * `Phone`: the page's text says "380xxxxxxxxxxxx" but its example and every other page carry 12
 * digits (`380679335544`): 380 followed by 9 digits, which is the Ukrainian number length.
 */
export const PHONE_FORM = /^380\d{9}$/;

/**
 * DECISION: account links may hold the phone in E.164 with its "+" (the link service allows it):
 * the client sends it without the "+", the form XPAY asks for.
 */
export function xpayPhone(linked: string): string {
  return linked.startsWith("+") ? linked.slice(1) : linked;
}

/* ------------------------------------------------------------------------------------------------
 * INFERRED or ASSUMED: no official page confirms these. Each is a decision; change it here and
 * nowhere else.
 * ---------------------------------------------------------------------------------------------- */

/**
 * INFERRED (from a public third-party client; the official page on encryption was not found): the
 * random 16-byte IV is used as the CBC IV *and* put in front of the plaintext. A receiver cannot
 * know the IV, but needs none: it decrypts with any IV (we use zeros), which garbles only the first
 * block, and drops that block. The same client does exactly this (it even passes the first 16
 * characters of the base64 text as IV). So whatever IV a sender used, we read its Data.
 */
export const RECEIVER_IV = Buffer.alloc(AES_BLOCK_BYTES, 0);

/**
 * INFERRED: an encrypted answer carries `KeyAES` and `Sign` at the top level, next to `Code`,
 * `Message` and `Data` (the page's examples show them there, empty), and `Data.EncodedData` is
 * the same JSON text `Data.DecodedData` would be, encrypted. `KeyAES` is encrypted with the
 * partner's public key and `Sign` is XPAY's signature over those encrypted-key bytes. Set to false
 * to read (and simulate) them inside `Data`, beside `EncodedData`.
 */
export const ENCODED_ANSWER_KEYS_AT_TOP_LEVEL = true;

/**
 * INFERRED: how refused credentials are answered: an unknown `PartnerToken`, a `Sign` that does
 * not verify, or a `KeyAES`/`Data` that cannot be decrypted (XPAY cannot tell who sent it then).
 * We take the shape of the protocol's own answers with an HTTP-like code: HTTP 401 and
 * `{"Code":401,"Message":"unauthorized","Data":{}}`. The simulator answers exactly this; the client
 * reads any of `AUTH_FAILURE_HTTP_STATUSES`, or a `Code` in `AUTH_FAILURE_CODES` even on HTTP 200,
 * as refused credentials (AUTH_FAILED).
 */
export const AUTH_FAILURE_ANSWER = {
  httpStatus: 401,
  body: { Code: 401, Message: "unauthorized", Data: {}, KeyAES: "", Sign: "" },
} as const;
export const AUTH_FAILURE_HTTP_STATUSES: ReadonlySet<number> = new Set([401, 403]);
export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([401, 403]);

/**
 * INFERRED: a request body that is not the JSON envelope (`Partner`, `Data`, `KeyAES`, `Sign`) is
 * answered HTTP 400 `{"Code":400,"Message":"bad request","Data":{}}`. The client never sends one;
 * should it get such an answer, it is a BAD_RESPONSE (a bug on our side, not worth retrying).
 */
export const BAD_REQUEST_ANSWER = {
  httpStatus: 400,
  body: { Code: 400, Message: "bad request", Data: {}, KeyAES: "", Sign: "" },
} as const;

/**
 * INFERRED: the 102 answer is `{"Code":102,"Message":"needACS","Data":{"OperationID":n}}`, as the
 * simulator writes it (an empty `Data` when false); the client reads only `Code`, so any `Data` is taken.
 */
export const NEED_ACS_CARRIES_OPERATION_ID = true;

/**
 * INFERRED (the table of `Reason` codes is not published): the simulator's reasons. 3 is the page's
 * own example value; that it means "no such instrument for this client" is our assumption. The
 * client does not interpret reasons: every "fail" is REJECTED with the Reason as providerCode.
 */
export const SimulatedReason = {
  /** Data not readable as the documented structure, or a required field missing or malformed. */
  INVALID_DATA: 1,
  /** The operation type is not one the simulator serves (it serves 40003 only). */
  UNSUPPORTED_OPERATION: 2,
  /** No instrument with this UUID, or it is not the client's (Phone/DeviceID differ). */
  INSTRUMENT_NOT_FOUND: 3,
} as const;

/**
 * INFERRED: an answer `Code` other than 200, 102 and the auth codes, in a readable envelope:
 * 5xx is the provider's server error (UPSTREAM_ERROR, retryable), anything else a refusal
 * (REJECTED, providerCode "Code <n>").
 */
export function failureCodeForAnswerCode(code: number): FailureCode {
  return code >= 500 && code <= 599 ? FailureCode.UPSTREAM_ERROR : FailureCode.REJECTED;
}

/**
 * INFERRED: `Sum` is documented as an Integer, and the simulator writes a JSON integer by default.
 * A PHP backend may hand a bigint column back as a digit string ("50000"); that is exact too, so
 * the client takes it. Set to false to refuse it as BAD_RESPONSE. A fraction ("500.00", 50000.0)
 * or an exponent (5e4) is never taken: kopecks are whole.
 */
export const SUM_MAY_BE_DIGIT_STRING = true;

/**
 * INFERRED: a negative `Sum` is not a balance a payment instrument shows here (a wallet or a debit
 * card): the answer is not trusted (BAD_RESPONSE) rather than shown as money.
 */
export const NEGATIVE_SUM_ACCEPTED = false;

/** INFERRED: XPAY accounts are in hryvnias; configurable per provider (config `currency`). */
export const DEFAULT_CURRENCY = "UAH";

/**
 * ASSUMED: `Transaction.DateTime` is written as in the page's example ("2022-04-21 02:46:33"), in
 * Kyiv time, XPAY's own. `Transaction.TransactionID` is any unique text (the example looks like a
 * base64 hash); we send a fresh uuid4 per request. `UserID` ("unique client identifier in the
 * Partner system", optional) carries our wallet id.
 */
export const TRANSACTION_TIME_ZONE = "Europe/Kyiv";
export const SEND_WALLET_ID_AS_USER_ID = true;

/**
 * DECISION: an account link that lacks a detail XPAY requires (instrumentUuid, a `380xxxxxxxxx`
 * phone, deviceId) cannot be asked about: that query gets this failure, no call is made. REJECTED
 * (not retryable, like the refusal XPAY itself would give) with INCOMPLETE_LINK_PROVIDER_CODE; the
 * message names the link and the missing detail, so the link can be fixed.
 */
export const INCOMPLETE_LINK_FAILURE = FailureCode.REJECTED;
export const INCOMPLETE_LINK_PROVIDER_CODE = "INCOMPLETE_LINK";

/**
 * INFERRED: the simulator serves the one URL at this path, as XPAY does (`.../xpay`); any other
 * path is HTTP 404, and a method other than POST HTTP 405, plain text.
 */
export const SIMULATOR_PATH = "/xpay";
export const UNKNOWN_PATH_HTTP_STATUS = 404;
export const WRONG_METHOD_HTTP_STATUS = 405;
