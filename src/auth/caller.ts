// Responsible for who is calling, as one request sees it, and what that caller may do with wallets.
/** Names of the scopes that grant more than one's own wallet; configurable. */
export interface ScopeNames {
  /** Read any wallet, not only one's own. */
  readAll: string;
  /** Take money back (refund). */
  refund: string;
  /** Link and unlink provider accounts. */
  admin: string;
}

export const DEFAULT_SCOPES: ScopeNames = {
  readAll: "wallet:read:all",
  refund: "wallet:refund",
  admin: "wallet:admin",
};

/** Per request. */
export interface Caller {
  /** The JWT's subject: the user whose wallet this is. Null for an anonymous caller. */
  subject: string | null;
  scopes: ReadonlySet<string>;
  /** Authorisation switched off (development only): the caller may do everything. */
  trusted: boolean;
}

export const TRUSTED: Caller = { subject: null, scopes: new Set(), trusted: true };

/** What a caller may do, with the configured scope names. Lives for the process. */
export class AccessPolicy {
  constructor(readonly scopes: ScopeNames = DEFAULT_SCOPES) {}

  canReadWallet(caller: Caller, walletId: string): boolean {
    return caller.trusted || caller.subject === walletId || caller.scopes.has(this.scopes.readAll);
  }

  canRefund(caller: Caller): boolean {
    return caller.trusted || caller.scopes.has(this.scopes.refund);
  }

  canAdminister(caller: Caller): boolean {
    return caller.trusted || caller.scopes.has(this.scopes.admin);
  }
}
