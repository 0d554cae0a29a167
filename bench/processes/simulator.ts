// Responsible for one provider's simulator in a process of its own, holding the bench wallets, with a set latency: five such processes stand for five providers' servers.
import "reflect-metadata";
import { AlphaSmsSimulator } from "../../src/providers/alphasms/simulator.js";
import { NamiSimulator } from "../../src/providers/nami/simulator.js";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import type { RsaKeyPairPem } from "../../src/providers/xpay/envelope.js";
import { XpaySimulator } from "../../src/providers/xpay/simulator.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import type { BenchWallet } from "../dataset.js";

/** What one simulator process is started with: which provider, and what it holds. */
export type SimulatorOptions = { latencyMs: number; wallets: BenchWallet[] } & (
  | { provider: "kyren" | "lucky-monaco"; partner: { partnerId: string; token: string }; extraWallets?: Record<string, Record<string, string>> }
  | { provider: "alphasms" }
  | { provider: "nami" }
  | { provider: "xpay"; keys: RsaKeyPairPem; partner: { token: string; publicKeyPem: string } }
);

export interface SimulatorReady {
  url: string;
  /** XPAY's own public key (XPAY only). */
  publicKeyPem?: string;
}

export type SimulatorMethods = {
  setLatency(ms: number): void;
  /** Requests received since the last reset. */
  calls(): number;
  resetCalls(): void;
  /** How long each answer since the last reset took, arrival to sending, in ms (while a latency was set). */
  answerTimes(): number[];
};

async function startSimulator(options: SimulatorOptions) {
  const { wallets } = options;
  switch (options.provider) {
    case "kyren":
    case "lucky-monaco":
      return SlotSpecSimulator.start({
        partners: [options.partner],
        wallets: {
          ...Object.fromEntries(wallets.map((wallet) => [wallet.id, options.provider === "kyren" ? wallet.kyren : wallet.luckyMonaco])),
          ...options.extraWallets,
        },
      });
    case "alphasms":
      return AlphaSmsSimulator.start({ accounts: wallets.map((wallet) => wallet.alphaSms) });
    case "nami":
      return NamiSimulator.start({ accounts: wallets.map((wallet) => wallet.nami) });
    case "xpay":
      return XpaySimulator.start({
        keys: options.keys,
        partners: [options.partner],
        instruments: Object.fromEntries(
          wallets.map(({ xpay }) => [xpay.instrumentUuid, { sum: xpay.sum, phone: xpay.phone, deviceId: xpay.deviceId }]),
        ),
      });
  }
}

async function start(options: SimulatorOptions) {
  const simulator = await startSimulator(options);
  simulator.setLatency(options.latencyMs);
  const ready: SimulatorReady = { url: simulator.url, publicKeyPem: simulator instanceof XpaySimulator ? simulator.publicKeyPem : undefined };
  const methods: SimulatorMethods = {
    setLatency: (ms) => simulator.setLatency(ms),
    calls: () => simulator.calls(),
    resetCalls: () => simulator.resetCalls(),
    answerTimes: () => simulator.answerTimes(),
  };
  serveMethods(ready, methods, () => simulator.stop());
}

start(benchOptions<SimulatorOptions>()).catch(failStart);
