// Responsible for the XPAY demo: one instrument holding the demo wallet on loopback, with credentials made up per start, and its configuration as an operator would write it.
import { randomUUID } from "node:crypto";
import { DEMO_WALLET, PLACEHOLDER_SECRET, PLACEHOLDER_URL, defineDemo, demoSecret } from "../kit/descriptor.js";
import type { XpayProviderConfig } from "./config.js";
import { generatePartnerKeys, generateRsaKeyPair, type RsaKeyPairPem } from "./envelope.js";

/** The demo wallet's XPAY payment instrument. */
export const XPAY_DEMO_INSTRUMENT = "1b982500-59bb-4ec8-8c03-a4cbabea1355";
const XPAY_DEMO_DETAILS = { instrumentUuid: XPAY_DEMO_INSTRUMENT, phone: "380501234567", deviceId: "sandbox-device" };

/** The bench's partner credentials, its keys and XPAY's, and one instrument per wallet. */
interface XpayBenchSetup {
  partnerToken: string;
  partnerKeys: RsaKeyPairPem;
  keys: RsaKeyPairPem;
  instruments: { walletId: string; uuid: string; sum: string; phone: string; deviceId: string }[];
}

/** Where the demo XPAY answers, the partner's credentials and keys, and XPAY's public key. */
export interface XpayDemoEndpoints {
  xpay: { baseUrl: string; partnerToken: string; partnerPrivateKey: string; xpayPublicKey: string; terminalId: string };
}

export const xpayDemo = defineDemo({
  configs: (endpoints: XpayDemoEndpoints, limits): XpayProviderConfig[] => [
    { ...limits, protocol: "xpay", id: "xpay", name: "XPAY", ...endpoints.xpay, currency: "UAH", answers: "encoded" },
  ],
  async start() {
    // Loaded only when a demo starts: a configured service never runs a simulator.
    const { XpaySimulator } = await import("./simulator.js");
    const partnerToken = demoSecret();
    // XPAY signs and encrypts with RSA: the partner's keys and XPAY's own are made for the demo.
    const [partnerKeys, xpayKeys] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);
    const xpay = await XpaySimulator.start({
      keys: xpayKeys,
      partners: [{ token: partnerToken, publicKeyPem: partnerKeys.publicKeyPem }],
      instruments: { [XPAY_DEMO_INSTRUMENT]: { sum: "50000", phone: XPAY_DEMO_DETAILS.phone, deviceId: XPAY_DEMO_DETAILS.deviceId } },
    });
    const endpoint = {
      baseUrl: xpay.url,
      partnerToken,
      partnerPrivateKey: partnerKeys.privateKeyPem,
      xpayPublicKey: xpay.publicKeyPem,
      terminalId: "sandbox",
    };
    return {
      endpoints: { xpay: endpoint },
      simulators: { xpay },
      links: [{ walletId: DEMO_WALLET, providerId: "xpay", accountRef: "xpay-wallet", details: XPAY_DEMO_DETAILS }],
    };
  },
  placeholderEndpoints: {
    xpay: {
      baseUrl: PLACEHOLDER_URL,
      partnerToken: PLACEHOLDER_SECRET,
      partnerPrivateKey: PLACEHOLDER_SECRET,
      xpayPublicKey: PLACEHOLDER_SECRET,
      terminalId: PLACEHOLDER_SECRET,
    },
  },
  bench: {
    async setup(walletIds): Promise<XpayBenchSetup> {
      const [partnerKeys, keys] = await Promise.all([generatePartnerKeys(), generateRsaKeyPair()]);
      // One instrument per wallet, its sum and phone differing per wallet.
      const instruments = walletIds.map((walletId, index) => ({
        walletId,
        uuid: randomUUID(),
        sum: `5000${index}`,
        phone: `3805${String(index).padStart(8, "0")}`,
        deviceId: `bench-device-${index}`,
      }));
      return { partnerToken: demoSecret(), partnerKeys, keys, instruments };
    },
    simulators: ["xpay"],
    async startSimulator(_name, setup) {
      const { XpaySimulator } = await import("./simulator.js");
      return XpaySimulator.start({
        keys: setup.keys,
        partners: [{ token: setup.partnerToken, publicKeyPem: setup.partnerKeys.publicKeyPem }],
        instruments: Object.fromEntries(setup.instruments.map(({ uuid, sum, phone, deviceId }) => [uuid, { sum, phone, deviceId }])),
      });
    },
    endpoints: (setup, ready) => ({
      xpay: {
        baseUrl: ready.xpay!.url,
        partnerToken: setup.partnerToken,
        partnerPrivateKey: setup.partnerKeys.privateKeyPem,
        xpayPublicKey: ready.xpay!.publicKeyPem!,
        terminalId: "bench",
      },
    }),
    links: (setup) =>
      setup.instruments.map(({ walletId, uuid, phone, deviceId }) => ({
        walletId,
        providerId: "xpay",
        accountRef: `xpay-${walletId}`,
        details: { instrumentUuid: uuid, phone, deviceId },
      })),
  },
});
