// Responsible for resolving a Wallet the router names by key, for a caller allowed to read it; no provider is asked until a field needs it.
import type { GraphQLError } from "graphql";
import type { RequestContext } from "../../context.js";
import { isWalletId } from "../../wallet/identifiers.js";
import type { Wallet } from "./wallet.type.js";

/**
 * Another user's wallet comes back null with a FORBIDDEN error for that entity alone: the error is
 * returned, not thrown, so the other representations of the batch still resolve.
 */
export function resolveWalletReference(reference: { id: string }, context: RequestContext): Wallet | GraphQLError | null {
  if (!isWalletId(reference.id)) return null;
  try {
    return context.access.reader(reference.id);
  } catch (error) {
    return error as GraphQLError;
  }
}
