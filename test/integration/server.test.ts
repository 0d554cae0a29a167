// The HTTP surface an operator sees besides GraphQL itself: liveness, Playground switched off, request limits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { asOperator } from "../support/graphql-http.js";

describe("with Playground and introspection off, as in production", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", playground: false, introspection: false });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it("answers the liveness probe", async () => {
    const response = await fetch(`${sandbox.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("serves no Playground page and no Playground assets", async () => {
    const page = await fetch(sandbox.graphqlUrl, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/playground/i);
    const asset = await fetch(`${sandbox.url}/playground/static/js/middleware.js`);
    expect(asset.status).toBe(404);
  });

  it("refuses introspection but still answers queries", async () => {
    const post = (query: string) =>
      fetch(sandbox.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...asOperator(sandbox) },
        body: JSON.stringify({ query }),
      }).then((r) => r.json() as Promise<{ data?: unknown; errors?: { message: string }[] }>);
    const introspection = await post("{ __schema { types { name } } }");
    expect(introspection.errors?.[0]?.message).toMatch(/introspection is not allowed/i);
    expect((await post('{ wallet(id: "tester") { total(currency: "USD") } }')).data).toEqual({ wallet: { total: "400.0" } });
  });

  it("refuses a body over the size limit before parsing it", async () => {
    sandbox.simulators.kyren.resetCalls();
    sandbox.simulators.luckyMonaco.resetCalls();
    const response = await fetch(sandbox.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ providers { id } } #${"x".repeat(1024 * 1024)}` }),
    });
    expect(response.status).toBe(413);
    expect(sandbox.simulators.kyren.calls() + sandbox.simulators.luckyMonaco.calls()).toBe(0);
  });

  it("refuses a GET operation without a preflight header (CSRF prevention)", async () => {
    const response = await fetch(`${sandbox.graphqlUrl}?query=${encodeURIComponent("{ providers { id } }")}`);
    expect(response.status).toBe(400);
  });
});
