// Responsible for the objects that live for the whole process: provider clients and the refund ledger.
import type { Services } from "./context.js";
import type { ProviderConfig } from "./config/providers-file.js";
import { buildProviderRegistry } from "./providers/build-providers.js";
import { MemoryRefundLedger } from "./refunds/memory-ledger.js";
import { RefundService } from "./refunds/refund-service.js";

export interface ProcessServices extends Services {
  close(): Promise<void>;
}

export function createServices(providers: readonly ProviderConfig[]): ProcessServices {
  const registry = buildProviderRegistry(providers);
  return {
    providers: registry,
    refunds: new RefundService(registry, new MemoryRefundLedger()),
    close: () => registry.close(),
  };
}
