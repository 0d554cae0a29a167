// Responsible for reading the ledger through the schema: Query.refund and Wallet.refunds.
import { GraphQLError } from "graphql";
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { decodeCursor, encodeCursor } from "../../refunds/history-cursor.js";
import { assertReader } from "../wallet/wallet.resolver.js";
import { Wallet } from "../wallet/wallet.type.js";
import { toRefund } from "./refund.resolver.js";
import { RefundConnection } from "./refund-history.types.js";
import { Refund } from "./refund.types.js";

export const MAX_PAGE_SIZE = 100;

function badInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", argument } });
}

@Resolver(() => Wallet)
export class RefundHistoryResolver {
  @Query(() => Refund, { nullable: true, description: "One refund from the ledger, by its id." })
  async refund(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Promise<Refund | null> {
    if (id.length > 64) return null;
    const record = await context.services.refunds.ledger.get(id);
    if (!record) return null;
    assertReader(context, record.walletId);
    return toRefund(record, context.services.providers);
  }

  @FieldResolver(() => RefundConnection, { description: "This wallet's refunds, newest first." })
  async refunds(
    @Root() wallet: Wallet,
    @Ctx() context: RequestContext,
    @Arg("first", () => Int, { defaultValue: 20 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<RefundConnection> {
    assertReader(context, wallet.id);
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badInput(`first must be 1 to ${MAX_PAGE_SIZE}`, "first");
    const cursor = after == null ? undefined : decodeCursor(after);
    if (after != null && !cursor) throw badInput("after is not a cursor of this list", "after");

    // One more than asked tells whether another page follows.
    const records = await context.services.refunds.ledger.listForWallet(wallet.id, first + 1, cursor);
    const page = records.slice(0, first);
    const edges = page.map((record) => ({ cursor: encodeCursor(record), node: toRefund(record, context.services.providers) }));
    return { edges, pageInfo: { hasNextPage: records.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }
}
