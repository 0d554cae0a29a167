// Responsible for the Balance type: one account's money in one currency at one provider.
import { Field, ID, ObjectType } from "type-graphql";
import type { ScaledDecimal } from "../../money/decimal.js";
import { DecimalScalar } from "../scalars/decimal.js";
import { Provider } from "../provider/provider.type.js";

@ObjectType({ simpleResolvers: true, description: "Money one account holds in one currency at one provider. amount = available + locked." })
export class Balance {
  @Field(() => ID, {
    description: "The same in every answer for this provider, account and currency: a client cache's key (`Balance:<id>`).",
  })
  id!: string;

  @Field(() => Provider)
  provider!: Provider;

  @Field(() => String, { description: "Which account at the provider holds it." })
  account!: string;

  @Field(() => String, { description: "ISO 4217 code for fiat; the provider's ticker for crypto." })
  currency!: string;

  @Field(() => DecimalScalar, { description: "The whole holding." })
  amount!: ScaledDecimal;

  @Field(() => DecimalScalar, { description: "The part that can be spent or refunded now." })
  available!: ScaledDecimal;

  @Field(() => DecimalScalar, { description: "The part on hold." })
  locked!: ScaledDecimal;

  @Field(() => Date, {
    description:
      "When the provider gave this balance. Earlier than now when it was served from the balance cache: never older than the provider's `balanceMaxAgeMs`.",
  })
  asOf!: Date;
}
