// Responsible for the Provider type: what the schema shows of a configured provider.
import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "An outside provider that holds money for wallets." })
export class Provider {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: "Name to show to people." })
  name!: string;

  @Field(() => String, { description: 'The API family it speaks, such as "slot-spec".' })
  protocol!: string;

  @Field(() => Boolean, { description: "Whether `refund` can take money back at this provider." })
  canRefund!: boolean;
}
