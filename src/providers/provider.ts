// Responsible for the contract every provider client fulfils, whatever its protocol.
import type { AccountLink } from "../accounts/account-links.js";
import type { ScaledDecimal } from "../money/decimal.js";
import type { ProviderFailure } from "./failure.js";
import type { ProviderStatus } from "./resilience.js";

/** What the schema shows of a provider; from configuration, never from a provider call. */
export interface ProviderInfo {
  id: string;
  name: string;
  protocol: string;
  canRefund: boolean;
}

/** One balance question: a wallet's money in one currency, or in every currency (`null`). */
export interface BalanceQuery {
  walletId: string;
  currency: string | null;
}

/** One account's holding in one currency, normalised (total = available + locked). */
export interface AccountBalance {
  providerId: string;
  /** Which account at the provider holds it. */
  account: string;
  currency: string;
  amount: ScaledDecimal;
  available: ScaledDecimal;
  locked: ScaledDecimal;
  /** When the provider gave this answer (earlier than now for a cached one); set by the provider's cache, else by the balance loader. */
  asOf?: Date;
}

/** The answer to one `BalanceQuery`: what could be read, and what could not. */
export interface BalanceResult {
  balances: AccountBalance[];
  failures: ProviderFailure[];
}

export interface RefundRequest {
  walletId: string;
  currency: string;
  amount: ScaledDecimal;
  /** Sent to the provider as its request id: a repeat is applied once. */
  idempotencyKey: string;
  /**
   * "caller": a request's own attempt, under the provider's circuit breaker. "reconciler": the ledger's paced
   * retry of an unsettled refund, which neither counts toward nor waits on the circuit (the reconciler paces itself).
   */
  by?: "caller" | "reconciler";
}

/** How a refund ended at the provider. */
export type RefundOutcome =
  | { status: "SUCCEEDED"; account: string; balanceAfter: ScaledDecimal }
  | {
      status: "REJECTED";
      reason: RefundRejection;
      message: string;
      providerCode?: string;
      /**
       * What the refusal proves. "our-uuid": the answer names our request's uuid, so it is about this refund.
       * "before-sending": the client refused it without a call. "none": an answer that does not name our uuid,
       * which proves nothing about whether the refund was applied.
       */
      evidence: "our-uuid" | "before-sending" | "none";
    }
  /** Never reached the provider: nothing moved. */
  | { status: "NOT_SENT"; failure: ProviderFailure }
  /** Sent, but no answer naming our request came back: the money may or may not have moved. */
  | { status: "UNKNOWN"; failure: ProviderFailure };

export type RefundRejection = "INSUFFICIENT_FUNDS" | "WALLET_NOT_FOUND" | "INVALID_PARAMETER" | "PROVIDER_REFUSED";

/**
 * A provider client. Lives for the process: it owns the connection pool to its provider.
 * `loadBalances` is called with one DataLoader batch and answers in the same order; it never
 * rejects: failures are part of the answer.
 */
export interface WalletProvider {
  readonly info: ProviderInfo;
  /**
   * "per-user": the provider keys accounts by our user id (the wallet id is the account);
   * "linked": accounts are linked to wallets in the store (linkAccount).
   */
  readonly accounts: "per-user" | "linked";
  /** UP, DEGRADED or OPEN (circuit open), from its resilience policy's state: costs no call. Absent: no policy, shown UP. */
  readonly status?: ProviderStatus;
  loadBalances(queries: readonly BalanceQuery[]): Promise<BalanceResult[]>;
  /** Present only where `info.canRefund`. */
  refund?(request: RefundRequest): Promise<RefundOutcome>;
  close(): Promise<void>;
}

/**
 * Where a provider whose accounts are "linked" finds the accounts of a batch of wallets: the
 * store's account links, one lookup per batch. Lives for the process.
 */
export interface AccountDirectory {
  forWallets(providerId: string, walletIds: readonly string[]): Promise<Map<string, AccountLink[]>>;
}
