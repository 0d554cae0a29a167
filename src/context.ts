// Responsible for what one request owns (its caller's access, its balance loader) and what it borrows from the process (services).
import type { AccountLinkService } from "./accounts/account-link-service.js";
import type { AccessPolicy, Caller } from "./auth/caller.js";
import { WalletAccess } from "./auth/wallet-access.js";
import type { Logger } from "./observability/logger.js";
import type { ProviderRegistry } from "./providers/registry.js";
import type { RefundService } from "./refunds/refund-service.js";
import { createBalanceLoader, type BalanceLoader } from "./wallet/balance-loader.js";
import { WalletReader } from "./wallet/wallet-reader.js";

/** Per process: built once at start, closed at stop. */
export interface Services {
  providers: ProviderRegistry;
  refunds: RefundService;
  accountLinks: AccountLinkService;
  access: AccessPolicy;
  logger: Logger;
}

/**
 * The services as a request's resolvers see them: without the policy (they ask the request's `access`)
 * and without the process's own `link`, which asks no caller.
 */
interface RequestServices {
  providers: ProviderRegistry;
  refunds: RefundService;
  accountLinks: Omit<AccountLinkService, "link">;
  logger: Logger;
}

/** Per request: nothing here outlives the operation it was made for. */
export interface RequestContext {
  services: RequestServices;
  /** What the caller (from the router-forwarded token) may do: every path to a wallet's money goes through it. */
  access: WalletAccess;
  balances: BalanceLoader;
  /** Each wallet's view, read once through `balances` for every field that shows it. */
  wallets: WalletReader;
}

export function createRequestContext(
  services: Services,
  caller: Caller,
  /** Told how many balances each provider is asked for in each batch (for metrics). */
  onBatch?: (providerId: string, size: number) => void,
): RequestContext {
  const balances = createBalanceLoader(services.providers, services.logger, onBatch);
  return {
    services,
    access: new WalletAccess(services.access, caller),
    balances,
    wallets: new WalletReader(services.providers, balances),
  };
}
