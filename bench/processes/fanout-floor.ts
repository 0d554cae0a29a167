// Responsible for the fan-out's floor: a bare node:http server that, for each request, makes the same number of calls to each simulator with undici, reads them and answers, doing nothing else.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { processUsage } from "../lib/usage.js";

export interface FanoutFloorOptions {
  /** Each simulator's base URL, and how many calls the subgraph makes to it for the measured operation. */
  calls: { baseUrl: string; count: number }[];
}

async function start(options: FanoutFloorOptions) {
  // Pools as the subgraph's clients keep them: keep-alive, one per provider.
  const targets = options.calls.flatMap(({ baseUrl, count }) => {
    const url = new URL(baseUrl);
    const pool = new Pool(url.origin, { connections: 64, keepAliveTimeout: 4_000 });
    return Array.from({ length: count }, () => ({ pool, path: `${url.pathname.replace(/\/+$/, "")}/floor` }));
  });
  const fanOut = () =>
    Promise.all(
      targets.map(async ({ pool, path }) => {
        const answer = await pool.request({ method: "POST", path, headers: { "content-type": "application/json" }, body: "{}" });
        return answer.body.text();
      }),
    );

  const httpServer = createServer((request, response) => {
    request.resume();
    request.once("end", () => {
      fanOut().then(
        (bodies) => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ data: { answers: bodies.length } }));
        },
        (error: unknown) => {
          response.writeHead(502, { "content-type": "text/plain" });
          response.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  serveMethods({ graphqlUrl: `http://127.0.0.1:${port}/graphql` }, { usage: processUsage }, async () => {
    httpServer.close();
    await Promise.all(targets.map(({ pool }) => pool.close().catch(() => undefined)));
  });
}

start(benchOptions<FanoutFloorOptions>()).catch(failStart);
