// Request bodies are read without a binary float: a number in variables reaches its type as the text that was
// sent, so a Decimal refuses a fraction in variables exactly as in a literal, and Int and ID still take numbers.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { asOperator } from "../support/graphql-http.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";

const REFUND = "mutation ($input: RefundInput!) { refund(input: $input) { refund { amount status } userErrors { code } } }";

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe.each(STORE_KINDS)("lossless request bodies on $name", (kind) => {
  let sandbox: Sandbox;
  let store: TestStore;

  /** Posts `body` byte for byte, as the operator. */
  async function post(body: string, contentType = "application/json"): Promise<Answer> {
    const response = await fetch(sandbox.graphqlUrl, {
      method: "POST",
      headers: { "content-type": contentType, ...asOperator(sandbox) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }

  /** A refund whose amount is written as `amountJson` (raw JSON text) in the variables. */
  const refundWith = (amountJson: string) =>
    post(
      `{"query":${JSON.stringify(REFUND)},"variables":{"input":{"walletId":"tester","providerId":"lucky-monaco",` +
        `"currency":"USD","amount":${amountJson},"idempotencyKey":"${randomUUID()}"}}}`,
    );

  /** The same refund with the amount written inline in the document. */
  const refundLiteral = (amountLiteral: string) =>
    post(
      JSON.stringify({
        query: `mutation { refund(input: { walletId: "tester", providerId: "lucky-monaco", currency: "USD", amount: ${amountLiteral}, idempotencyKey: "${randomUUID()}" }) { refund { amount } } }`,
      }),
    );

  const refundCalls = () => sandbox.simulators.luckyMonaco.calls("/user/refund");

  beforeAll(async () => {
    store = await kind.create();
    sandbox = await startSandbox({ port: 0, storeUrl: store.url });
  });

  afterAll(async () => {
    await sandbox?.stop();
    await store?.drop();
  });

  beforeEach(() => {
    sandbox.simulators.luckyMonaco.setWallet("tester", "USD", "300.0");
  });

  it.each(["0.99999999999999999", "1.0000000000000001", "1.0", "1e2", "-0.5E-3", "100.00"])(
    "refuses the JSON number %s as a Decimal in variables with the literal's message, and moves nothing",
    async (number) => {
      const before = refundCalls();
      const variables = await refundWith(number);
      const literal = await refundLiteral(number);
      expect(variables.status).toBe(400);
      const variableMessage = variables.body.errors?.[0]?.message ?? "";
      const literalMessage = literal.body.errors?.[0]?.message ?? "";
      // The value is shown as it was sent, never rounded, and the scalar's reason is the literal's, word for word.
      expect(variableMessage).toContain(` ${number} `);
      expect(variableMessage).toMatch(/must be sent as a string/);
      expect(literalMessage).toMatch(/must be sent as a string/);
      expect(variableMessage.endsWith(`; ${literalMessage}`)).toBe(true);
      expect(variables.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(refundCalls()).toBe(before);
    },
  );

  it("takes an integer JSON number as the exact Decimal it writes", async () => {
    const { body } = await refundWith("200");
    expect(body.data?.refund).toEqual({ refund: { amount: "200", status: "SUCCEEDED" }, userErrors: [] });
    expect(sandbox.simulators.luckyMonaco.balanceOf("tester", "USD")).toBe("100.0");
  });

  it("takes a 20-digit integer as written: refused for its size, never rounded into a smaller amount", async () => {
    const before = refundCalls();
    const { body } = await refundWith("12345678901234567890");
    expect(body.data?.refund).toEqual({ refund: null, userErrors: [{ code: "INVALID_AMOUNT" }] });
    expect(refundCalls()).toBe(before);
  });

  it("still coerces Int and ID variables written as JSON numbers", async () => {
    const history = await post(
      JSON.stringify({
        query: "query ($id: ID!, $first: Int!) { wallet(id: $id) { id refunds(first: $first) { edges { cursor } } } }",
      }).replace(/}$/, ',"variables":{"id":"tester","first":10}}'),
    );
    expect(history.body.errors).toBeUndefined();
    expect(history.body.data?.wallet).toMatchObject({ id: "tester" });

    const byNumber = await post(`{"query":"query ($id: ID!) { wallet(id: $id) { id } }","variables":{"id":12345}}`);
    expect(byNumber.body.data?.wallet).toEqual({ id: "12345" });
    // Beyond 2^53 an ID keeps its digits: JSON.parse would have made it 12345678901234567000.
    const byLargeNumber = await post(`{"query":"query ($id: ID!) { wallet(id: $id) { id } }","variables":{"id":12345678901234567890}}`);
    expect(byLargeNumber.body.data?.wallet).toEqual({ id: "12345678901234567890" });

    const fraction = await post(
      `{"query":"query ($first: Int!) { wallet(id: \\"tester\\") { refunds(first: $first) { edges { cursor } } } }","variables":{"first":1.5}}`,
    );
    expect(fraction.status).toBe(400);
    expect(fraction.body.errors?.[0]?.message).toMatch(/Int cannot represent non-integer value: 1\.5/);
  });

  it("keeps the body answers: not JSON, not an object, too large, another charset", async () => {
    const notJson = await post('{"query": ');
    expect(notJson).toEqual({
      status: 400,
      body: { errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] },
    });
    expect((await post('"just a string"')).status).toBe(400);
    const tooLarge = await post(JSON.stringify({ query: `{ __typename }${" ".repeat(1_100_000)}` }));
    expect(tooLarge).toEqual({
      status: 413,
      body: { errors: [{ message: "the request body is larger than this subgraph accepts", extensions: { code: "PAYLOAD_TOO_LARGE" } }] },
    });
    const latin1 = await post(JSON.stringify({ query: "{ __typename }" }), "application/json; charset=latin1");
    expect(latin1.status).toBe(400);
    expect(latin1.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
    // Nesting deeper than any parser's stack is a refusal, not a crash.
    expect((await post(`{"query":"{ __typename }","variables":{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}}`)).status).toBe(400);
  });

  it("reads a body as JSON.parse would apart from numbers: the last of a repeated key, __proto__ as a plain key", async () => {
    const repeated = await post('{"query":"{ wallet(id: \\"nobody\\") { id } }","query":"{ __typename }"}');
    expect(repeated.body).toEqual({ data: { __typename: "Query" } });
    const proto = await post('{"query":"query ($id: ID!) { wallet(id: $id) { id } }","variables":{"__proto__":{"x":1},"id":"tester"}}');
    expect(proto.body.data?.wallet).toEqual({ id: "tester" });
  });
});
