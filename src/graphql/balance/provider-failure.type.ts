// Responsible for the ProviderFailure type: a provider that could not be read in this request, and why.
import { Field, ObjectType, registerEnumType } from "type-graphql";
import { FailureCode } from "../../providers/failure.js";
import { Provider } from "../provider/provider.type.js";

registerEnumType(FailureCode, {
  name: "ProviderFailureCode",
  description: "Why a provider could not be read. Stable: switch on it.",
});

@ObjectType({ simpleResolvers: true, description: "A provider whose balances are missing from this answer." })
export class ProviderFailure {
  @Field(() => Provider)
  provider!: Provider;

  @Field(() => String, { nullable: true, description: "The currency asked for, or null when every currency was." })
  currency!: string | null;

  @Field(() => FailureCode)
  code!: FailureCode;

  @Field(() => Boolean, { description: "Whether asking again later may succeed." })
  retryable!: boolean;

  @Field(() => String, { description: "For people; do not parse it." })
  message!: string;
}
