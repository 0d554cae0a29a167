// Responsible for the store's tables as TypeScript sees them: one description serves SQLite and PostgreSQL.
import type { Selectable } from "kysely";

/** Times are milliseconds since the epoch in a 64-bit integer: sortable and alike in both dialects. */
type Millis = number;

interface RefundsTable {
  id: string;
  /** The key the refund was asked with, kept for ever. */
  idempotency_key: string;
  /** The same key while it is live (unique: a key names one refund), null once released after its retention. */
  live_key: string | null;
  /** sha256 of the parameters: a key may only ever be used for one refund. */
  parameters_hash: string;
  wallet_id: string;
  provider_id: string;
  currency: string;
  /** Exact decimal text, as the caller sent it. */
  amount: string;
  status: string;
  balance_after: string | null;
  failure_code: string | null;
  failure_message: string | null;
  /** Bumped by every claim of the row (first call, retry, reconciliation); a settle must name the attempt it made. */
  attempt: number;
  /** 1 once any attempt may have reached the provider: from then on, no attempt can prove that nothing was taken. */
  ever_sent: number;
  /** Unsettled only: when, by the database's clock, the record is the reconciler's (a claim's lease ends, a retry is due). */
  due_at: Millis | null;
  /** Every time is the database's clock, never a process's. */
  created_at: Millis;
  updated_at: Millis;
  settled_at: Millis | null;
}

interface AccountLinksTable {
  id: string;
  wallet_id: string;
  provider_id: string;
  /** The provider's own name for the account (an XPAY instrument, an AlphaSMS key id, a Nami sub-account). */
  account_ref: string;
  /** Non-secret details as JSON text: instrument UUID, phone, device id. Never a secret. */
  details: string;
  created_at: Millis;
}

export interface Database {
  refunds: RefundsTable;
  account_links: AccountLinksTable;
}

export type RefundRow = Selectable<RefundsTable>;
export type AccountLinkRow = Selectable<AccountLinksTable>;
