// Responsible for the configuration of one AlphaSMS provider: its endpoint and the accounts (API keys) it can read, validated at start.
import { z } from "zod";
import { providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { accountRef, accountsByRef, providerBaseUrl } from "../kit/config.js";
import { DEFAULT_MAX_ITEMS_PER_CALL } from "./codes.js";

const alphaSmsAccountConfig = z.strictObject({
  /** The name an account link's `accountRef` uses for this account. */
  ref: accountRef,
  /** The API key from the account's personal cabinet, sent as `auth`. */
  apiKey: secretReference,
});

export const alphaSmsProviderConfig = z.strictObject({
  protocol: z.literal("alphasms"),
  ...providerCommon,
  baseUrl: providerBaseUrl,
  accounts: accountsByRef(alphaSmsAccountConfig, "configure at least one account"),
  /** Most balance items in one request's `data` array; more are split over several calls. */
  maxItemsPerCall: z.number().int().positive().default(DEFAULT_MAX_ITEMS_PER_CALL),
});

export type AlphaSmsProviderConfig = z.output<typeof alphaSmsProviderConfig>;
