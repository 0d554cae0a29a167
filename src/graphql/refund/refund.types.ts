// Responsible for the refund mutation's types: its input, its payload, the Refund record and its user errors.
import { Field, InputType, ObjectType, registerEnumType } from "type-graphql";
import type { ScaledDecimal } from "../../money/decimal.js";
import { RefundErrorCode, RefundStatus } from "../../refunds/refund.js";
import { DecimalScalar } from "../scalars/decimal.js";
import { WalletAtProviderInput, WalletRecord } from "../wallet/wallet-record.js";

registerEnumType(RefundStatus, { name: "RefundStatus", description: "Where a refund stands." });
registerEnumType(RefundErrorCode, {
  name: "RefundErrorCode",
  description: "Why a refund was refused or did not succeed. Stable: switch on it.",
});

@InputType({ description: "Take `amount` of `currency` back from a wallet's account at one provider." })
export class RefundInput extends WalletAtProviderInput {
  @Field(() => String)
  currency!: string;

  @Field(() => DecimalScalar, { description: "Greater than zero, as a string." })
  amount!: ScaledDecimal;

  @Field(() => String, {
    description:
      "A UUID chosen by the caller, one per intended refund. Sending it again returns the first answer and never takes money twice.",
  })
  idempotencyKey!: string;
}

@ObjectType({ simpleResolvers: true, description: "One refund attempt, as the ledger records it." })
export class Refund extends WalletRecord {
  @Field(() => String)
  currency!: string;

  @Field(() => DecimalScalar)
  amount!: ScaledDecimal;

  @Field(() => RefundStatus)
  status!: RefundStatus;

  @Field(() => DecimalScalar, { nullable: true, description: "The account's balance after the refund, as the provider reported it." })
  balanceAfter!: ScaledDecimal | null;

  @Field(() => RefundErrorCode, { nullable: true, description: "Why it failed, when it did." })
  failureCode!: RefundErrorCode | null;

  @Field(() => String)
  idempotencyKey!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  settledAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: "A business reason the refund did not happen." })
export class RefundUserError {
  @Field(() => RefundErrorCode)
  code!: RefundErrorCode;

  @Field(() => [String], { nullable: true, description: 'Path to the input field at fault, such as ["input", "amount"].' })
  field!: string[] | null;

  @Field(() => String, { description: "For people; do not parse it." })
  message!: string;
}

@ObjectType({ simpleResolvers: true })
export class RefundPayload {
  @Field(() => Refund, { nullable: true, description: "The refund, when one was recorded." })
  refund!: Refund | null;

  @Field(() => [RefundUserError])
  userErrors!: RefundUserError[];
}
