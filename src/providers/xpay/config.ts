// Responsible for the configuration of one XPAY partner (operation 40003): validated at start, secrets resolved, keys proven readable.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { currencyCode, providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { providerBaseUrl } from "../kit/config.js";
import { DEFAULT_CURRENCY } from "./codes.js";
import { readPrivateKeyPem, readPublicKeyPem } from "./envelope.js";

/** An environment variable often cannot hold line breaks: a PEM written with literal "\n" is read as meant. */
function unescapeNewlines(pem: string): string {
  return pem.includes("\n") ? pem : pem.replace(/\\n/g, "\n");
}

/** `pem` when `read` takes it; else an issue naming `field` and why, and no value. */
function proven(field: string, read: (pem: string) => unknown, pem: string, context: z.RefinementCtx): string {
  try {
    read(pem);
  } catch (error) {
    context.addIssue({ code: "custom", message: `${field} ${(error as Error).message}` });
    return z.NEVER;
  }
  return pem;
}

/** The partner's private key: a secret reference whose text must be an unencrypted RSA private key in PEM. */
const partnerPrivateKey = secretReference.transform((text, context) =>
  proven("partnerPrivateKey", readPrivateKeyPem, unescapeNewlines(text), context),
);

/** XPAY's public key is not a secret: inline PEM, or `{ file }`. */
const xpayPublicKey = z.union([z.string().min(1), z.strictObject({ file: z.string().min(1) })]).transform((source, context) => {
  let pem: string;
  if (typeof source === "string") {
    pem = unescapeNewlines(source);
  } else {
    try {
      pem = readFileSync(source.file, "utf8");
    } catch {
      context.addIssue({ code: "custom", message: `xpayPublicKey file ${source.file} cannot be read` });
      return z.NEVER;
    }
  }
  return proven("xpayPublicKey", readPublicKeyPem, pem, context);
});

export const xpayProviderConfig = z.strictObject({
  protocol: z.literal("xpay"),
  ...providerCommon,
  /** The one URL every operation is POSTed to, such as https://papi.xpaydirect.com/xpay. */
  baseUrl: providerBaseUrl,
  partnerToken: secretReference,
  partnerPrivateKey,
  xpayPublicKey,
  /** `Transaction.TerminalID` of every request: the partner's terminal as XPAY registered it. */
  terminalId: z.string().min(1),
  /** The currency of every XPAY balance (Sum is in its minor units). */
  currency: currencyCode.default(DEFAULT_CURRENCY),
  /**
   * "encoded": answers must come encrypted and signed (EncodedData); a clear one is refused, as it
   * could be a forgery. "decoded": the partner is set up for clear answers (DecodedData); a signed
   * one is still taken.
   */
  answers: z.enum(["encoded", "decoded"]).default("encoded"),
});

export type XpayProviderConfig = z.output<typeof xpayProviderConfig>;
