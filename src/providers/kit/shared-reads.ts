// Responsible for the reads of one batch: each distinct upstream read made once and shared by every query that needs it, then each query's parts gathered.
import { settle, type Settled } from "../settled.js";
import type { PartError } from "./failure-groups.js";

/** One part of a query (an account, a currency) and the shared read that answers it. */
export interface PartRead<T> {
  part: string;
  read: Promise<Settled<T>>;
}

/** Lives for one batch: the first ask of a key starts its read, later ones share it. */
export class SharedReads<T> {
  private readonly reads = new Map<string, Promise<Settled<T>>>();

  /** The settled read of `key`, started by `start` on the first ask. */
  of(key: string, start: () => Promise<T>): Promise<Settled<T>> {
    let read = this.reads.get(key);
    if (!read) {
      read = settle(start());
      this.reads.set(key, read);
    }
    return read;
  }
}

/** A query's parts once read, in plan order: the values read, and the parts that failed. */
export async function gatherParts<T>(plan: readonly PartRead<T>[]): Promise<{ values: { part: string; value: T }[]; errors: PartError[] }> {
  const values: { part: string; value: T }[] = [];
  const errors: PartError[] = [];
  for (const { part, read } of plan) {
    const settled = await read;
    if (settled.ok) values.push({ part, value: settled.value });
    else errors.push({ part, error: settled.error });
  }
  return { values, errors };
}
