// Responsible for the admin mutations linkAccount / unlinkAccount and Wallet.accountLinks.
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { AccountLink as AccountLinkRecord } from "../../accounts/account-links.js";
import type { RequestContext } from "../../context.js";
import type { ProviderRegistry } from "../../providers/registry.js";
import { AccountLinkErrorCode } from "../../accounts/account-link-service.js";
import { assertReader } from "../wallet/wallet.resolver.js";
import { Wallet } from "../wallet/wallet.type.js";
import {
  AccountLink,
  LinkAccountInput,
  LinkAccountPayload,
  UnlinkAccountInput,
  UnlinkAccountPayload,
} from "./account-link.types.js";

@Resolver(() => Wallet)
export class AccountLinkResolver {
  @Mutation(() => LinkAccountPayload, {
    description: "Links a provider account to a wallet (admin). Linking it again updates its details.",
  })
  async linkAccount(@Arg("input", () => LinkAccountInput) input: LinkAccountInput, @Ctx() context: RequestContext): Promise<LinkAccountPayload> {
    if (!context.services.access.canAdminister(context.caller)) return { link: null, userErrors: [forbidden()] };
    const { walletId, providerId, accountRef } = input;
    const result = await context.services.accountLinks.link({ walletId, providerId, accountRef }, { ...input.details });
    return { link: result.link && toAccountLink(result.link, context.services.providers), userErrors: result.userErrors };
  }

  @Mutation(() => UnlinkAccountPayload, { description: "Removes a provider account from a wallet (admin)." })
  async unlinkAccount(
    @Arg("input", () => UnlinkAccountInput) input: UnlinkAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<UnlinkAccountPayload> {
    if (!context.services.access.canAdminister(context.caller)) return { unlinked: false, userErrors: [forbidden()] };
    return context.services.accountLinks.unlink({ ...input });
  }

  @FieldResolver(() => [AccountLink], { description: "The provider accounts linked to this wallet." })
  async accountLinks(@Root() wallet: Wallet, @Ctx() context: RequestContext): Promise<AccountLink[]> {
    assertReader(context, wallet.id);
    const links = await context.services.accountLinks.store.forWallet(wallet.id);
    return links.map((link) => toAccountLink(link, context.services.providers));
  }
}

function forbidden() {
  return { code: AccountLinkErrorCode.FORBIDDEN, field: null, message: "linking accounts needs the admin scope" };
}

function toAccountLink(link: AccountLinkRecord, providers: ProviderRegistry): AccountLink {
  return { ...link, wallet: { id: link.walletId }, provider: providers.info(link.providerId) };
}
