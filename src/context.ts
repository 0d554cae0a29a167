// Responsible for what one request owns (its balance loader) and what it borrows from the process (services).
import type { AccountLinkService } from "./accounts/account-link-service.js";
import type { AccessPolicy, Caller } from "./auth/caller.js";
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

/** Per request: nothing here outlives the operation it was made for. */
export interface RequestContext {
  services: Services;
  /** Who is calling, from the router-forwarded token. */
  caller: Caller;
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
  return { services, caller, balances, wallets: new WalletReader(services.providers, balances) };
}
