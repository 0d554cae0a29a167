// Responsible for answering a body that cannot be read (not JSON, too large) as GraphQL does: JSON with a coded error, never an HTML page.
import type { ErrorRequestHandler } from "express";

export function bodyErrors(): ErrorRequestHandler {
  return (error: { type?: string; status?: number }, _request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const tooLarge = error.type === "entity.too.large";
    const unreadable =
      error.type === "entity.parse.failed" || error.type === "encoding.unsupported" || error.type === "charset.unsupported";
    if (!tooLarge && !unreadable && !(error.status && error.status >= 400 && error.status < 500)) {
      next(error);
      return;
    }
    // The parser's message and stack stay here: they name our files, and say nothing the caller needs.
    response.status(tooLarge ? 413 : 400).json({
      errors: [
        {
          message: tooLarge ? "the request body is larger than this subgraph accepts" : "the request body is not valid JSON",
          extensions: { code: tooLarge ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" },
        },
      ],
    });
  };
}
