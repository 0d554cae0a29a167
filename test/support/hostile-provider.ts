// A provider on loopback that answers whatever a test tells it to, one answer function per base path: the subgraph's clients are pointed at it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HostileRequest {
  /** The path after the base path, such as /user/info. */
  path: string;
  body: string;
}

export interface HostileAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export type Answerer = (request: HostileRequest) => HostileAnswer;

export class HostileProvider {
  private readonly answerers = new Map<string, Answerer>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    /** Such as http://127.0.0.1:40123 */
    readonly url: string,
  ) {}

  static async start(): Promise<HostileProvider> {
    let provider: HostileProvider | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const url = new URL(request.url ?? "/", "http://hostile");
        const [, base = "", ...rest] = url.pathname.split("/");
        provider!.counts.set(base, (provider!.counts.get(base) ?? 0) + 1);
        const answerer = provider!.answerers.get(base);
        const answer = answerer
          ? answerer({ path: `/${rest.join("/")}`, body: Buffer.concat(chunks).toString("utf8") })
          : { status: 404, body: "no answer set" };
        response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" });
        response.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    provider = new HostileProvider(server, `http://127.0.0.1:${port}`);
    return provider;
  }

  /** The base URL a provider's configuration gives, whose requests `answerer` answers. */
  baseUrl(base: string): string {
    return `${this.url}/${base}`;
  }

  answer(base: string, answerer: Answerer): void {
    this.answerers.set(base, answerer);
  }

  /** Requests received under `base` so far. */
  calls(base: string): number {
    return this.counts.get(base) ?? 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
