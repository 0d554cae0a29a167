// Responsible for Mutation.refund: hands the caller's access and the input to the refund service and shows its record.
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { showRecord } from "../wallet/wallet-record.js";
import { RefundInput, RefundPayload } from "./refund.types.js";

@Resolver()
export class RefundMutationResolver {
  @Mutation(() => RefundPayload, {
    description: "Takes money back from a wallet at a provider that allows it. Business outcomes come back as userErrors.",
  })
  async refund(@Arg("input", () => RefundInput) input: RefundInput, @Ctx() context: RequestContext): Promise<RefundPayload> {
    const result = await context.services.refunds.refund(context.access, { ...input });
    return { refund: result.refund && showRecord(result.refund, context.services.providers), userErrors: result.userErrors };
  }
}
