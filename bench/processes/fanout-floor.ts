// Responsible for the fan-out's floor: a bare node:http server that, for each request, makes the calls it is aimed at (the subgraph's, to each simulator) with undici, reads them and answers, doing nothing else.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Pool } from "undici";
import { failStart, serveMethods } from "../lib/ipc.js";
import { processUsage, type ProcessUsage } from "../lib/usage.js";

/** Each simulator's base URL, and how many calls the subgraph makes to it for the measured operation. */
export type FanoutCalls = { baseUrl: string; count: number }[];

export type FanoutFloorMethods = {
  usage(): ProcessUsage;
  /** Sets the calls each request makes: those the subgraph made for the measured operation. */
  aim(calls: FanoutCalls): void;
};

interface Target {
  pool: Pool;
  path: string;
}

async function start() {
  // Pools as the subgraph's clients keep them: keep-alive, one per provider.
  const pools = new Map<string, Pool>();
  let targets: Target[] = [];
  const aim = (calls: FanoutCalls): void => {
    targets = calls.flatMap(({ baseUrl, count }) => {
      const url = new URL(baseUrl);
      let pool = pools.get(url.origin);
      if (!pool) pools.set(url.origin, (pool = new Pool(url.origin, { connections: 64, keepAliveTimeout: 4_000 })));
      return Array.from({ length: count }, () => ({ pool, path: `${url.pathname.replace(/\/+$/, "")}/floor` }));
    });
  };
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
      if (targets.length === 0) {
        response.writeHead(503, { "content-type": "text/plain" });
        response.end("not aimed yet");
        return;
      }
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
  const methods: FanoutFloorMethods = { usage: processUsage, aim };
  serveMethods({ graphqlUrl: `http://127.0.0.1:${port}/graphql` }, methods, async () => {
    httpServer.close();
    await Promise.all([...pools.values()].map((pool) => pool.close().catch(() => undefined)));
  });
}

start().catch(failStart);
