// Responsible for Query.refund: one refund from the ledger, for a caller allowed to read its wallet.
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { showRecord } from "../wallet/wallet-record.js";
import { Refund } from "./refund.types.js";

@Resolver()
export class RefundQueryResolver {
  @Query(() => Refund, { nullable: true, description: "One refund from the ledger, by its id." })
  async refund(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Refund | null> {
    const record = await context.services.refunds.get(context.access, id);
    return record && showRecord(record, context.services.providers);
  }
}
