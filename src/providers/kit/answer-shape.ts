// Responsible for reading a provider's answer through its documented shape: a stray answer is a BAD_RESPONSE naming where it strays.
import type { z } from "zod";
import { FailureCode, ProviderError } from "../failure.js";

/** An object as JSON writes one: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface ShapeContext {
  /** What is read, for the message; default "the answer". */
  what?: string;
  /** Where `value` sits in the answer, prefixed to the issue's path. */
  at?: readonly (string | number)[];
}

/** `value` through `schema`, or a BAD_RESPONSE such as "the answer is not the documented shape at data.0.amount: …". */
export function shaped<S extends z.ZodType>(schema: S, value: unknown, context: ShapeContext = {}): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = [...(context.at ?? []), ...(issue?.path ?? [])].map(String);
  const where = path.length > 0 ? ` at ${path.join(".")}` : "";
  throw new ProviderError(
    FailureCode.BAD_RESPONSE,
    `${context.what ?? "the answer"} is not the documented shape${where}: ${issue?.message ?? "invalid"}`,
  );
}

/**
 * `value` as `quick` reads it when it recognises the documented answer (it returns undefined otherwise), else through
 * `schema`. For the answers read on every call: `quick` checks what the schema checks, written out, and must return
 * what the schema would (a property test holds each to it); the schema alone says where an answer strays.
 */
export function shapedQuickly<S extends z.ZodType>(
  schema: S,
  quick: (value: unknown) => z.output<S> | undefined,
  value: unknown,
  context: ShapeContext = {},
): z.output<S> {
  return quick(value) ?? shaped(schema, value, context);
}
