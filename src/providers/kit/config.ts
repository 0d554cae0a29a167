// Responsible for the configuration pieces protocols repeat: the provider's base URL, and a list of accounts named by unique refs.
import { z } from "zod";
import { hasControlCharacter, MAX_ACCOUNT_REF_LENGTH } from "../../accounts/account-ref.js";

/** An http(s) URL that paths are appended to. */
export const providerBaseUrl = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  // A query or fragment would be dropped silently when paths are appended: refuse it at start instead.
  // zod runs this even when the URL check above failed, so an unparsable text must not throw here.
  .refine((text) => {
    if (!URL.canParse(text)) return true;
    const url = new URL(text);
    return url.search === "" && url.hash === "";
  }, "must not carry a query string or fragment");

/** The name an account link's `accountRef` uses for a configured account. */
export const accountRef = z
  .string()
  .min(1)
  .max(MAX_ACCOUNT_REF_LENGTH)
  // An account link's accountRef cannot hold control characters: such a ref could never be linked.
  .refine((ref) => !hasControlCharacter(ref), "must be printable characters");

/** At least one account, no two with the same `ref` (a link names one account). */
export function accountsByRef<Account extends z.ZodType<{ ref: string }>>(account: Account, emptyMessage?: string) {
  return z
    .array(account)
    .min(1, emptyMessage)
    .superRefine((accounts, context) => {
      const seen = new Set<string>();
      accounts.forEach(({ ref }, index) => {
        if (seen.has(ref)) context.addIssue({ code: "custom", path: [index, "ref"], message: `"${ref}" is used twice` });
        seen.add(ref);
      });
    });
}
