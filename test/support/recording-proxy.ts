// A loopback HTTP proxy in front of a simulator that notes when each request arrived and for which wallet: what a provider sees of our calls.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

interface Arrival {
  /** performance.now() of this process when the request arrived. */
  at: number;
  path: string;
  /** The SLOT_SPEC body's `id` (the wallet), read with a pattern: request bodies are never parsed as money here. */
  walletId: string | undefined;
}

export interface RecordingProxy {
  url: string;
  arrivals: Arrival[];
  stop(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const arrivals: Arrival[] = [];
  const server = createServer((request, response) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = (request.url ?? "/").split("?")[0]!;
      arrivals.push({ at, path, walletId: /"id":"([^"]*)"/.exec(body)?.[1] });
      fetch(`${target}${request.url ?? "/"}`, {
        method: request.method,
        headers: { "content-type": request.headers["content-type"] ?? "application/json" },
        body: request.method === "GET" || request.method === "HEAD" ? undefined : body,
      })
        .then(async (answer) => {
          const text = await answer.text();
          response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
          response.end(text);
        })
        .catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most arrivals inside any window of `windowMs` (a sliding window over the arrival times). */
export function worstWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    worst = Math.max(worst, end - start + 1);
  }
  return worst;
}
