// Responsible for Query.providers: the configured providers, without calling any of them.
import { Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../context.js";
import { Provider } from "./provider.type.js";

@Resolver()
export class ProvidersQueryResolver {
  @Query(() => [Provider], { description: "Every configured provider, in the order balances are shown." })
  providers(@Ctx() context: RequestContext): Provider[] {
    return context.services.providers.all.map((provider) => provider.info);
  }
}
