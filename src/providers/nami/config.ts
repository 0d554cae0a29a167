// Responsible for the configuration of one Nami Exchange provider: its API accounts, wallet types and asset map, validated at start, secrets resolved.
import { z } from "zod";
import { currencyCode, providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { DEFAULT_NAMI_ASSETS, NAMI_WALLET_TYPES, type NamiWalletType } from "./codes.js";

/** The same limit the account-link service puts on an `accountRef`, so every configured ref can be linked. */
const ACCOUNT_REF_MAX_LENGTH = 128;

const namiAccount = z.strictObject({
  /** The account's name in account links (`AccountLink.accountRef`). */
  ref: z
    .string()
    .min(1)
    .max(ACCOUNT_REF_MAX_LENGTH)
    .regex(/^[^\u0000-\u001f]+$/, "must be printable characters"),
  apiKey: secretReference,
  apiSecret: secretReference,
});

export const namiProviderConfig = z.strictObject({
  protocol: z.literal("nami"),
  ...providerCommon,
  /** The exchange's origin, such as https://nami.exchange; the API path is appended. */
  baseUrl: z
    .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
    // A query or fragment would be dropped silently when paths are appended: refuse it at start instead.
    // zod runs this even when the URL check above failed, so an unparsable text must not throw here.
    .refine((text) => {
      if (!URL.canParse(text)) return true;
      const url = new URL(text);
      return url.search === "" && url.hash === "";
    }, "must not carry a query string or fragment"),
  accounts: z
    .array(namiAccount)
    .min(1)
    .superRefine((accounts, context) => {
      const seen = new Set<string>();
      accounts.forEach((account, index) => {
        if (seen.has(account.ref)) context.addIssue({ code: "custom", path: [index, "ref"], message: `"${account.ref}" is used twice` });
        seen.add(account.ref);
      });
    }),
  /** Which wallets of each account are read: one call each. */
  walletTypes: z
    .array(z.enum(NAMI_WALLET_TYPES as [NamiWalletType, ...NamiWalletType[]]))
    .min(1)
    .refine((types) => new Set(types).size === types.length, "lists a wallet type twice")
    .default(["spot", "futures"]),
  /**
   * Asset id (as the exchange writes it) -> currency code. An asset the map does not name is not
   * shown: a symbol is never invented for it.
   */
  assets: z
    .record(z.string().regex(/^(?:0|[1-9]\d*)$/, "must be an asset id: digits"), currencyCode)
    .refine((assets) => Object.keys(assets).length > 0, "name at least one asset")
    // Two ids with one symbol would show two balances of one currency under one account name.
    .refine((assets) => new Set(Object.values(assets)).size === Object.values(assets).length, "names one currency for two asset ids")
    .default({ ...DEFAULT_NAMI_ASSETS }),
});

export type NamiProviderConfig = z.output<typeof namiProviderConfig>;
export type NamiAccountConfig = NamiProviderConfig["accounts"][number];
