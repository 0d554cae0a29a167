// Responsible for the one vocabulary of provider failures: stable codes, retry hints, and the error clients throw.

/** Why a provider could not be read. Stable: clients of the API switch on these. */
export enum FailureCode {
  /** The provider did not answer within its timeout. */
  TIMEOUT = "TIMEOUT",
  /** No connection could be made (refused, reset, DNS). */
  UNREACHABLE = "UNREACHABLE",
  /** The provider answered with a server error (HTTP 5xx). */
  UPSTREAM_ERROR = "UPSTREAM_ERROR",
  /** The provider's answer could not be read: not JSON, or not the documented shape. */
  BAD_RESPONSE = "BAD_RESPONSE",
  /** The provider refused our credentials. */
  AUTH_FAILED = "AUTH_FAILED",
  /** The provider answered with a documented business error. */
  REJECTED = "REJECTED",
  /** The provider wants an extra confirmation step (an OTP, 3-D Secure) before it answers. */
  NEEDS_CONFIRMATION = "NEEDS_CONFIRMATION",
  /** The provider failed repeatedly just now: its circuit is open and no request was sent; it is probed again shortly. */
  CIRCUIT_OPEN = "CIRCUIT_OPEN",
  /** The provider's rate limit (ours, shared by every replica, or held off after its 429) left no slot within the call's budget: nothing was sent. */
  RATE_LIMITED = "RATE_LIMITED",
}

const RETRYABLE: Record<FailureCode, boolean> = {
  [FailureCode.TIMEOUT]: true,
  [FailureCode.UNREACHABLE]: true,
  [FailureCode.UPSTREAM_ERROR]: true,
  [FailureCode.BAD_RESPONSE]: false,
  [FailureCode.AUTH_FAILED]: false,
  [FailureCode.REJECTED]: false,
  [FailureCode.NEEDS_CONFIRMATION]: false,
  [FailureCode.CIRCUIT_OPEN]: true,
  [FailureCode.RATE_LIMITED]: true,
};

function isRetryable(code: FailureCode): boolean {
  return RETRYABLE[code];
}

/** What a ProviderError may say besides its code and message. */
export interface ProviderErrorOptions {
  /** The provider's own error code, when it gave one. */
  providerCode?: string;
  cause?: unknown;
  /** False when the request certainly never reached the provider; default true. */
  requestSent?: boolean;
}

/** Thrown by provider clients; turned into a `ProviderFailure` value before it reaches GraphQL. */
export class ProviderError extends Error {
  override readonly name = "ProviderError";
  /** The provider's own error code, when it gave one. */
  readonly providerCode: string | undefined;
  /** False when the request certainly never reached the provider (so nothing it asked for happened). */
  readonly requestSent: boolean;

  constructor(
    readonly code: FailureCode,
    message: string,
    options: ProviderErrorOptions = {},
  ) {
    // Only a cause that was given is set, as Error itself does.
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.providerCode = options.providerCode;
    this.requestSent = options.requestSent ?? true;
  }

  get retryable(): boolean {
    return isRetryable(this.code);
  }
}

/** A provider that could not be read in this request, as the schema shows it. */
export interface ProviderFailure {
  providerId: string;
  /** The currency that was asked for, or null when every currency was. */
  currency: string | null;
  code: FailureCode;
  retryable: boolean;
  message: string;
}

export function toProviderFailure(providerId: string, currency: string | null, error: unknown): ProviderFailure {
  const providerError =
    error instanceof ProviderError
      ? error
      : new ProviderError(FailureCode.BAD_RESPONSE, "the provider's answer could not be handled", { cause: error });
  return {
    providerId,
    currency,
    code: providerError.code,
    retryable: providerError.retryable,
    message: bounded(providerError.message),
  };
}

/** Characters of a failure's message: it may quote a provider's own words, which are not ours to pass on in bulk. */
const MAX_FAILURE_MESSAGE_LENGTH = 300;

function bounded(message: string): string {
  return message.length > MAX_FAILURE_MESSAGE_LENGTH ? `${message.slice(0, MAX_FAILURE_MESSAGE_LENGTH)}…` : message;
}
