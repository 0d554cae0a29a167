// Responsible for assembling the subgraph schema: every resolver, the Decimal scalar and the entities' reference resolvers.
import type { GraphQLSchema } from "graphql";
import { buildFederatedSchema } from "./build-subgraph-schema.js";
import type { SupergraphSettings } from "./supergraph/supergraph-settings.js";
// The root fields are imported in the order the printed schema lists them: their decorators register them so.
import { ProvidersQueryResolver } from "./provider/providers-query.resolver.js";
import { WalletQueryResolver } from "./wallet/wallet-query.resolver.js";
import { RefundQueryResolver } from "./refund/refund-query.resolver.js";
import { LinkAccountResolver } from "./account/link-account.resolver.js";
import { UnlinkAccountResolver } from "./account/unlink-account.resolver.js";
import { RefundMutationResolver } from "./refund/refund-mutation.resolver.js";
import { ProviderResolver } from "./provider/provider.resolver.js";
import { resolveUserReference } from "./user/user.reference.js";
import { UserResolver } from "./user/user.resolver.js";
import { User } from "./user/user.type.js";
import { resolveWalletReference } from "./wallet/wallet.reference.js";
import { WalletResolver } from "./wallet/wallet.resolver.js";

/** `settings` are what the router-facing directives say: scope names, provider calls and list lengths. */
export function buildWalletSchema(settings: SupergraphSettings): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      // Each root field has a resolver of its own; a type's fields share one.
      resolvers: [
        ProvidersQueryResolver,
        WalletQueryResolver,
        RefundQueryResolver,
        LinkAccountResolver,
        UnlinkAccountResolver,
        RefundMutationResolver,
        WalletResolver,
        UserResolver,
        ProviderResolver,
      ],
      // No field of this subgraph returns a User: it exists here only as an entity the router extends.
      orphanedTypes: [User],
      validate: false,
    },
    {
      Wallet: { __resolveReference: resolveWalletReference },
      User: { __resolveReference: resolveUserReference },
    },
    settings,
  );
}
