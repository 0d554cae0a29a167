// Responsible for the Cache-Control header of every /graphql answer: a successful read is private for a few seconds; mutations, errors, partial answers and refusals are never stored.
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import { OperationTypeNode } from "graphql";
import type { RequestContext } from "../context.js";

export const DEFAULT_CACHE_MAX_AGE_SECONDS = 5;
export const MAX_CACHE_MAX_AGE_SECONDS = 300;
const NO_STORE = "no-store";

/** A wallet is its caller's: only the caller's own cache may keep it (never a shared one), and not past `maxAgeSeconds`. */
function privateFor(maxAgeSeconds: number): string {
  return maxAgeSeconds > 0 ? `private, max-age=${maxAgeSeconds}` : NO_STORE;
}

/** Before anything answers: a refusal (router secret, body, token) or a crash is never stored. */
export function noStoreByDefault(): RequestHandler {
  return (_request, response, next) => {
    response.setHeader("cache-control", NO_STORE);
    next();
  };
}

/**
 * A query answered without errors may be kept by its caller for `maxAgeSeconds`; a mutation's
 * answer, any answer carrying an error (a refused read included), and one missing a provider's
 * balances (asking again may fill them) are `no-store`. Balances are read from the providers on
 * every request: nothing is cached here, so the hint only bounds how old a copy downstream may be.
 * The answer varies with the caller's token.
 */
export function cacheHintsPlugin(maxAgeSeconds: number): ApolloServerPlugin<RequestContext> {
  const cacheable = privateFor(maxAgeSeconds);
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, operation, errors, contextValue }) {
          const body = response.body;
          const failed = (errors?.length ?? 0) > 0 || (body.kind === "single" && (body.singleResult.errors?.length ?? 0) > 0);
          const store =
            !failed &&
            operation?.operation === OperationTypeNode.QUERY &&
            (response.http.status ?? 200) === 200 &&
            !contextValue.wallets.incomplete;
          response.http.headers.set("cache-control", store ? cacheable : NO_STORE);
          if (!store) return;
          const vary = response.http.headers.get("vary");
          response.http.headers.set("vary", vary ? `${vary}, authorization` : "authorization");
        },
      };
    },
  };
}
