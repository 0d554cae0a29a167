// Responsible for the opaque cursors of a wallet's refund history: (created at, id), encoded so clients do not build them.
import type { HistoryCursor } from "./refund-ledger.js";

export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id])).toString("base64url");
}

/** The latest time a Date holds (ECMA-262): a cursor past it names no refund. */
const LATEST_TIME_MS = 8.64e15;
/** A cursor this service made is a few dozen characters. */
const MAX_CURSOR_LENGTH = 200;
const REFUND_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Undefined for anything that is not a cursor this service made: checked as input, never handed to the store unchecked. */
export function decodeCursor(text: string): HistoryCursor | undefined {
  if (text.length > MAX_CURSOR_LENGTH) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [createdAt, id] = value as unknown[];
    if (
      Number.isSafeInteger(createdAt) &&
      (createdAt as number) >= 0 &&
      (createdAt as number) <= LATEST_TIME_MS &&
      typeof id === "string" &&
      REFUND_ID.test(id)
    ) {
      return { createdAt: new Date(createdAt as number), id };
    }
  } catch {
    // Falls through: not ours.
  }
  return undefined;
}
