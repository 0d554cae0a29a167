// Responsible for providers that answer from memory: what the real clients read once from the simulators, replayed without HTTP.
import { ScaledDecimal } from "../src/money/decimal.js";
import type { AccountBalance, BalanceQuery, BalanceResult, ProviderInfo, WalletProvider } from "../src/providers/provider.js";
import type { ProviderRegistry } from "../src/providers/registry.js";

/** A provider whose every answer was read once, through its real client, before the bench began. */
export class RecordedProvider implements WalletProvider {
  readonly accounts = "per-user";

  constructor(
    readonly info: ProviderInfo,
    readonly balancesByWallet: ReadonlyMap<string, readonly AccountBalance[]>,
  ) {}

  async loadBalances(queries: readonly BalanceQuery[]): Promise<BalanceResult[]> {
    return queries.map(({ walletId, currency }) => {
      const held = this.balancesByWallet.get(walletId) ?? [];
      return { balances: currency === null ? [...held] : held.filter((balance) => balance.currency === currency), failures: [] };
    });
  }

  async close(): Promise<void> {}
}

/** Reads every wallet at every provider once (all currencies) and keeps the answers; fails on any provider failure. */
export async function recordProviders(registry: ProviderRegistry, walletIds: readonly string[]): Promise<RecordedProvider[]> {
  return Promise.all(
    registry.all.map(async (provider) => {
      const results = await provider.loadBalances(walletIds.map((walletId) => ({ walletId, currency: null })));
      const failures = results.flatMap((result) => result.failures);
      if (failures.length > 0) throw new Error(`${provider.info.id} could not be recorded: ${JSON.stringify(failures[0])}`);
      return new RecordedProvider(provider.info, new Map(walletIds.map((walletId, i) => [walletId, results[i]!.balances])));
    }),
  );
}

type RecordedBalance = Omit<AccountBalance, "amount" | "available" | "locked"> & { amount: string; available: string; locked: string };

/** The recording as plain data, to hand to another process: amounts as their text, which keeps their scale. */
export type Recording = { info: ProviderInfo; wallets: [string, RecordedBalance[]][] }[];

export function toRecording(providers: readonly RecordedProvider[]): Recording {
  return providers.map((provider) => ({
    info: provider.info,
    wallets: [...provider.balancesByWallet].map(([walletId, balances]) => [
      walletId,
      balances.map((balance) => ({
        ...balance,
        amount: balance.amount.toString(),
        available: balance.available.toString(),
        locked: balance.locked.toString(),
      })),
    ]),
  }));
}

export function fromRecording(recording: Recording): RecordedProvider[] {
  return recording.map(
    ({ info, wallets }) =>
      new RecordedProvider(
        info,
        new Map(
          wallets.map(([walletId, balances]) => [
            walletId,
            balances.map((balance) => ({
              ...balance,
              amount: ScaledDecimal.parse(balance.amount),
              available: ScaledDecimal.parse(balance.available),
              locked: ScaledDecimal.parse(balance.locked),
            })),
          ]),
        ),
      ),
  );
}
