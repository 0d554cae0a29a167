// Responsible for the Wallet's fields: balances, failures and total from the providers, its account links and its refunds from the store.
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import type { ScaledDecimal } from "../../money/decimal.js";
import { encodeCursor } from "../../refunds/history-cursor.js";
import { totalOf, type WalletView } from "../../wallet/wallet-reader.js";
import { AccountLink } from "../account/account-link.types.js";
import { balanceId } from "../balance/balance-id.js";
import { Balance } from "../balance/balance.type.js";
import { ProviderFailure } from "../balance/provider-failure.type.js";
import { optionalCurrency, optionalCursor, requireCurrency, requirePageSize } from "../input-errors.js";
import { RefundConnection } from "../refund/refund-history.types.js";
import { DecimalScalar } from "../scalars/decimal.js";
import { showRecord } from "./wallet-record.js";
import { Wallet } from "./wallet.type.js";

const MAX_PAGE_SIZE = 100;

/**
 * A Wallet object may come from a record (a refund's, a link's) whose reader was never checked, so each
 * field asks the request's access first, before it looks at its arguments.
 */
@Resolver(() => Wallet)
export class WalletResolver {
  @FieldResolver(() => [Balance], {
    description: "Every balance the providers hold for this wallet, in one currency or in all.",
  })
  balances(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("currency", () => String, { nullable: true }) currency?: string | null,
  ): Promise<Balance[]> {
    const { providers } = context.services;
    return viewOf(context, wallet, currency).then((view) =>
      // Written out, not spread: one object of one shape per balance, hundreds per operation.
      view.balances.map((balance) => ({
        id: balanceId(balance.providerId, balance.account, balance.currency),
        provider: providers.info(balance.providerId),
        account: balance.account,
        currency: balance.currency,
        amount: balance.amount,
        available: balance.available,
        locked: balance.locked,
        // The balance loader stamps every answer.
        asOf: balance.asOf!,
      })),
    );
  }

  @FieldResolver(() => [ProviderFailure], {
    description: "The providers that could not be read in this request; their balances are missing.",
  })
  failures(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("currency", () => String, { nullable: true }) currency?: string | null,
  ): Promise<ProviderFailure[]> {
    const { providers } = context.services;
    return viewOf(context, wallet, currency).then((view) =>
      view.failures.map((failure) => ({ ...failure, provider: providers.info(failure.providerId) })),
    );
  }

  @FieldResolver(() => DecimalScalar, {
    description: "The sum of this currency over the balances that could be read. No conversion between currencies.",
  })
  total(@Root() wallet: Wallet, @Ctx() context: RequestContext, @Arg("currency", () => String) currency: string): Promise<ScaledDecimal> {
    const readable = context.access.reader(wallet.id);
    const code = requireCurrency(currency);
    return context.wallets.read(readable, code).then((view) => totalOf(view.balances, code));
  }

  @FieldResolver(() => [AccountLink], { description: "The provider accounts linked to this wallet." })
  async accountLinks(@Root() wallet: Wallet, @Ctx() context: RequestContext): Promise<AccountLink[]> {
    const links = await context.services.accountLinks.linksOf(context.access.reader(wallet.id));
    return links.map((link) => showRecord(link, context.services.providers));
  }

  @FieldResolver(() => RefundConnection, { description: "This wallet's refunds, newest first." })
  async refunds(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<RefundConnection> {
    const readable = context.access.reader(wallet.id);
    const page = await context.services.refunds.history(readable, requirePageSize(first, MAX_PAGE_SIZE), optionalCursor(after));
    const edges = page.refunds.map((record) => ({ cursor: encodeCursor(record), node: showRecord(record, context.services.providers) }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}

/** The wallet's view in one currency or all, once the caller may read it. */
function viewOf(context: RequestContext, wallet: Wallet, currency: string | null | undefined): Promise<WalletView> {
  const readable = context.access.reader(wallet.id);
  return context.wallets.read(readable, optionalCurrency(currency));
}
