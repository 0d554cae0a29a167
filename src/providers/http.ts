// Responsible for talking HTTP to one provider: a bounded keep-alive pool, a timeout per call, and transport errors as ProviderErrors.
import { Pool } from "undici";
import { FailureCode, ProviderError } from "./failure.js";

export interface ProviderHttpOptions {
  baseUrl: string;
  /** Most connections open to this provider at once; further calls wait their turn. */
  maxConnections: number;
  /** Whole-call budget, waiting for a connection included. */
  timeoutMs: number;
  /** Larger answers are refused rather than buffered. */
  maxResponseBytes?: number;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

// Errors raised before a byte of the request left: the provider cannot have acted on it.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** Lives for the process: one per provider account endpoint. */
export class ProviderHttp {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: ProviderHttpOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, "");
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.pool = new Pool(url.origin, {
      connections: options.maxConnections,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  /** Sends one request and reads the whole answer, whatever its status. */
  async send(request: {
    method: "GET" | "POST";
    path: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
  }): Promise<HttpAnswer> {
    const search = request.query ? `?${new URLSearchParams(request.query).toString()}` : "";
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    try {
      const response = await this.pool.request({
        method: request.method,
        path: `${this.basePath}${request.path}${search}`,
        headers: request.headers,
        body: request.body,
        signal,
      });
      return { status: response.statusCode, body: await this.readBody(response.body) };
    } catch (error) {
      throw this.transportError(error, signal);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async readBody(body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown }): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxResponseBytes) {
        body.destroy();
        throw new ProviderError(FailureCode.BAD_RESPONSE, `the answer is larger than ${this.maxResponseBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  private transportError(error: unknown, signal: AbortSignal): ProviderError {
    if (error instanceof ProviderError) return error;
    const code = errorCode(error);
    if (signal.aborted || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new ProviderError(
        FailureCode.TIMEOUT,
        `no answer within ${this.options.timeoutMs} ms`,
        undefined,
        { cause: error },
        code !== "UND_ERR_CONNECT_TIMEOUT",
      );
    }
    if (code && NOT_SENT_CODES.has(code)) {
      return new ProviderError(FailureCode.UNREACHABLE, `cannot connect (${code})`, undefined, { cause: error }, false);
    }
    return new ProviderError(FailureCode.UNREACHABLE, `the connection failed (${code ?? "unknown error"})`, undefined, {
      cause: error,
    });
  }
}

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  // undici nests the system error (ECONNREFUSED) in `cause`.
  for (let depth = 0; depth < 4 && current && typeof current === "object"; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
