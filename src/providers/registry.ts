// Responsible for the process's provider clients: built once from configuration, looked up by id, closed together.
import type { ProviderInfo, WalletProvider } from "./provider.js";

/** Lives for the process. Keeps the configured order, which is the order balances are shown in. */
export class ProviderRegistry {
  private readonly byId: Map<string, WalletProvider>;

  constructor(readonly all: readonly WalletProvider[]) {
    this.byId = new Map();
    for (const provider of all) {
      if (this.byId.has(provider.info.id)) throw new Error(`two providers share the id "${provider.info.id}"`);
      this.byId.set(provider.info.id, provider);
    }
  }

  get(id: string): WalletProvider | undefined {
    return this.byId.get(id);
  }

  /** A configured provider's info; for one no longer configured (named by an old refund), a placeholder. */
  info(id: string): ProviderInfo {
    return this.byId.get(id)?.info ?? { id, name: id, protocol: "unconfigured", canRefund: false };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.all.map((provider) => provider.close()));
  }
}
