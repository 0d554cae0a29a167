// ProviderHttp reads answers straight from undici's dispatch callbacks: whole bodies however they are chunked, an answer
// too large refused, a body that stalls or breaks off ends the call as a timeout or a lost connection, and the
// connection of a good answer is kept for the next call.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FailureCode, ProviderError } from "../../src/providers/failure.js";
import { ProviderHttp } from "../../src/providers/http.js";

const TIMEOUT_MS = 300;
const MAX_RESPONSE_BYTES = 1000;

const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
  "/ok": (_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"balance":"1.00"}');
  },
  "/chunked": (_request, response) => {
    response.writeHead(200);
    response.write('{"bal');
    setTimeout(() => response.end('ance":"2.00"}'), 10);
  },
  // "€" is three bytes: the first chunk ends inside it.
  "/split-utf8": (_request, response) => {
    const bytes = Buffer.from('{"name":"€uro"}');
    response.writeHead(200);
    response.write(bytes.subarray(0, 10));
    setTimeout(() => response.end(bytes.subarray(10)), 10);
  },
  "/large": (_request, response) => {
    response.writeHead(200);
    response.end("x".repeat(MAX_RESPONSE_BYTES + 1));
  },
  "/large-chunked": (_request, response) => {
    response.writeHead(200);
    response.write("x".repeat(600));
    setTimeout(() => response.end("x".repeat(600)), 10);
  },
  "/exactly-max": (_request, response) => {
    response.writeHead(200);
    response.end("x".repeat(MAX_RESPONSE_BYTES));
  },
  "/stalled-body": (_request, response) => {
    response.writeHead(200, { "content-length": "100" });
    response.write("partial");
  },
  "/broken-body": (request, response) => {
    response.writeHead(200, { "content-length": "100" });
    response.write("partial");
    setTimeout(() => request.socket.destroy(), 10);
  },
  "/processing-first": (_request, response) => {
    response.writeProcessing();
    setTimeout(() => {
      response.writeHead(201);
      response.end("after 102");
    }, 5);
  },
  "/server-error": (_request, response) => {
    response.writeHead(503);
    response.end("unavailable");
  },
};

let server: Server;
let baseUrl: string;
let connectionsOpened = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    const route = routes[(request.url ?? "").replace(/^\/base/, "").split("?")[0]!];
    if (route) route(request, response);
    else {
      response.writeHead(404);
      response.end();
    }
  });
  server.on("connection", () => connectionsOpened++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client of its own per test: no circuit, no retry, so each case shows its own outcome. */
function client(): ProviderHttp {
  return new ProviderHttp({
    baseUrl,
    maxConnections: 2,
    timeoutMs: TIMEOUT_MS,
    maxResponseBytes: MAX_RESPONSE_BYTES,
    resilience: { id: "test", retries: 0, circuitBreaker: { failureThreshold: 100, halfOpenAfterMs: 1_000 } },
  });
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("ProviderHttp answers", () => {
  it("reads an answer, with the query appended to the base path", async () => {
    const http = client();
    await expect(http.send({ method: "POST", path: "/ok", query: { partner_id: "p 1" }, body: "{}" })).resolves.toEqual({
      status: 200,
      body: '{"balance":"1.00"}',
    });
    await http.close();
  });

  it("joins a body that arrives in several chunks, a character split between two included", async () => {
    const http = client();
    await expect(http.send({ method: "GET", path: "/chunked" })).resolves.toEqual({ status: 200, body: '{"balance":"2.00"}' });
    await expect(http.send({ method: "GET", path: "/split-utf8" })).resolves.toEqual({ status: 200, body: '{"name":"€uro"}' });
    await http.close();
  });

  it("gives any status to the caller to judge, and the final status after a 1xx", async () => {
    const http = client();
    await expect(http.send({ method: "GET", path: "/server-error" })).resolves.toEqual({ status: 503, body: "unavailable" });
    await expect(http.send({ method: "GET", path: "/processing-first" })).resolves.toEqual({ status: 201, body: "after 102" });
    await http.close();
  });

  it("leaves the connection of an answer read to its end free for the next calls", async () => {
    const http = client();
    const opened = connectionsOpened;
    for (let call = 0; call < 10; call++) await http.send({ method: "GET", path: call % 2 === 0 ? "/ok" : "/chunked" });
    // Ten calls one after another share the pool's connections (at most its two), none held by a body left unread.
    expect(connectionsOpened - opened).toBeLessThanOrEqual(2);
    await http.close();
  });

  it("takes an answer of exactly the largest size", async () => {
    const http = client();
    const answer = await http.send({ method: "GET", path: "/exactly-max" });
    expect(answer.body).toHaveLength(MAX_RESPONSE_BYTES);
    await http.close();
  });

  it("refuses a larger answer as BAD_RESPONSE, whether it comes in one chunk or several", async () => {
    const http = client();
    for (const path of ["/large", "/large-chunked"]) {
      const failure = await failureOf(http.send({ method: "GET", path }));
      expect(failure.code).toBe(FailureCode.BAD_RESPONSE);
      expect(failure.message).toBe(`the answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    // The refused answers did not leave the pool unusable.
    await expect(http.send({ method: "GET", path: "/ok" })).resolves.toMatchObject({ status: 200 });
    await http.close();
  });

  it("ends a body that stops arriving as a TIMEOUT within the budget", async () => {
    const http = client();
    const started = performance.now();
    const failure = await failureOf(http.send({ method: "GET", path: "/stalled-body" }));
    expect(failure.code).toBe(FailureCode.TIMEOUT);
    expect(failure.message).toBe(`no answer within ${TIMEOUT_MS} ms`);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 200);
    await http.close();
  });

  it("ends a body whose connection breaks off as UNREACHABLE, the request having been sent", async () => {
    const http = client();
    const failure = await failureOf(http.send({ method: "GET", path: "/broken-body" }));
    expect(failure.code).toBe(FailureCode.UNREACHABLE);
    expect(failure.requestSent).toBe(true);
    await http.close();
  });

  it("fails a call made after close as UNREACHABLE", async () => {
    const http = client();
    await http.close();
    const failure = await failureOf(http.send({ method: "GET", path: "/ok" }));
    expect(failure.code).toBe(FailureCode.UNREACHABLE);
  });
});
