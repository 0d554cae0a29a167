// Responsible for the opaque cursors of a wallet's refund history: (created at, id), encoded so clients do not build them.
import type { HistoryCursor } from "./refund-ledger.js";

export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id])).toString("base64url");
}

/** Undefined for anything that is not a cursor this service made. */
export function decodeCursor(text: string): HistoryCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === "string") {
      return { createdAt: new Date(value[0] as number), id: value[1] };
    }
  } catch {
    // Falls through: not ours.
  }
  return undefined;
}
