// Responsible for the bench's users: how many wallets, their ids, and what each provider holds for them.
import { randomUUID } from "node:crypto";

/** One wallet of the bench, with its account at every provider (the demo wallet's, repeated). */
export interface BenchWallet {
  id: string;
  kyren: Record<string, string>;
  luckyMonaco: Record<string, string>;
  alphaSms: { apiKey: string; amount: string; currency: string };
  nami: { apiKey: string; apiSecret: string; spot: Record<string, { value: string; locked: string } | string>; futures: Record<string, string> };
  xpay: { instrumentUuid: string; sum: string; phone: string; deviceId: string };
}

const walletId = (index: number): string => `bench-${String(index + 1).padStart(4, "0")}`;

/** Amounts differ per wallet, with the scales each provider writes (decimal strings, JSON numbers, kopecks). */
export function benchWallets(count: number): BenchWallet[] {
  return Array.from({ length: count }, (_, index) => {
    const cents = String(index).padStart(2, "0");
    return {
      id: walletId(index),
      kyren: { USD: `1${index}.${cents}`, EUR: `0.0${index % 10}` },
      luckyMonaco: { USD: `30${index}.5`, EUR: "12.00" },
      alphaSms: { apiKey: `alpha-${randomUUID()}`, amount: `31.${1683 + index}`, currency: "UAH" },
      nami: {
        apiKey: `nami-${index}-${randomUUID().slice(0, 8)}`,
        apiSecret: randomUUID(),
        spot: { "22": { value: `1234.5678901${index % 10}`, locked: "234.5" }, "9": "0.00012345" },
        futures: { "22": `5${index}` },
      },
      xpay: {
        instrumentUuid: randomUUID(),
        sum: `5000${index}`,
        phone: `3805${String(index).padStart(8, "0")}`,
        deviceId: `bench-device-${index}`,
      },
    };
  });
}

/** The wallet refunds are taken from: enough money at Lucky Monaco for every refund of a run. */
export const REFUND_WALLET = "bench-refunds";
export const REFUND_WALLET_USD = "1000000000.00";
