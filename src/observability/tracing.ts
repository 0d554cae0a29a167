// Responsible for OpenTelemetry spans (one per operation, one per upstream call), exported over OTLP/HTTP only when an endpoint is configured.
import type { ApolloServerPlugin } from "@apollo/server";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import type { NextFunction, Request, Response } from "express";
import type { UpstreamCall, UpstreamObserver } from "./upstream-events.js";

const TRACER_NAME = "wallet-subgraph";

export interface TracingOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; spans go to `<endpoint>/v1/traces` as OTLP JSON. */
  endpoint: string;
  serviceName?: string;
}

export interface Tracing {
  /** Sends every finished span now. */
  flush(): Promise<void>;
  /** Flushes, then stops exporting and unregisters the global tracer provider. */
  shutdown(): Promise<void>;
}

/** The process's tracer provider while tracing is on; without it the API is the no-op one. */
let active: NodeTracerProvider | undefined;

/** True once `startTracing` has started an SDK (and until its shutdown). */
export function tracingActive(): boolean {
  return active !== undefined;
}

/**
 * Starts the SDK for the process when an endpoint is given; with none it starts nothing and returns
 * undefined, leaving only the no-op API: no span processor, no exporter, no context manager.
 */
export function startTracing(options: Partial<TracingOptions> = {}): Tracing | undefined {
  if (!options.endpoint) return undefined;
  if (active) throw new Error("tracing is already started in this process");
  const url = `${options.endpoint.replace(/\/+$/, "")}/v1/traces`;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName ?? "wallet-subgraph" }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 1000 })],
  });
  // The AsyncLocalStorage context manager: an upstream call's span finds its operation's span as parent.
  provider.register();
  active = provider;
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      if (active === provider) active = undefined;
      trace.disable();
      context.disable();
    },
  };
}

/** Express middleware for /graphql: the operation's span, active for everything the request does. */
export function operationSpans() {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!active) return next();
    const span = trace.getTracer(TRACER_NAME).startSpan("graphql", {
      kind: SpanKind.SERVER,
      attributes: { "http.request.method": request.method, "url.path": request.baseUrl || request.path },
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      span.setAttribute("http.response.status_code", response.statusCode);
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    response.once("finish", end);
    response.once("close", end);
    context.with(trace.setSpan(context.active(), span), next);
  };
}

/** Names the operation's span after the GraphQL operation and marks it failed on errors. */
export function tracingPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const span = active ? trace.getActiveSpan() : undefined;
      if (!span) return;
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? "unknown";
          span.updateName(`${type} ${operationName ?? "anonymous"}`);
          span.setAttribute("graphql.operation.type", type);
          if (operationName) span.setAttribute("graphql.operation.name", operationName);
        },
        async willSendResponse({ response }) {
          const requestId = response.http.headers.get("x-request-id");
          if (requestId) span.setAttribute("wallet.request_id", requestId);
        },
        async didEncounterErrors({ errors }) {
          span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        },
      };
    },
  };
}

/** Adds a span per upstream call (a child of the operation's span) to `observer`'s work; free while tracing is off. */
export function withUpstreamSpans(observer: UpstreamObserver): UpstreamObserver {
  return {
    call(event: UpstreamCall) {
      observer.call(event);
      if (!active) return;
      try {
        const end = Date.now();
        const span = trace.getTracer(TRACER_NAME).startSpan(
          `upstream ${event.providerId}`,
          {
            kind: SpanKind.CLIENT,
            startTime: end - event.durationMs,
            attributes: {
              "wallet.provider": event.providerId,
              "wallet.upstream.outcome": event.outcome,
              "wallet.upstream.attempt": event.attempt,
            },
          },
          context.active(),
        );
        if (event.outcome !== "ok") span.setStatus({ code: SpanStatusCode.ERROR, message: event.outcome });
        span.end(end);
      } catch {
        // An observer must not throw.
      }
    },
    circuit(providerId, state) {
      observer.circuit(providerId, state);
    },
  };
}
