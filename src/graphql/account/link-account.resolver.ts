// Responsible for Mutation.linkAccount: hands the caller's access and the input to the account-link service.
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { showRecord } from "../wallet/wallet-record.js";
import { LinkAccountInput, LinkAccountPayload } from "./account-link.types.js";

@Resolver()
export class LinkAccountResolver {
  @Mutation(() => LinkAccountPayload, {
    description: "Links a provider account to a wallet (admin). Linking it again updates its details.",
  })
  async linkAccount(
    @Arg("input", () => LinkAccountInput) input: LinkAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<LinkAccountPayload> {
    const { walletId, providerId, accountRef } = input;
    const result = await context.services.accountLinks.linkAs(context.access, { walletId, providerId, accountRef }, { ...input.details });
    return { link: result.link && showRecord(result.link, context.services.providers), userErrors: result.userErrors };
  }
}
