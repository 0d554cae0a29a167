// Responsible for Nami Exchange request signing: the query string in order, its HMAC-SHA256 signature, and checking one.
import { createHmac, timingSafeEqual } from "node:crypto";
import { SIGNATURE_FORM } from "./codes.js";

/** Query parameters in the order they are sent: the signature covers exactly that text. */
export type QueryParameters = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The query as the provider's own example builds it (`new URLSearchParams(params).toString()`):
 * `type=0&timestamp=1721284769720`.
 */
export function queryStringOf(parameters: QueryParameters): string {
  return new URLSearchParams(parameters.map(([name, value]): [string, string] => [name, value])).toString();
}

/** Lowercase hex HMAC-SHA256 of `queryString` under the API secret. */
export function signQueryString(apiSecret: string, queryString: string): string {
  return createHmac("sha256", apiSecret).update(queryString, "utf8").digest("hex");
}

/** The query to send: the parameters in order, then `&signature=<hex>` over them. */
export function signedQueryString(apiSecret: string, parameters: QueryParameters): string {
  const queryString = queryStringOf(parameters);
  return `${queryString}&signature=${signQueryString(apiSecret, queryString)}`;
}

/**
 * The provider's side: does `signature` sign these parameters (every one but `signature`, in the
 * order received) under `apiSecret`? Compared in constant time, so a guesser learns nothing from timing.
 */
export function verifySignature(apiSecret: string, received: URLSearchParams, signature: string): boolean {
  if (!SIGNATURE_FORM.test(signature)) return false;
  const signed = [...received].filter(([name]) => name !== "signature");
  const expected = Buffer.from(signQueryString(apiSecret, queryStringOf(signed)), "utf8");
  return timingSafeEqual(expected, Buffer.from(signature, "utf8"));
}
