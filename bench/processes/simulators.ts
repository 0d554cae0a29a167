// Responsible for the bench's provider simulators: all five protocols in a process of their own, holding the bench wallets, with a set latency.
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import { AlphaSmsSimulator } from "../../src/providers/alphasms/simulator.js";
import { NamiSimulator } from "../../src/providers/nami/simulator.js";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { generatePartnerKeys, generateRsaKeyPair } from "../../src/providers/xpay/envelope.js";
import { XpaySimulator } from "../../src/providers/xpay/simulator.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { benchWallets, REFUND_WALLET, REFUND_WALLET_USD } from "../dataset.js";

export interface SimulatorsOptions {
  wallets: number;
  /** Every simulator's answer time at start, in ms. */
  latencyMs: number;
}

export interface SimulatorsReady {
  /** The subgraph's configuration for them, secrets included (loopback only). */
  providers: ProviderConfig[];
  /** The account links the bench wallets need at the linked-account providers. */
  links: DemoLink[];
  walletIds: string[];
}

const secret = () => randomBytes(24).toString("base64url");

async function start(options: SimulatorsOptions) {
  const wallets = benchWallets(options.wallets);
  const kyrenPartner = { partnerId: "bench-kyren", token: secret() };
  const luckyMonacoPartner = { partnerId: "bench-lucky-monaco", token: secret() };
  const xpayToken = secret();
  const [xpayPartnerKeys, xpayKeys] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);

  const simulators = {
    kyren: await SlotSpecSimulator.start({
      partners: [kyrenPartner],
      wallets: Object.fromEntries(wallets.map((wallet) => [wallet.id, wallet.kyren])),
    }),
    luckyMonaco: await SlotSpecSimulator.start({
      partners: [luckyMonacoPartner],
      wallets: {
        ...Object.fromEntries(wallets.map((wallet) => [wallet.id, wallet.luckyMonaco])),
        [REFUND_WALLET]: { USD: REFUND_WALLET_USD },
      },
    }),
    alphaSms: await AlphaSmsSimulator.start({ accounts: wallets.map((wallet) => wallet.alphaSms) }),
    nami: await NamiSimulator.start({ accounts: wallets.map((wallet) => wallet.nami) }),
    xpay: await XpaySimulator.start({
      keys: xpayKeys,
      partners: [{ token: xpayToken, publicKeyPem: xpayPartnerKeys.publicKeyPem }],
      instruments: Object.fromEntries(
        wallets.map(({ xpay }) => [xpay.instrumentUuid, { sum: xpay.sum, phone: xpay.phone, deviceId: xpay.deviceId }]),
      ),
    }),
  };
  const all = Object.values(simulators);
  const setLatency = (ms: number) => all.forEach((simulator) => simulator.setLatency(ms));
  setLatency(options.latencyMs);

  // The same five providers as the sandbox's demo, as an operator would configure them.
  const common = { timeoutMs: 3_000, maxConnections: 64 };
  const providers: ProviderConfig[] = [
    { ...common, protocol: "slot-spec", id: "kyren", name: "Kyren", baseUrl: simulators.kyren.url, ...kyrenPartner, currencies: ["USD", "EUR"], userInfo: true, canRefund: false },
    {
      ...common,
      protocol: "slot-spec",
      id: "lucky-monaco",
      name: "Lucky Monaco",
      baseUrl: simulators.luckyMonaco.url,
      ...luckyMonacoPartner,
      currencies: ["USD", "EUR"],
      userInfo: false,
      canRefund: true,
    },
    {
      ...common,
      protocol: "alphasms",
      id: "alphasms",
      name: "AlphaSMS",
      baseUrl: simulators.alphaSms.url,
      accounts: wallets.map((wallet) => ({ ref: wallet.id, apiKey: wallet.alphaSms.apiKey })),
      maxItemsPerCall: 50,
    },
    {
      ...common,
      protocol: "nami",
      id: "nami",
      name: "Nami Exchange",
      baseUrl: simulators.nami.url,
      accounts: wallets.map((wallet) => ({ ref: wallet.id, apiKey: wallet.nami.apiKey, apiSecret: wallet.nami.apiSecret })),
      walletTypes: ["spot", "futures"],
      assets: { "1": "NAMI", "9": "BTC", "10": "ETH", "22": "USDT", "39": "VNST", "72": "VNDC" },
    },
    {
      ...common,
      protocol: "xpay",
      id: "xpay",
      name: "XPAY",
      baseUrl: simulators.xpay.url,
      partnerToken: xpayToken,
      partnerPrivateKey: xpayPartnerKeys.privateKeyPem,
      xpayPublicKey: simulators.xpay.publicKeyPem,
      terminalId: "bench",
      currency: "UAH",
      answers: "encoded",
    },
  ];
  const links: DemoLink[] = wallets.flatMap((wallet) => [
    { walletId: wallet.id, providerId: "alphasms", accountRef: wallet.id, details: {} },
    { walletId: wallet.id, providerId: "nami", accountRef: wallet.id, details: {} },
    {
      walletId: wallet.id,
      providerId: "xpay",
      accountRef: `xpay-${wallet.id}`,
      details: { instrumentUuid: wallet.xpay.instrumentUuid, phone: wallet.xpay.phone, deviceId: wallet.xpay.deviceId },
    },
  ]);

  const ready: SimulatorsReady = { providers, links, walletIds: wallets.map((wallet) => wallet.id) };
  const methods = {
    setLatency: (ms: number) => setLatency(ms),
    /** Requests received since the last reset, by provider id. */
    calls: (): Record<string, number> => ({
      kyren: simulators.kyren.calls(),
      "lucky-monaco": simulators.luckyMonaco.calls(),
      alphasms: simulators.alphaSms.calls(),
      nami: simulators.nami.calls(),
      xpay: simulators.xpay.calls(),
    }),
    resetCalls: () => all.forEach((simulator) => simulator.resetCalls()),
  };
  serveMethods(ready, methods, async () => {
    await Promise.all(all.map((simulator) => simulator.stop()));
  });
}

export type SimulatorsMethods = {
  setLatency(ms: number): void;
  calls(): Record<string, number>;
  resetCalls(): void;
};

start(benchOptions<SimulatorsOptions>()).catch(failStart);
