// Responsible for reading a GraphQL request's JSON body without a binary float: numbers of `variables` keep their text until their type is known.
import express, { type RequestHandler } from "express";
import { isLosslessNumber, parse } from "lossless-json";

/** The JSON of RFC 8259 is UTF-8 (or UTF-16/32 in older texts): another charset is refused before the body is read, as express.json does. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;

class BodyError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The names body-parser gives these errors: the body error answers know them. */
    readonly type: "entity.parse.failed" | "charset.unsupported",
  ) {
    super(message);
  }
}

/**
 * express.json's contract (types, size limit, empty body as `{}`, only an object or array at the
 * top, the same error types) with lossless-json as the parser. Outside `variables` every number
 * becomes what JSON.parse would make of it; inside, it stays a LosslessNumber, settled by the
 * variable's type once the operation is known (see lossless-variables.ts).
 */
export function losslessJsonBody(limit: number): RequestHandler[] {
  return [
    (request, _response, next) => {
      const charset = CHARSET.exec(request.headers["content-type"] ?? "")?.[1]?.toLowerCase();
      if (charset !== undefined && !charset.startsWith("utf-") && request.is("application/json")) {
        next(new BodyError(`unsupported charset "${charset.toUpperCase()}"`, 415, "charset.unsupported"));
        return;
      }
      next();
    },
    express.text({ type: "application/json", limit }),
    (request, _response, next) => {
      if (typeof request.body !== "string") return next();
      try {
        request.body = readBody(request.body);
      } catch (error) {
        return next(Object.assign(new BodyError("the body is not valid JSON", 400, "entity.parse.failed"), { cause: error }));
      }
      next();
    },
  ];
}

function readBody(text: string): unknown {
  // express.json's leniency for a common client mistake.
  if (text.length === 0) return {};
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== "{" && first !== "[") throw new SyntaxError("a JSON body must be an object or an array");
  // A key written twice keeps its last value, as JSON.parse does.
  const body = parse(text, null, { onDuplicateKey: ({ newValue }) => newValue });
  if (typeof body !== "object" || body === null || Array.isArray(body)) return plainNumbers(body);
  const request = body as Record<string, unknown>;
  for (const key of Object.keys(request)) {
    const keepText = key === "variables" && isPlainObject(request[key]);
    if (!keepText) request[key] = plainNumbers(request[key]);
  }
  return request;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

/** Every LosslessNumber in `value` as the number JSON.parse would have made. */
export function plainNumbers(value: unknown): unknown {
  if (isLosslessNumber(value)) return Number(value.value);
  if (Array.isArray(value)) return value.map(plainNumbers);
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) value[key] = plainNumbers(value[key]);
  }
  return value;
}
