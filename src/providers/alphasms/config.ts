// Responsible for the configuration of one AlphaSMS provider: its endpoint and the accounts (API keys) it can read, validated at start.
import { z } from "zod";
import { providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { ACCOUNT_REF_MAX_LENGTH, DEFAULT_MAX_ITEMS_PER_CALL } from "./codes.js";

const accountRef = z
  .string()
  .min(1)
  .max(ACCOUNT_REF_MAX_LENGTH)
  // An account link's accountRef cannot hold control characters: such a ref could never be linked.
  .refine((ref) => !/[\u0000-\u001f]/.test(ref), "must be printable characters");

export const alphaSmsAccountConfig = z.strictObject({
  /** The name an account link's `accountRef` uses for this account. */
  ref: accountRef,
  /** The API key from the account's personal cabinet, sent as `auth`. */
  apiKey: secretReference,
});

export const alphaSmsProviderConfig = z.strictObject({
  protocol: z.literal("alphasms"),
  ...providerCommon,
  baseUrl: z
    .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
    // A query or fragment would be dropped silently when the path is appended: refuse it at start instead.
    // zod runs this even when the URL check above failed, so an unparsable text must not throw here.
    .refine((text) => {
      if (!URL.canParse(text)) return true;
      const url = new URL(text);
      return url.search === "" && url.hash === "";
    }, "must not carry a query string or fragment"),
  accounts: z
    .array(alphaSmsAccountConfig)
    .min(1, "configure at least one account")
    .superRefine((accounts, context) => {
      const seen = new Set<string>();
      accounts.forEach((account, index) => {
        if (seen.has(account.ref)) {
          context.addIssue({ code: "custom", path: [index, "ref"], message: `"${account.ref}" is used twice` });
        }
        seen.add(account.ref);
      });
    }),
  /** Most balance items in one request's `data` array; more are split over several calls. */
  maxItemsPerCall: z.number().int().positive().default(DEFAULT_MAX_ITEMS_PER_CALL),
});

export type AlphaSmsProviderConfig = z.output<typeof alphaSmsProviderConfig>;
