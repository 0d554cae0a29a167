// Responsible for the fan-out's floor: a bare node:http server that, for each request, makes the measured operation's provider calls (one wallet, every provider) with each protocol's mandatory work and nothing else, then answers.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { callsOf, closePools } from "../lib/protocol-calls.js";

export interface FanoutFloorOptions {
  providers: ProviderConfig[];
  links: DemoLink[];
  /** The wallet the measured operation reads. */
  walletId: string;
}

/** The floor serves no method: figure 2 measures it from outside, as it measures the subgraph. */
export type FanoutFloorMethods = Record<string, never>;

async function start(options: FanoutFloorOptions) {
  const calls = options.providers.flatMap((config) => callsOf(config, [options.walletId], options.links));
  const fanOut = () => Promise.all(calls.map((call) => call()));

  const httpServer = createServer((request, response) => {
    request.resume();
    request.once("end", () => {
      fanOut().then(
        () => {
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify({ data: { answers: calls.length } }));
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
  const methods: FanoutFloorMethods = {};
  serveMethods({ graphqlUrl: `http://127.0.0.1:${port}/graphql` }, methods, async () => {
    httpServer.close();
    await closePools();
  });
}

start(benchOptions<FanoutFloorOptions>()).catch(failStart);
