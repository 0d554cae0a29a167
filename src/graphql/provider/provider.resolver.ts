// Responsible for Provider.status: a provider's resilience state, without calling it.
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../context.js";
import type { ProviderStatus as Status } from "../../providers/resilience.js";
import { Provider, ProviderStatus } from "./provider.type.js";

@Resolver(() => Provider)
export class ProviderResolver {
  @FieldResolver(() => ProviderStatus, {
    description: "UP, DEGRADED (recent failures, or a half-open circuit) or OPEN (circuit open), from this process's calls.",
  })
  status(@Root() provider: Provider, @Ctx() context: RequestContext): Status {
    // A provider no longer configured (named by an old refund) is called by no one: nothing is failing.
    return context.services.providers.get(provider.id)?.status ?? "UP";
  }
}
