// deploy/router.yaml and deploy/supergraph.yaml: the router sends what this subgraph checks, and the subgraph list composes.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTER_SECRET_HEADER } from "../../src/auth/router-secret.js";
import { readAppConfig } from "../../src/config/app-config.js";
import { providerCommon } from "../../src/config/provider-common.js";
import { createLogger } from "../../src/observability/logger.js";
import { REQUEST_ID_HEADER } from "../../src/observability/request-log.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { DEPLOY_DIR, readYaml, REPO_ROOT } from "../support/deploy-kit.js";

interface HeaderRule {
  insert?: { name: string; value: string };
  propagate?: { named: string };
}
interface RouterConfig {
  authentication: {
    router: {
      jwt: {
        header_name: string;
        header_value_prefix: string;
        jwks: { url: string; issuers: string[]; audiences: string[]; algorithms: string[] }[];
      };
    };
  };
  headers: { all: { request: HeaderRule[] }; subgraphs: Record<string, { request: HeaderRule[] }> };
  traffic_shaping: { subgraphs: Record<string, { timeout: string }> };
  supergraph: { introspection: boolean };
}
interface SupergraphConfig {
  federation_version: string;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

const router = readYaml<RouterConfig>("router.yaml");
const supergraph = readYaml<SupergraphConfig>("supergraph.yaml");
const walletRules = router.headers.subgraphs.wallet!.request;
const ENV_REFERENCE = /^\$\{env\.([A-Z][A-Z0-9_]*)\}$/;

/** The headers the router would send the wallet subgraph for a client's request, with its environment filled in. */
function routerHeaders(client: Record<string, string>, environment: Record<string, string>): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const rule of [...router.headers.all.request, ...walletRules]) {
    if (rule.propagate) {
      const value = client[rule.propagate.named.toLowerCase()];
      if (value !== undefined) sent[rule.propagate.named.toLowerCase()] = value;
    }
    if (rule.insert) {
      const name = ENV_REFERENCE.exec(rule.insert.value)?.[1];
      sent[rule.insert.name.toLowerCase()] = name ? environment[name]! : rule.insert.value;
    }
  }
  return sent;
}

describe("deploy/router.yaml", () => {
  it("inserts the router secret under the header this subgraph checks, from the environment, never written in the file", () => {
    const insert = walletRules.find((rule) => rule.insert)?.insert;
    expect(insert?.name.toLowerCase()).toBe(ROUTER_SECRET_HEADER);
    expect(insert?.value).toMatch(ENV_REFERENCE);
  });

  it("forwards the caller's token to this subgraph only, and the request id to every subgraph", () => {
    expect(walletRules.map((rule) => rule.propagate?.named.toLowerCase())).toContain("authorization");
    for (const [name, subgraph] of Object.entries(router.headers.subgraphs)) {
      if (name !== "wallet") expect(subgraph.request.map((rule) => rule.propagate?.named.toLowerCase())).not.toContain("authorization");
    }
    expect(router.headers.all.request.map((rule) => rule.propagate?.named.toLowerCase())).toContain(REQUEST_ID_HEADER);
  });

  it("verifies JWTs from a JWKS, with issuer and audience from the environment, in algorithms this subgraph accepts too", () => {
    const jwt = router.authentication.router.jwt;
    expect([jwt.header_name.toLowerCase(), jwt.header_value_prefix]).toEqual(["authorization", "Bearer"]);
    const [jwks] = jwt.jwks;
    for (const value of [jwks!.url, ...jwks!.issuers, ...jwks!.audiences]) expect(value).toMatch(ENV_REFERENCE);
    const config = readAppConfig({
      WALLET_PROVIDERS_FILE: "providers.yaml",
      WALLET_JWT_ISSUER: "https://issuer.example.com/",
      WALLET_JWT_AUDIENCE: "wallet",
      WALLET_JWT_JWKS_URL: "https://issuer.example.com/jwks.json",
    });
    if (config.auth.mode !== "jwt") throw new Error("expected JWT verification");
    for (const algorithm of jwks!.algorithms) expect(config.auth.jwt.algorithms).toContain(algorithm);
  });

  it("waits for the wallet subgraph longer than the slowest provider timeout of the deployed providers file", async () => {
    const [, seconds] = /^(\d+)s$/.exec(router.traffic_shaping.subgraphs.wallet!.timeout) ?? [];
    const providersMap = readYaml<{ data: Record<string, string> }>("kubernetes/configmap-providers.yaml");
    const timeouts = [...providersMap.data["providers.yaml"]!.matchAll(/timeoutMs: (\d+)/g)].map((match) => Number(match[1]));
    const defaultTimeout = providerCommon.timeoutMs.parse(undefined);
    expect(Number(seconds) * 1000).toBeGreaterThan(Math.max(defaultTimeout, ...timeouts));
  });

  it("names a subgraph that supergraph.yaml composes", () => {
    for (const name of [...Object.keys(router.headers.subgraphs), ...Object.keys(router.traffic_shaping.subgraphs)]) {
      expect(Object.keys(supergraph.subgraphs)).toContain(name);
    }
  });

  describe("its headers, sent to a running subgraph behind a router secret", () => {
    const environment = { WALLET_ROUTER_SECRET: "router-secret-from-the-environment" };
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({
        port: 0,
        storeUrl: "sqlite::memory:",
        routerSecret: environment.WALLET_ROUTER_SECRET,
        logger: createLogger({ level: "silent" }),
      });
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    const ask = (headers: Record<string, string>) =>
      fetch(sandbox.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: '{ me: wallet(id: "tester") { id } }' }),
      });

    it("are let in, as the token's caller, with the client's request id; without the router's insert, refused", async () => {
      const client = { authorization: `Bearer ${sandbox.auth.tokens.tester}`, [REQUEST_ID_HEADER]: "req-from-the-client-1" };
      const answer = await ask(routerHeaders(client, environment));
      expect(answer.status).toBe(200);
      expect(answer.headers.get(REQUEST_ID_HEADER)).toBe("req-from-the-client-1");
      expect(await answer.json()).toEqual({ data: { me: { id: "tester" } } });
      expect((await ask(client)).status).toBe(401);
    });
  });
});

describe("deploy/supergraph.yaml", () => {
  it("composes its subgraphs with the composition version it names", async () => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, "node_modules/@apollo/composition/package.json"), "utf8")) as {
      version: string;
    };
    expect(supergraph.federation_version).toBe(`=${version}`);
    const services = await Promise.all(
      Object.entries(supergraph.subgraphs).map(async ([name, subgraph]) => ({
        name,
        url: subgraph.routing_url,
        typeDefs: parse(await readFile(join(DEPLOY_DIR, subgraph.schema.file), "utf8")),
      })),
    );
    const result = composeServices(services);
    expect(result.errors ?? []).toEqual([]);
    expect(result.supergraphSdl).toMatch(/type Wallet\s+@join__type\(graph: WALLET, key: "id"\)/);
  });

  it("points at this subgraph's schema file and at the Service's port and GraphQL path", async () => {
    const wallet = supergraph.subgraphs.wallet!;
    expect(join(DEPLOY_DIR, wallet.schema.file)).toBe(join(REPO_ROOT, "schema.graphql"));
    const service = readYaml<{ metadata: { name: string }; spec: { ports: { port: number }[] } }>("kubernetes/service.yaml");
    expect(wallet.routing_url).toBe(`http://${service.metadata.name}:${service.spec.ports[0]!.port}/graphql`);
  });
});
