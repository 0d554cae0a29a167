// Responsible for one log line per GraphQL request: operation, duration, outcome and error codes, never variables or headers.
import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "./logger.js";

export const REQUEST_ID_HEADER = "x-request-id";
/** How many different messages the one unexpected-error line of a request quotes. */
const DISTINCT_MESSAGES_LOGGED = 5;

export function requestLogPlugin(logger: Logger): ApolloServerPlugin {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      const given = request.http?.headers.get(REQUEST_ID_HEADER);
      // The router's id when it sends one (bounded, printable), else ours; echoed back either way.
      const requestId = given && /^[\x21-\x7e]{1,128}$/.test(given) ? given : randomUUID();
      return {
        async willSendResponse({ response, operationName, errors }) {
          response.http.headers.set(REQUEST_ID_HEADER, requestId);
          const codes = (errors ?? []).map(({ extensions }) =>
            typeof extensions?.code === "string" ? extensions.code : "INTERNAL_SERVER_ERROR",
          );
          const status = response.http.status ?? 200;
          const line = {
            requestId,
            operationName: operationName ?? null,
            durationMs: Math.round((performance.now() - started) * 10) / 10,
            status,
            outcome: codes.length === 0 ? "ok" : "errors",
            errorCodes: codes.length ? [...new Set(codes)] : undefined,
          };
          // Written once the answer is on its way (it is sent in this same turn): serialising and redacting the
          // line is not part of the caller's wait.
          setImmediate(() => logger[status >= 500 ? "error" : "info"](line, "graphql request"));
        },
        async didEncounterErrors({ errors }) {
          const unexpected = errors.filter((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR" || !error.extensions?.code);
          if (unexpected.length === 0) return;
          // One line per request, however many entities or fields failed: a thousand representations must not write a thousand lines.
          const first = unexpected[0]!;
          const messages = [...new Set(unexpected.map((error) => error.message))];
          logger.error(
            {
              requestId,
              err: first.originalError ?? first,
              path: first.path,
              count: unexpected.length,
              messages: messages.slice(0, DISTINCT_MESSAGES_LOGGED),
            },
            "unexpected error",
          );
        },
      };
    },
  };
}
