// Responsible for refusing malformed arguments with a BAD_USER_INPUT error, before any provider or the store is asked.
import { GraphQLError } from "graphql";
import { decodeCursor } from "../refunds/history-cursor.js";
import type { HistoryCursor } from "../refunds/refund-ledger.js";
import { isCurrencyCode, isWalletId, MAX_WALLET_ID_LENGTH } from "../wallet/identifiers.js";

function badInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", argument } });
}

export function requireCurrency(currency: string, argument = "currency"): string {
  if (!isCurrencyCode(currency)) {
    throw badInput(`"${currency.slice(0, 16)}" is not a currency code: use 3 to 5 uppercase letters or digits, such as USD`, argument);
  }
  return currency;
}

export function optionalCurrency(currency: string | null | undefined): string | null {
  return currency == null ? null : requireCurrency(currency);
}

export function requireWalletId(id: string, argument = "id"): string {
  if (!isWalletId(id)) throw badInput(`a wallet id has 1 to ${MAX_WALLET_ID_LENGTH} printable characters`, argument);
  return id;
}

export function requirePageSize(first: number, max: number): number {
  if (!Number.isInteger(first) || first < 1 || first > max) throw badInput(`first must be 1 to ${max}`, "first");
  return first;
}

/** Only a cursor this service made: never handed to the store unchecked. */
export function optionalCursor(after: string | null | undefined): HistoryCursor | undefined {
  if (after == null) return undefined;
  const cursor = decodeCursor(after);
  if (!cursor) throw badInput("after is not a cursor of this list", "after");
  return cursor;
}
