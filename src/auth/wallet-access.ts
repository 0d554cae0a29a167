// Responsible for the one check every path to a wallet's money passes: what this request's caller may read, refund and link.
import { GraphQLError } from "graphql";
import type { AccessPolicy, Caller } from "./caller.js";

declare const checked: unique symbol;

/**
 * A wallet id this request's caller may read. Only `WalletAccess.reader` makes one, and every read of a
 * wallet's balances, refunds or links takes one: a new read cannot skip the check.
 */
export interface ReadableWallet {
  readonly id: string;
  readonly [checked]: true;
}

/**
 * Lives for one request: its caller and the process's policy. A write (refund, link, unlink) takes it and asks
 * it first, as does a read whose wallet is known only from the record (a refund by id); resolvers never see the
 * policy itself.
 */
export class WalletAccess {
  constructor(
    private readonly policy: AccessPolicy,
    private readonly caller: Caller,
  ) {}

  /** The caller's own wallet or the read-all scope, else a FORBIDDEN (or, signed out, UNAUTHENTICATED) error. */
  reader(walletId: string): ReadableWallet {
    if (this.policy.canReadWallet(this.caller, walletId)) return { id: walletId } as ReadableWallet;
    throw this.caller.subject === null && this.caller.scopes.size === 0
      ? new GraphQLError("sign in to read a wallet", { extensions: { code: "UNAUTHENTICATED" } })
      : new GraphQLError("this wallet is not yours to read", { extensions: { code: "FORBIDDEN" } });
  }

  get mayRefund(): boolean {
    return this.policy.canRefund(this.caller);
  }

  get mayLink(): boolean {
    return this.policy.canAdminister(this.caller);
  }
}
