// Responsible for the User entity as this subgraph sees it: only its key, so that the users subgraph's User gains a wallet.
import { Directive, Field, ID, ObjectType } from "type-graphql";

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: "A user, owned by the users subgraph; this subgraph adds its wallet." })
export class User {
  @Field(() => ID)
  id!: string;
}
