// Responsible for Query.wallet: the wallet with this id, for a caller allowed to read it; no provider is asked until a field needs it.
import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { requireWalletId } from "../input-errors.js";
import { Wallet } from "./wallet.type.js";

@Resolver()
export class WalletQueryResolver {
  @Query(() => Wallet, {
    nullable: true,
    description: "The wallet of the user with this id: one's own, or any with the read-all scope (else null and FORBIDDEN).",
  })
  wallet(@Arg("id", () => ID) id: string, @Ctx() context: RequestContext): Wallet {
    return context.access.reader(requireWalletId(id));
  }
}
