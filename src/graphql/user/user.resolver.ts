// Responsible for User.wallet: a user's wallet is the wallet with the user's id.
import { FieldResolver, Resolver, Root } from "type-graphql";
import { isWalletId } from "../../wallet/identifiers.js";
import { Wallet } from "../wallet/wallet.type.js";
import { User } from "./user.type.js";

@Resolver(() => User)
export class UserResolver {
  @FieldResolver(() => Wallet, { nullable: true, description: "The user's wallet; null when the id cannot name one." })
  wallet(@Root() user: User): Wallet | null {
    return isWalletId(user.id) ? { id: user.id } : null;
  }
}
