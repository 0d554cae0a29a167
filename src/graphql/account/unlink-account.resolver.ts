// Responsible for Mutation.unlinkAccount: hands the caller's access and the input to the account-link service.
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { UnlinkAccountInput, UnlinkAccountPayload } from "./account-link.types.js";

@Resolver()
export class UnlinkAccountResolver {
  @Mutation(() => UnlinkAccountPayload, { description: "Removes a provider account from a wallet (admin)." })
  unlinkAccount(
    @Arg("input", () => UnlinkAccountInput) input: UnlinkAccountInput,
    @Ctx() context: RequestContext,
  ): Promise<UnlinkAccountPayload> {
    return context.services.accountLinks.unlink(context.access, { ...input });
  }
}
