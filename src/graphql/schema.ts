// Responsible for assembling the subgraph schema: every resolver, the Decimal scalar and the entities' reference resolvers.
import type { GraphQLSchema } from "graphql";
import { buildFederatedSchema } from "./build-subgraph-schema.js";
import type { SupergraphSettings } from "./supergraph/supergraph-settings.js";
import { ProviderResolver } from "./provider/provider.resolver.js";
import { AccountLinkResolver } from "./account/account-link.resolver.js";
import { RefundHistoryResolver } from "./refund/refund-history.resolver.js";
import { RefundResolver } from "./refund/refund.resolver.js";
import { resolveUserReference } from "./user/user.reference.js";
import { UserResolver } from "./user/user.resolver.js";
import { User } from "./user/user.type.js";
import { resolveWalletReference } from "./wallet/wallet.reference.js";
import { WalletResolver } from "./wallet/wallet.resolver.js";

/** `settings` are what the router-facing directives say: scope names, provider calls and list lengths. */
export function buildWalletSchema(settings: SupergraphSettings): Promise<GraphQLSchema> {
  return buildFederatedSchema(
    {
      resolvers: [WalletResolver, UserResolver, ProviderResolver, RefundResolver, RefundHistoryResolver, AccountLinkResolver],
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
