// Responsible for what refunds and account links share in the schema: the wallet and provider their inputs name, and their records' id, wallet and provider.
import { Field, ID, InputType, ObjectType } from "type-graphql";
import type { ProviderRegistry } from "../../providers/registry.js";
import { Provider } from "../provider/provider.type.js";
import { Wallet } from "./wallet.type.js";

/** A wallet's account at one provider, as a refund's and a link's input name it. */
@InputType()
export abstract class WalletAtProviderInput {
  @Field(() => ID)
  walletId!: string;

  @Field(() => ID)
  providerId!: string;
}

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
