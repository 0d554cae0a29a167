// Responsible for the configuration of one Nami Exchange provider: its API accounts, wallet types and asset map, validated at start, secrets resolved.
import { z } from "zod";
import { currencyCode, providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { accountRef, accountsByRef, providerBaseUrl } from "../kit/config.js";
import { DEFAULT_NAMI_ASSETS, NAMI_WALLET_TYPES, type NamiWalletType } from "./codes.js";

const namiAccount = z.strictObject({
  /** The account's name in account links (`AccountLink.accountRef`). */
  ref: accountRef,
  apiKey: secretReference,
  apiSecret: secretReference,
});

export const namiProviderConfig = z.strictObject({
  protocol: z.literal("nami"),
  ...providerCommon,
  /** The exchange's origin, such as https://nami.exchange; the API path is appended. */
  baseUrl: providerBaseUrl,
  accounts: accountsByRef(namiAccount),
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
