// Responsible for the XPAY partner the XPAY tests play: its tokens, the tester's instruments, and the keys of both sides.
import { generatePartnerKeys, generateRsaKeyPair, type RsaKeyPairPem } from "../../src/providers/xpay/envelope.js";
import type { XpaySimulatorOptions } from "../../src/providers/xpay/simulator.js";

export const TOKEN = "3b4e5666-b585-491a-af31-516e47b25041";
/** A partner whose answers come in the clear (DecodedData). */
export const CLEAR_TOKEN = "72a8ddb8-9145-4a41-af1a-8c48ecaa4be1";
export const PHONE = "380501234567";
export const DEVICE = "0Ht9z0yh5aDNr5-js1zGFz5QTmIE=";
export const TESTER_WALLET = "1b982500-59bb-4ec8-8c03-a4cbabea1355";
export const TESTER_CARD = "ead5ea7a-f19f-44ec-8742-3621b4bfdc18";

/** XPAY's own key pair, the partner's, and the clear partner's. */
export async function xpayPartyKeys(): Promise<[xpay: RsaKeyPairPem, partner: RsaKeyPairPem, clearPartner: RsaKeyPairPem]> {
  return Promise.all([generateRsaKeyPair(), generatePartnerKeys(), generatePartnerKeys()]);
}

/** The simulator's two partners: one that gets sealed answers under TOKEN, one that gets them in the clear under CLEAR_TOKEN. */
export function xpayPartners(partner: RsaKeyPairPem, clearPartner: RsaKeyPairPem): XpaySimulatorOptions["partners"] {
  return [
    { token: TOKEN, publicKeyPem: partner.publicKeyPem },
    { token: CLEAR_TOKEN, publicKeyPem: clearPartner.publicKeyPem, answers: "decoded" },
  ];
}
