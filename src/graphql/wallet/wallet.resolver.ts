// Responsible for Query.wallet and the Wallet fields that read providers: balances, failures, total.
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import type { ScaledDecimal } from "../../money/decimal.js";
import { totalOf } from "../../wallet/wallet-reader.js";
import { balanceId } from "../balance/balance-id.js";
import { Balance } from "../balance/balance.type.js";
import { ProviderFailure } from "../balance/provider-failure.type.js";
import { optionalCurrency, requireCurrency, requireWalletId } from "../input-errors.js";
import { DecimalScalar } from "../scalars/decimal.js";
import { Wallet } from "./wallet.type.js";

/** Every path to a wallet's money checks the caller, however the Wallet object was reached. */
export function assertReader(context: RequestContext, walletId: string): void {
  context.services.access.assertCanReadWallet(context.caller, walletId);
}

@Resolver(() => Wallet)
export class WalletResolver {
  @Query(() => Wallet, {
    nullable: true,
    description: "The wallet of the user with this id: one's own, or any with the read-all scope (else null and FORBIDDEN).",
  })
  wallet(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Wallet {
    requireWalletId(id);
    assertReader(context, id);
    return { id };
  }

  @FieldResolver(() => [Balance], {
    description: "Every balance the providers hold for this wallet, in one currency or in all.",
  })
  balances(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("currency", () => String, { nullable: true }) currency?: string | null,
  ): Promise<Balance[]> {
    assertReader(context, wallet.id);
    const { providers } = context.services;
    return context.wallets.read(wallet.id, optionalCurrency(currency)).then((view) =>
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
    assertReader(context, wallet.id);
    const { providers } = context.services;
    return context.wallets.read(wallet.id, optionalCurrency(currency)).then((view) =>
      view.failures.map((failure) => ({ ...failure, provider: providers.info(failure.providerId) })),
    );
  }

  @FieldResolver(() => DecimalScalar, {
    description: "The sum of this currency over the balances that could be read. No conversion between currencies.",
  })
  total(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("currency", () => String) currency: string,
  ): Promise<ScaledDecimal> {
    assertReader(context, wallet.id);
    const code = requireCurrency(currency);
    return context.wallets.read(wallet.id, code).then((view) =>
      totalOf(view.balances, code),
    );
  }
}
