// Responsible for the XPAY protocol as the service sees it: its configuration, its client, its secrets and its demo instrument.
import { DEMO_WALLET, defineProtocol, demoSecret } from "../kit/descriptor.js";
import { XpayClient } from "./client.js";
import { xpayProviderConfig, type XpayProviderConfig } from "./config.js";
import { generatePartnerKeys, generateRsaKeyPair } from "./envelope.js";

/** The demo wallet's XPAY payment instrument. */
export const XPAY_DEMO_INSTRUMENT = "1b982500-59bb-4ec8-8c03-a4cbabea1355";
const XPAY_DEMO_DETAILS = { instrumentUuid: XPAY_DEMO_INSTRUMENT, phone: "380501234567", deviceId: "sandbox-device" };

/** Where the demo XPAY answers, the partner's credentials and keys, and XPAY's public key. */
export interface XpayDemoEndpoints {
  xpay: { baseUrl: string; partnerToken: string; partnerPrivateKey: string; xpayPublicKey: string; terminalId: string };
}

export const xpay = defineProtocol({
  protocol: "xpay",
  configSchema: xpayProviderConfig,
  createClient: (config, dependencies) => new XpayClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["partnerToken", "partnerPrivateKey"],
  demo: {
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
  },
});
