// Responsible for the account-link types: which provider account belongs to a wallet, and the admin mutations' inputs and payloads.
import { Field, InputType, ObjectType, registerEnumType } from "type-graphql";
import { AccountLinkErrorCode } from "../../accounts/account-link-service.js";
import { WalletAtProviderInput, WalletRecord } from "../wallet/wallet-record.js";

registerEnumType(AccountLinkErrorCode, {
  name: "AccountLinkErrorCode",
  description: "Why a link or unlink did not happen. Stable: switch on it.",
});

/** The facts of an account, alike whether read from a link or written into one. */
@ObjectType({ simpleResolvers: true })
@InputType("AccountDetailsFieldsInput")
abstract class AccountDetailsFields {
  @Field(() => String, { nullable: true })
  instrumentUuid?: string;

  @Field(() => String, { nullable: true })
  phone?: string;

  @Field(() => String, { nullable: true })
  deviceId?: string;

  @Field(() => String, { nullable: true })
  email?: string;
}

@ObjectType({ simpleResolvers: true, description: "Non-secret facts about an account; secrets stay in the subgraph's configuration." })
export class AccountDetails extends AccountDetailsFields {
  @Field(() => String, { nullable: true, description: "A payment instrument's UUID." })
  declare instrumentUuid?: string;
}

@InputType()
export class AccountDetailsInput extends AccountDetailsFields {}

@ObjectType({ simpleResolvers: true, description: "An account at a provider that belongs to a wallet." })
export class AccountLink extends WalletRecord {
  @Field(() => String, { description: "The provider's own name for the account." })
  accountRef!: string;

  @Field(() => AccountDetails)
  details!: AccountDetails;

  @Field(() => Date)
  createdAt!: Date;
}

/** Names one account at one provider on one wallet, as linking and unlinking both do. */
@InputType()
abstract class AccountRefInput extends WalletAtProviderInput {
  @Field(() => String)
  accountRef!: string;
}

@InputType()
export class LinkAccountInput extends AccountRefInput {
  @Field(() => AccountDetailsInput, { nullable: true })
  details?: AccountDetailsInput | null;
}

@InputType()
export class UnlinkAccountInput extends AccountRefInput {}

@ObjectType({ simpleResolvers: true })
export class AccountLinkUserError {
  @Field(() => AccountLinkErrorCode)
  code!: AccountLinkErrorCode;

  @Field(() => [String], { nullable: true })
  field!: string[] | null;

  @Field(() => String)
  message!: string;
}

@ObjectType({ simpleResolvers: true })
export class LinkAccountPayload {
  @Field(() => AccountLink, { nullable: true })
  link!: AccountLink | null;

  @Field(() => [AccountLinkUserError])
  userErrors!: AccountLinkUserError[];
}

@ObjectType({ simpleResolvers: true })
export class UnlinkAccountPayload {
  @Field(() => Boolean)
  unlinked!: boolean;

  @Field(() => [AccountLinkUserError])
  userErrors!: AccountLinkUserError[];
}
