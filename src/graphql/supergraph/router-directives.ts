// Responsible for what the router learns from this subgraph's SDL: who may ask (authorization), what it costs (demand control), which surface it belongs to (contracts).
import type { SupergraphSettings } from "./supergraph-settings.js";

/** Contract tags: a public variant keeps `public`, leaves out `internal` (the admin surface). */
export const PUBLIC_TAG = "public";
export const INTERNAL_TAG = "internal";

/** One provider call is priced as this many objects built in memory (the router's default cost of an object is 1). */
export const PROVIDER_CALL_WEIGHT = 10;

/** A mutation's payload carries at most one user error per input field. */
const USER_ERRORS_ASSUMED = 5;

/** The admin surface: types that only account linking uses. */
export const INTERNAL_TYPES = [
  "AccountLink",
  "AccountDetails",
  "AccountLinkUserError",
  "AccountLinkErrorCode",
  "LinkAccountPayload",
  "LinkAccountInput",
  "AccountDetailsInput",
  "UnlinkAccountPayload",
  "UnlinkAccountInput",
] as const;

/** Root types are tagged field by field, so a contract can keep some of their fields and drop others. */
export const ROOT_TYPES = ["Query", "Mutation"] as const;

/** Directives to add, by schema coordinate ("Type" or "Type.field"), as SDL text. */
export type CoordinateDirectives = Record<string, string[]>;

const scopes = (...names: string[]) => `@requiresScopes(scopes: [${names.map((name) => `[${JSON.stringify(name)}]`).join(", ")}])`;

/**
 * Every field that needs a caller is `@authenticated` (its resolver checks the caller too); refund
 * and the admin mutations need their scopes; lists say how long they get. The subgraph enforces all
 * of it itself as well: the router's checks come first, not alone.
 *
 * A wallet's balances, failures and total share one read of its providers, once per wallet: the
 * calls are priced on the Wallet type, not on a list field (whose weight a router multiplies by the
 * list's length). An operation that reaches a wallet without its money is priced a little high.
 */
export function routerDirectives(settings: SupergraphSettings): CoordinateDirectives {
  return {
    Wallet: [`@cost(weight: ${settings.walletReadCalls * PROVIDER_CALL_WEIGHT})`],
    "Query.providers": [`@listSize(assumedSize: ${settings.providerCount})`, tag(PUBLIC_TAG)],
    "Query.wallet": [`@authenticated`, tag(PUBLIC_TAG)],
    "Query.refund": [`@authenticated`, tag(PUBLIC_TAG)],
    "User.wallet": [`@authenticated`],
    "Wallet.balances": [`@authenticated`, `@listSize(assumedSize: ${settings.walletBalances})`],
    "Wallet.failures": [`@authenticated`, `@listSize(assumedSize: ${settings.providerCount})`],
    "Wallet.total": [`@authenticated`],
    "Wallet.refunds": [
      `@authenticated`,
      `@listSize(slicingArguments: ["first"], sizedFields: ["edges"], requireOneSlicingArgument: false)`,
    ],
    "Wallet.accountLinks": [`@authenticated`, `@listSize(assumedSize: ${settings.providerCount})`, tag(INTERNAL_TAG)],
    "Mutation.refund": [`@authenticated`, scopes(settings.scopes.refund), `@cost(weight: ${PROVIDER_CALL_WEIGHT})`, tag(PUBLIC_TAG)],
    "Mutation.linkAccount": [`@authenticated`, scopes(settings.scopes.admin), tag(INTERNAL_TAG)],
    "Mutation.unlinkAccount": [`@authenticated`, scopes(settings.scopes.admin), tag(INTERNAL_TAG)],
    "RefundPayload.userErrors": [`@listSize(assumedSize: ${USER_ERRORS_ASSUMED})`],
    "LinkAccountPayload.userErrors": [`@listSize(assumedSize: ${USER_ERRORS_ASSUMED})`],
    "UnlinkAccountPayload.userErrors": [`@listSize(assumedSize: ${USER_ERRORS_ASSUMED})`],
  };
}

export function tag(name: string): string {
  return `@tag(name: ${JSON.stringify(name)})`;
}
