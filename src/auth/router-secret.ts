// Responsible for letting only the router in: every request must carry the shared secret, checked in constant time before anything is parsed.
import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";

export const ROUTER_SECRET_HEADER = "router-authorization";

/** Compares digests, so neither the length nor the content of the secret leaks through timing. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function requireRouterSecret(secret: string): RequestHandler {
  const expected = digest(secret);
  return (request, response, next) => {
    const given = request.headers[ROUTER_SECRET_HEADER];
    if (typeof given === "string" && timingSafeEqual(digest(given), expected)) {
      next();
      return;
    }
    // Drain nothing: the body is never read for a caller that is not the router.
    response
      .status(401)
      .set("connection", "close")
      .json({ errors: [{ message: "only the router may call this subgraph", extensions: { code: "UNAUTHENTICATED" } }] });
  };
}
