// Responsible for letting only the router in: every request must carry the shared secret, checked in constant time before anything is parsed.
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";

export const ROUTER_SECRET_HEADER = "router-authorization";

/** Compares digests, so neither the length nor the content of the secret leaks through timing. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** What a caller that is not the router is told, with HTTP 401. */
export const ROUTER_SECRET_REFUSAL = {
  errors: [{ message: "only the router may call this subgraph", extensions: { code: "UNAUTHENTICATED" } }],
};

/** Whether a Router-Authorization header value is the secret, compared in constant time (shared with the benchmark's peer servers). */
export function routerSecretMatcher(secret: string): (given: string | string[] | undefined) => boolean {
  const expected = digest(secret);
  return (given) => typeof given === "string" && timingSafeEqual(digest(given), expected);
}

export function requireRouterSecret(secret: string): RequestHandler {
  const matches = routerSecretMatcher(secret);
  return (request, response, next) => {
    if (matches(request.headers[ROUTER_SECRET_HEADER])) {
      next();
      return;
    }
    // Drain nothing: the body is never read for a caller that is not the router.
    response.status(401).set("connection", "close").json(ROUTER_SECRET_REFUSAL);
  };
}
