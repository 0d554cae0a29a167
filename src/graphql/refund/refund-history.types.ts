// Responsible for paging through a wallet's refunds: the connection, its edges and page info.
import { Field, ObjectType } from "type-graphql";
import { Refund } from "./refund.types.js";

@ObjectType({ simpleResolvers: true })
export class RefundEdge {
  @Field(() => String, { description: "Pass as `after` to continue after this refund." })
  cursor!: string;

  @Field(() => Refund)
  node!: Refund;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType({ simpleResolvers: true, description: "A page of a wallet's refunds, newest first." })
export class RefundConnection {
  @Field(() => [RefundEdge])
  edges!: RefundEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
