// Responsible for Mutation.refund: hands the input to the refund service and shows its record.
import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { RefundErrorCode, type RefundRecord } from "../../refunds/refund.js";
import type { ProviderRegistry } from "../../providers/registry.js";
import { Refund, RefundInput, RefundPayload } from "./refund.types.js";

@Resolver(() => Refund)
export class RefundResolver {
  @Mutation(() => RefundPayload, {
    description: "Takes money back from a wallet at a provider that allows it. Business outcomes come back as userErrors.",
  })
  async refund(@Arg("input", () => RefundInput) input: RefundInput, @Ctx() context: RequestContext): Promise<RefundPayload> {
    if (!context.services.access.canRefund(context.caller)) {
      return {
        refund: null,
        userErrors: [{ code: RefundErrorCode.FORBIDDEN, field: null, message: "refunds need the refund scope" }],
      };
    }
    const result = await context.services.refunds.refund({ ...input });
    return {
      refund: result.refund && toRefund(result.refund, context.services.providers),
      userErrors: result.userErrors,
    };
  }
}

export function toRefund(record: RefundRecord, providers: ProviderRegistry): Refund {
  return {
    ...record,
    wallet: { id: record.walletId },
    provider: providers.info(record.providerId),
  };
}
