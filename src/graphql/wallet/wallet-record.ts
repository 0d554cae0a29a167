// Responsible for what a refund and an account link share in the schema: an id, the wallet they belong to and the provider they are at.
import { Field, ID, ObjectType } from "type-graphql";
import type { ProviderRegistry } from "../../providers/registry.js";
import { Provider } from "../provider/provider.type.js";
import { Wallet } from "./wallet.type.js";

@ObjectType({ simpleResolvers: true })
export abstract class WalletRecord {
  @Field(() => ID)
  id!: string;

  @Field(() => Wallet)
  wallet!: Wallet;

  @Field(() => Provider)
  provider!: Provider;
}

/** A stored record as the schema shows it: its wallet as the Wallet entity (each field checks its reader), its provider's info. */
export function showRecord<R extends { walletId: string; providerId: string }>(
  record: R,
  providers: ProviderRegistry,
): R & Pick<WalletRecord, "wallet" | "provider"> {
  return { ...record, wallet: { id: record.walletId }, provider: providers.info(record.providerId) };
}
