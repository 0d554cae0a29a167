// Responsible for the bench's five providers: their simulators (a process each), the credentials they accept, and the subgraph's configuration for them.
import { randomBytes } from "node:crypto";
import type { ProviderConfig } from "../src/config/providers-file.js";
import { generatePartnerKeys, generateRsaKeyPair } from "../src/providers/xpay/envelope.js";
import { demoProviderConfigs, type DemoLink } from "../src/sandbox/demo-providers.js";
import { benchWallets, REFUND_WALLET, REFUND_WALLET_USD } from "./dataset.js";
import { BenchProcess } from "./lib/ipc.js";
import type { SimulatorMethods, SimulatorOptions, SimulatorReady } from "./processes/simulator.js";

type Simulator = BenchProcess<SimulatorMethods, SimulatorReady>;

const secret = () => randomBytes(24).toString("base64url");

export class SimulatedProviders {
  private constructor(
    private readonly simulators: ReadonlyMap<string, Simulator>,
    /** The subgraph's configuration for them, secrets included (loopback only). */
    readonly providers: ProviderConfig[],
    /** The account links the bench wallets need at the linked-account providers. */
    readonly links: DemoLink[],
    readonly walletIds: string[],
  ) {}

  static async start(options: { wallets: number; latencyMs: number }): Promise<SimulatedProviders> {
    const wallets = benchWallets(options.wallets);
    const kyrenPartner = { partnerId: "bench-kyren", token: secret() };
    const luckyMonacoPartner = { partnerId: "bench-lucky-monaco", token: secret() };
    const xpayToken = secret();
    const [xpayPartnerKeys, xpayKeys] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);
    const common = { latencyMs: options.latencyMs, wallets };
    const setups: SimulatorOptions[] = [
      { ...common, provider: "kyren", partner: kyrenPartner },
      { ...common, provider: "lucky-monaco", partner: luckyMonacoPartner, extraWallets: { [REFUND_WALLET]: { USD: REFUND_WALLET_USD } } },
      { ...common, provider: "alphasms" },
      { ...common, provider: "nami" },
      { ...common, provider: "xpay", keys: xpayKeys, partner: { token: xpayToken, publicKeyPem: xpayPartnerKeys.publicKeyPem } },
    ];
    const started = await Promise.all(
      setups.map((setup) => BenchProcess.start<SimulatorMethods, SimulatorReady>("simulator", setup, `${setup.provider} simulator`)),
    );
    const [kyren, luckyMonaco, alphaSms, nami, xpay] = started as [Simulator, Simulator, Simulator, Simulator, Simulator];

    // The same five providers as the sandbox's demo, as an operator would configure them.
    const limits = { timeoutMs: 3_000, maxConnections: 64 };
    const providers = demoProviderConfigs({
      limits,
      kyren: { baseUrl: kyren.ready.url, ...kyrenPartner },
      luckyMonaco: { baseUrl: luckyMonaco.ready.url, ...luckyMonacoPartner },
      alphaSms: { baseUrl: alphaSms.ready.url, accounts: wallets.map((wallet) => ({ ref: wallet.id, apiKey: wallet.alphaSms.apiKey })) },
      nami: {
        baseUrl: nami.ready.url,
        accounts: wallets.map((wallet) => ({ ref: wallet.id, apiKey: wallet.nami.apiKey, apiSecret: wallet.nami.apiSecret })),
      },
      xpay: {
        baseUrl: xpay.ready.url,
        partnerToken: xpayToken,
        partnerPrivateKey: xpayPartnerKeys.privateKeyPem,
        xpayPublicKey: xpay.ready.publicKeyPem!,
        terminalId: "bench",
      },
    });
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
    const byProvider = new Map(providers.map((provider, index) => [provider.id, started[index]!]));
    return new SimulatedProviders(byProvider, providers, links, wallets.map((wallet) => wallet.id));
  }

  async setLatency(ms: number): Promise<void> {
    await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("setLatency", ms)));
  }

  /** Requests each provider received since the last reset, by provider id. */
  async calls(): Promise<Record<string, number>> {
    const entries = await Promise.all([...this.simulators].map(async ([id, simulator]) => [id, await simulator.call("calls")] as const));
    return Object.fromEntries(entries);
  }

  /** Every simulator's answer times since the last reset, in ms from a request's arrival to its answer leaving. */
  async answerTimes(): Promise<number[]> {
    const times = await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("answerTimes")));
    return times.flat();
  }

  async resetCalls(): Promise<void> {
    await Promise.all([...this.simulators.values()].map((simulator) => simulator.call("resetCalls")));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.simulators.values()].map((simulator) => simulator.stop()));
  }
}
