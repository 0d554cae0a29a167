// Traces: with no OTLP endpoint nothing is started; with one, an operation's span and its upstream calls' spans reach the collector.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { trace } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { startTracing, tracingActive, type Tracing } from "../../src/observability/tracing.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { ExampleWalletDocument } from "../generated/graphql.js";
import { dataOf, sandboxPost } from "../support/graphql-http.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

/** A loopback OTLP/HTTP collector: keeps every span of every JSON export it receives. */
let collector: Server;
let collectorUrl: string;
const received: OtlpSpan[] = [];
let posts = 0;

beforeAll(async () => {
  collector = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      posts++;
      if (request.url === "/v1/traces" && /json/.test(request.headers["content-type"] ?? "")) {
        const parsed = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const resource of parsed.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, "127.0.0.1", resolve));
  collectorUrl = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => collector.close(() => resolve()));
});

const sandboxOptions = { port: 0, storeUrl: "sqlite::memory:", logger: createLogger({ level: "silent" }) };

describe("without OTEL_EXPORTER_OTLP_ENDPOINT", () => {
  it("starts no SDK: no span processor, only non-recording no-op spans, nothing sent", async () => {
    expect(startTracing({ endpoint: undefined })).toBeUndefined();
    expect(startTracing({ endpoint: "" })).toBeUndefined();
    expect(tracingActive()).toBe(false);
    // The global provider is the API's proxy with no SDK delegate behind it.
    const provider = trace.getTracerProvider() as unknown as { getDelegate(): unknown; constructor: { name: string } };
    expect(provider.constructor.name).toBe("ProxyTracerProvider");
    expect((provider.getDelegate() as { constructor: { name: string } }).constructor.name).toBe("NoopTracerProvider");
    const span = trace.getTracer("test").startSpan("nothing");
    expect(span.isRecording()).toBe(false);
    span.end();

    const sandbox = await startSandbox(sandboxOptions);
    try {
      dataOf(await sandboxPost(sandbox, ExampleWalletDocument));
    } finally {
      await sandbox.stop();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(posts).toBe(0);
  });
});

describe("with an OTLP endpoint on loopback", () => {
  let tracing: Tracing | undefined;
  let sandbox: Sandbox;

  beforeAll(async () => {
    tracing = startTracing({ endpoint: collectorUrl, serviceName: "wallet-test" });
    sandbox = await startSandbox(sandboxOptions);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await tracing?.shutdown();
  });

  it("exports a span for the operation and a child span for each upstream call", async () => {
    expect(tracingActive()).toBe(true);
    const response = await sandboxPost(sandbox, ExampleWalletDocument);
    dataOf(response);
    await tracing!.flush();

    const operation = received.find((span) => span.name === "query ExampleWallet");
    expect(operation, JSON.stringify(received.map((span) => span.name))).toBeDefined();
    expect(operation!.kind).toBe(2); // SERVER
    expect(operation!.attributes).toContainEqual({ key: "graphql.operation.name", value: { stringValue: "ExampleWallet" } });

    const upstream = received.filter((span) => span.name.startsWith("upstream ") && span.traceId === operation!.traceId);
    const providers = new Set(upstream.map((span) => span.attributes.find((a) => a.key === "wallet.provider")?.value.stringValue));
    // The sandbox's five providers each answer this query.
    expect([...providers].sort()).toEqual(["alphasms", "kyren", "lucky-monaco", "nami", "xpay"]);
    for (const span of upstream) {
      expect(span.parentSpanId).toBe(operation!.spanId);
      expect(span.kind).toBe(3); // CLIENT
      expect(span.attributes).toContainEqual({ key: "wallet.upstream.outcome", value: { stringValue: "ok" } });
    }
  });
});
