// Responsible for the bench's users: how many wallets and their ids; what each provider holds for them is its protocol's bench demo.
export { BENCH_REFUND_WALLET as REFUND_WALLET } from "../src/providers/slot-spec/demo.js";

const walletId = (index: number): string => `bench-${String(index + 1).padStart(4, "0")}`;

/** The ids of `count` bench wallets; each protocol's bench setup makes their amounts differ per wallet. */
export function benchWalletIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => walletId(index));
}
