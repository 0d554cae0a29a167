// Responsible for the sandbox's providers: every protocol's simulator on loopback, holding the demo wallet "tester", and the configuration that points at them.
import { randomBytes } from "node:crypto";
import type { AccountDetails } from "../accounts/account-links.js";
import type { ProviderConfig } from "../config/providers-file.js";
import { AlphaSmsSimulator } from "../providers/alphasms/simulator.js";
import { NamiSimulator } from "../providers/nami/simulator.js";
import { SlotSpecSimulator } from "../providers/slot-spec/simulator.js";
import { generatePartnerKeys, generateRsaKeyPair } from "../providers/xpay/envelope.js";
import { XpaySimulator } from "../providers/xpay/simulator.js";

export const DEMO_WALLET = "tester";
/** The demo wallet's XPAY payment instrument. */
export const XPAY_DEMO_INSTRUMENT = "1b982500-59bb-4ec8-8c03-a4cbabea1355";
const XPAY_DEMO_DETAILS = { instrumentUuid: XPAY_DEMO_INSTRUMENT, phone: "380501234567", deviceId: "sandbox-device" };

export interface DemoLink {
  walletId: string;
  providerId: string;
  accountRef: string;
  details: AccountDetails;
}

export interface DemoProviders {
  simulators: {
    kyren: SlotSpecSimulator;
    luckyMonaco: SlotSpecSimulator;
    alphaSms: AlphaSmsSimulator;
    nami: NamiSimulator;
    xpay: XpaySimulator;
  };
  providers: ProviderConfig[];
  /** The account links the demo wallet needs at the providers whose accounts are linked. */
  links: DemoLink[];
  stop(): Promise<void>;
}

/** Credentials are made up per start: the sandbox's simulators accept only these, and they are never printed. */
const secret = () => randomBytes(24).toString("base64url");

/** Where the five demo providers answer and what they accept (the sandbox's simulators, or the benchmark's). */
export interface DemoProviderEndpoints {
  limits: { timeoutMs: number; maxConnections: number };
  kyren: { baseUrl: string; partnerId: string; token: string };
  luckyMonaco: { baseUrl: string; partnerId: string; token: string };
  alphaSms: { baseUrl: string; accounts: { ref: string; apiKey: string }[] };
  nami: { baseUrl: string; accounts: { ref: string; apiKey: string; apiSecret: string }[] };
  xpay: { baseUrl: string; partnerToken: string; partnerPrivateKey: string; xpayPublicKey: string; terminalId: string };
}

/** The five demo providers configured as an operator would write them in a providers file. */
export function demoProviderConfigs(endpoints: DemoProviderEndpoints): ProviderConfig[] {
  const { limits } = endpoints;
  return [
    // Kyren, the later brand of the SLOT_SPEC API, offers /user/info: one call answers every currency of a user.
    {
      ...limits,
      protocol: "slot-spec",
      id: "kyren",
      name: "Kyren",
      ...endpoints.kyren,
      currencies: ["USD", "EUR"],
      userInfo: true,
      canRefund: false,
    },
    // Lucky Monaco publishes the refund call.
    {
      ...limits,
      protocol: "slot-spec",
      id: "lucky-monaco",
      name: "Lucky Monaco",
      ...endpoints.luckyMonaco,
      currencies: ["USD", "EUR"],
      userInfo: false,
      canRefund: true,
    },
    { ...limits, protocol: "alphasms", id: "alphasms", name: "AlphaSMS", ...endpoints.alphaSms, maxItemsPerCall: 50 },
    {
      ...limits,
      protocol: "nami",
      id: "nami",
      name: "Nami Exchange",
      ...endpoints.nami,
      walletTypes: ["spot", "futures"],
      assets: { "1": "NAMI", "9": "BTC", "10": "ETH", "22": "USDT", "39": "VNST", "72": "VNDC" },
    },
    { ...limits, protocol: "xpay", id: "xpay", name: "XPAY", ...endpoints.xpay, currency: "UAH", answers: "encoded" },
  ];
}

export async function startDemoProviders(options: { timeoutMs: number }): Promise<DemoProviders> {
  const common = { timeoutMs: options.timeoutMs, maxConnections: 16 };

  const kyrenPartner = { partnerId: `sandbox-${randomBytes(3).toString("hex")}`, token: secret() };
  const luckyMonacoPartner = { partnerId: `sandbox-${randomBytes(3).toString("hex")}`, token: secret() };
  const alphaSmsKey = secret();
  const namiAccount = { apiKey: `sandbox-${randomBytes(8).toString("hex")}`, apiSecret: secret() };
  const xpayToken = secret();
  // XPAY signs and encrypts with RSA: the partner's keys and XPAY's own are made for the sandbox.
  const [xpayPartnerKeys, xpayKeys] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);

  const [kyren, luckyMonaco, alphaSms, nami, xpay] = await Promise.all([
    SlotSpecSimulator.start({ partners: [kyrenPartner], wallets: { [DEMO_WALLET]: { USD: "100.0" } } }),
    SlotSpecSimulator.start({ partners: [luckyMonacoPartner], wallets: { [DEMO_WALLET]: { USD: "300.0" } } }),
    AlphaSmsSimulator.start({ accounts: [{ apiKey: alphaSmsKey, amount: "31.1683", currency: "UAH" }] }),
    NamiSimulator.start({
      accounts: [
        {
          ...namiAccount,
          spot: { "22": { value: "1234.56789012", locked: "234.5" }, "9": "0.00012345" },
          futures: { "22": "50" },
        },
      ],
    }),
    XpaySimulator.start({
      keys: xpayKeys,
      partners: [{ token: xpayToken, publicKeyPem: xpayPartnerKeys.publicKeyPem }],
      instruments: { [XPAY_DEMO_INSTRUMENT]: { sum: "50000", phone: XPAY_DEMO_DETAILS.phone, deviceId: XPAY_DEMO_DETAILS.deviceId } },
    }),
  ]);

  const providers = demoProviderConfigs({
    limits: common,
    kyren: { baseUrl: kyren.url, ...kyrenPartner },
    luckyMonaco: { baseUrl: luckyMonaco.url, ...luckyMonacoPartner },
    alphaSms: { baseUrl: alphaSms.url, accounts: [{ ref: "main", apiKey: alphaSmsKey }] },
    nami: { baseUrl: nami.url, accounts: [{ ref: "main", ...namiAccount }] },
    xpay: {
      baseUrl: xpay.url,
      partnerToken: xpayToken,
      partnerPrivateKey: xpayPartnerKeys.privateKeyPem,
      xpayPublicKey: xpay.publicKeyPem,
      terminalId: "sandbox",
    },
  });

  const links: DemoLink[] = [
    { walletId: DEMO_WALLET, providerId: "alphasms", accountRef: "main", details: {} },
    { walletId: DEMO_WALLET, providerId: "nami", accountRef: "main", details: {} },
    { walletId: DEMO_WALLET, providerId: "xpay", accountRef: "xpay-wallet", details: XPAY_DEMO_DETAILS },
  ];

  return {
    simulators: { kyren, luckyMonaco, alphaSms, nami, xpay },
    providers,
    links,
    async stop() {
      await Promise.all([kyren.stop(), luckyMonaco.stop(), alphaSms.stop(), nami.stop(), xpay.stop()]);
    },
  };
}
