// Responsible for the Wallet entity: a user's money across every provider, keyed by id for the supergraph.
import { Directive, Field, ID, ObjectType } from "type-graphql";

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: "A user's money across every provider. Its id is the user's id." })
export class Wallet {
  @Field(() => ID)
  id!: string;
}
