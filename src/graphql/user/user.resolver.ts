// Responsible for User.wallet: a user's wallet is the wallet with the user's id.
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { isWalletId } from "../../wallet/identifiers.js";
import { Wallet } from "../wallet/wallet.type.js";
import { User } from "./user.type.js";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => Wallet, { nullable: true, description: "The user's wallet; null when the id cannot name one." })
  wallet(@Root() user: User, @Ctx() context: RequestContext): Wallet | null {
    if (!isWalletId(user.id)) return null;
    return context.access.reader(user.id);
  }
}
