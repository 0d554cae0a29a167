// The request log: one JSON line per GraphQL request (id, operation, status, outcome, error codes), the id echoed to the caller, and never the variables or the token.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { REQUEST_ID_HEADER } from "../../src/observability/request-log.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";

interface RequestLine {
  msg: string;
  level: number;
  requestId: string;
  operationName: string | null;
  durationMs: number;
  status: number;
  outcome: "ok" | "errors";
  errorCodes?: string[];
}

const lines: string[] = [];
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    storeUrl: "sqlite::memory:",
    logger: createLogger({ level: "info", destination: { write: (line: string) => void lines.push(line) } }),
  });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function post(body: object, headers: Record<string, string> = {}) {
  return fetch(sandbox.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${sandbox.auth.tokens.operator}`, ...headers },
    body: JSON.stringify(body),
  });
}

/** The request line with this id: it is written just after the answer leaves, so it may need a moment. */
async function lineFor(requestId: string): Promise<RequestLine> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const found = lines
      .map((text) => JSON.parse(text) as RequestLine)
      .filter((line) => line.msg === "graphql request" && line.requestId === requestId);
    if (found.length > 0) {
      expect(found).toHaveLength(1);
      return found[0]!;
    }
    if (Date.now() > deadline) throw new Error(`no request line for ${requestId}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const WALLET = "query Mine($id: ID!) { wallet(id: $id) { id } }";

describe("request log", () => {
  it("writes one line per request with the router's request id, echoed back, and nothing of the variables or the token", async () => {
    const response = await post(
      { query: WALLET, variables: { id: "tester" }, operationName: "Mine" },
      { [REQUEST_ID_HEADER]: "router-req-42" },
    );
    expect(response.status).toBe(200);
    await response.text();
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe("router-req-42");

    const line = await lineFor("router-req-42");
    expect(line).toMatchObject({ operationName: "Mine", status: 200, outcome: "ok", level: 30 });
    expect(line.errorCodes).toBeUndefined();
    expect(line.durationMs).toBeGreaterThan(0);
    const text = lines.find((candidate) => candidate.includes("router-req-42"))!;
    expect(text).not.toContain("tester");
    expect(text).not.toContain(sandbox.auth.tokens.operator);
  });

  it("makes its own id when the router sends none, or one that is not a short printable token", async () => {
    for (const given of [undefined, "has spaces in it", "x".repeat(129)]) {
      const response = await post(
        { query: WALLET, variables: { id: "tester" } },
        given === undefined ? {} : { [REQUEST_ID_HEADER]: given },
      );
      await response.text();
      const id = response.headers.get(REQUEST_ID_HEADER)!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // The operation name comes from the document when the request does not give it.
      expect((await lineFor(id)).operationName).toBe("Mine");
    }
  });

  it("names the error codes of a refused request", async () => {
    const response = await post({ query: '{ wallet(id: "tester") { noSuchField } }' }, { [REQUEST_ID_HEADER]: "bad-query-1" });
    expect(response.status).toBe(400);
    await response.text();
    expect(await lineFor("bad-query-1")).toMatchObject({ status: 400, outcome: "errors", errorCodes: ["GRAPHQL_VALIDATION_FAILED"] });
  });

  it("logs the unexpected errors of one request once, with their count", async () => {
    const representations = Array.from({ length: 1_000 }, (_, index) => ({ __typename: "Provider", id: `p${index}` }));
    const response = await post(
      { query: "query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }", variables: { r: representations } },
      { [REQUEST_ID_HEADER]: "many-entities-1" },
    );
    await response.text();
    await lineFor("many-entities-1");
    const unexpected = lines
      .map((text) => JSON.parse(text) as RequestLine & { count?: number })
      .filter((line) => line.msg === "unexpected error" && line.requestId === "many-entities-1");
    expect(unexpected).toHaveLength(1);
    expect(unexpected[0], JSON.stringify(unexpected[0]).slice(0, 600)).toMatchObject({ level: 50, count: 1_000 });
  });
});
