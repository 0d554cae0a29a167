// Responsible for resolving a Wallet the router names by key; no provider is asked until a field needs it.
import { isWalletId } from "../../wallet/identifiers.js";
import type { Wallet } from "./wallet.type.js";

export function resolveWalletReference(reference: { id: string }): Wallet | null {
  return isWalletId(reference.id) ? { id: reference.id } : null;
}
