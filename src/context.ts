// Responsible for what one request owns (its balance loader) and what it borrows from the process (services).
import type { AccountLinkService } from "./accounts/account-link-service.js";
import type { AccessPolicy, Caller } from "./auth/caller.js";
import type { Logger } from "./observability/logger.js";
import type { ProviderRegistry } from "./providers/registry.js";
import type { RefundService } from "./refunds/refund-service.js";
import { createBalanceLoader, type BalanceLoader } from "./wallet/balance-loader.js";

/** Per process: built once at start, closed at stop. */
export interface Services {
  providers: ProviderRegistry;
  refunds: RefundService;
  accountLinks: AccountLinkService;
  access: AccessPolicy;
  logger: Logger;
}

/** Per request: nothing here outlives the operation it was made for. */
export interface RequestContext {
  services: Services;
  /** Who is calling, from the router-forwarded token. */
  caller: Caller;
  balances: BalanceLoader;
}

export function createRequestContext(services: Services, caller: Caller): RequestContext {
  return { services, caller, balances: createBalanceLoader(services.providers, services.logger) };
}
