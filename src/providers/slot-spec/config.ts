// Responsible for the configuration of one SLOT_SPEC partner account (Kyren, Lucky Monaco): validated at start, secrets resolved.
import { z } from "zod";
import { currencyCode, providerCommon } from "../../config/provider-common.js";
import { secretReference } from "../../config/secret.js";
import { providerBaseUrl } from "../kit/config.js";
import { CURRENCY_MAX_LENGTH } from "./codes.js";

export const slotSpecProviderConfig = z.strictObject({
  protocol: z.literal("slot-spec"),
  ...providerCommon,
  // The partner's URL is given privately ("for security reasons, we will notify you individually").
  baseUrl: providerBaseUrl,
  partnerId: z.string().min(1),
  token: secretReference,
  /** The currencies the partner holds: a query for every currency asks about each (one call each unless `userInfo`); others are never asked. */
  currencies: z
    .array(
      // A longer code cannot be sent in the protocol's currency field: better refused at start than never found.
      currencyCode.max(CURRENCY_MAX_LENGTH, `must be at most ${CURRENCY_MAX_LENGTH} characters (SLOT_SPEC currency field)`),
    )
    .min(1),
  /** The partner offers /user/info: one call answers every currency of a user. */
  userInfo: z.boolean().default(false),
  canRefund: z.boolean().default(false),
});

export type SlotSpecProviderConfig = z.output<typeof slotSpecProviderConfig>;
