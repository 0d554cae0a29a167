// Responsible for which provider accounts belong to which wallet: the links in the store, with non-secret details only.
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountLinkRow, Database } from "../store/schema.js";

/** What may be stored about an account. Secrets are not among them: they stay in configuration. */
export interface AccountDetails {
  /** A payment instrument's UUID (XPAY). */
  instrumentUuid?: string;
  phone?: string;
  deviceId?: string;
  email?: string;
}

export interface AccountLink {
  id: string;
  walletId: string;
  providerId: string;
  /** The provider's own name for the account. */
  accountRef: string;
  details: AccountDetails;
  createdAt: Date;
}

interface PendingLookup {
  providerId: string;
  walletIds: readonly string[];
  resolve: (links: Map<string, AccountLink[]>) => void;
  reject: (error: unknown) => void;
}

export type LinkResult = { linked: AccountLink } | { linkedElsewhere: AccountLink };

/** Lives for the process, over the process's store. */
export class AccountLinkStore {
  /** forWallets calls of this tick, waiting for their one query. */
  private pendingLookups?: PendingLookup[];

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Links the account to the wallet, or updates its details when it already is; an account
   * linked to another wallet stays there (unlink it first).
   */
  async link(walletId: string, providerId: string, accountRef: string, details: AccountDetails): Promise<LinkResult> {
    const detailsText = JSON.stringify(details);
    const inserted = await this.db
      .insertInto("account_links")
      .values({
        id: randomUUID(),
        wallet_id: walletId,
        provider_id: providerId,
        account_ref: accountRef,
        details: detailsText,
        created_at: Date.now(),
      })
      .onConflict((conflict) =>
        conflict
          .columns(["provider_id", "account_ref"])
          .doUpdateSet({ details: detailsText })
          .where("account_links.wallet_id", "=", walletId),
      )
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { linked: toLink(inserted) };
    const existing = await this.db
      .selectFrom("account_links")
      .selectAll()
      .where("provider_id", "=", providerId)
      .where("account_ref", "=", accountRef)
      .executeTakeFirstOrThrow();
    return { linkedElsewhere: toLink(existing) };
  }

  /** True when a link was removed. */
  async unlink(walletId: string, providerId: string, accountRef: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom("account_links")
      .where("wallet_id", "=", walletId)
      .where("provider_id", "=", providerId)
      .where("account_ref", "=", accountRef)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async forWallet(walletId: string): Promise<AccountLink[]> {
    const rows = await this.db
      .selectFrom("account_links")
      .selectAll()
      .where("wallet_id", "=", walletId)
      .orderBy("provider_id")
      .orderBy("created_at")
      .execute();
    return rows.map(toLink);
  }

  /**
   * The links of a batch of wallets at one provider. Lookups asked for in the same tick are answered
   * by one query, whatever their provider: one GraphQL batch asks every linked-account provider for the
   * same wallets at once (AlphaSMS, Nami, XPAY), and each query costs more to build, prepare and run
   * than the rows it reads.
   */
  forWallets(providerId: string, walletIds: readonly string[]): Promise<Map<string, AccountLink[]>> {
    if (walletIds.length === 0) return Promise.resolve(new Map<string, AccountLink[]>());
    return new Promise((resolve, reject) => {
      if (!this.pendingLookups) {
        this.pendingLookups = [];
        queueMicrotask(() => void this.lookUp());
      }
      this.pendingLookups.push({ providerId, walletIds, resolve, reject });
    });
  }

  /** Every lookup asked for since the last one, in one query; each gets its own links (objects are not shared). */
  private async lookUp(): Promise<void> {
    const lookups = this.pendingLookups ?? [];
    this.pendingLookups = undefined;
    let rows: AccountLinkRow[];
    try {
      rows = await this.db
        .selectFrom("account_links")
        .selectAll()
        .where("provider_id", "in", [...new Set(lookups.map((lookup) => lookup.providerId))])
        .where("wallet_id", "in", [...new Set(lookups.flatMap((lookup) => lookup.walletIds))])
        .orderBy("created_at")
        .execute();
    } catch (error) {
      for (const { reject } of lookups) reject(error);
      return;
    }
    for (const { providerId, walletIds, resolve, reject } of lookups) {
      try {
        const byWallet = new Map<string, AccountLink[]>(walletIds.map((id) => [id, []]));
        for (const row of rows) if (row.provider_id === providerId) byWallet.get(row.wallet_id)?.push(toLink(row));
        resolve(byWallet);
      } catch (error) {
        // A row that cannot be read fails its own provider's lookup only, as when each had its own query.
        reject(error);
      }
    }
  }
}

function toLink(row: AccountLinkRow): AccountLink {
  return {
    id: row.id,
    walletId: row.wallet_id,
    providerId: row.provider_id,
    accountRef: row.account_ref,
    details: JSON.parse(row.details) as AccountDetails,
    createdAt: new Date(Number(row.created_at)),
  };
}
