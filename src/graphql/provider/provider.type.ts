// Responsible for the Provider type: what the schema shows of a configured provider, and its status.
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import type { ProviderStatus as Status } from "../../providers/resilience.js";

/** The values of `ProviderStatus`, as GraphQL shows them. */
export const ProviderStatus: { readonly [S in Status]: S } = { UP: "UP", DEGRADED: "DEGRADED", OPEN: "OPEN" };

registerEnumType(ProviderStatus, {
  name: "ProviderStatus",
  description: "How a provider looks from this process's recent calls to it; reading it calls no provider.",
  valuesConfig: {
    UP: { description: "Its latest calls succeeded (or it has not been called yet)." },
    DEGRADED: { description: "Its latest calls failed, or its circuit is half-open: one probe call is testing it." },
    OPEN: { description: "Its circuit is open: calls fail at once with CIRCUIT_OPEN, without a request, until a probe succeeds." },
  },
});

@ObjectType({ simpleResolvers: true, description: "An outside provider that holds money for wallets." })
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
