// Measures refunds per second through the subgraph's HTTP endpoint on each store (SQLite file, PostgreSQL schema).
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { TRUSTED } from "../src/auth/caller.js";
import { SlotSpecSimulator } from "../src/providers/slot-spec/simulator.js";
import { startServer } from "../src/server.js";
import { createServices } from "../src/services.js";
import { STORE_KINDS } from "../test/support/stores.js";

const { values } = parseArgs({
  options: {
    refunds: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
  },
});
const total = Number(values.refunds);
const concurrency = Number(values.concurrency);

const MUTATION = `mutation ($input: RefundInput!) { refund(input: $input) { refund { status } userErrors { code } } }`;
const partner = { partnerId: "bench", token: randomUUID() };

async function measure(kindName: string, storeUrl: string): Promise<{ perSecond: number; p50: number; p99: number }> {
  const simulator = await SlotSpecSimulator.start({ partners: [partner], wallets: { bench: { USD: "1000000000.00" } } });
  const services = await createServices(
    [
      {
        protocol: "slot-spec",
        id: "lucky-monaco",
        name: "Lucky Monaco",
        baseUrl: simulator.url,
        ...partner,
        currencies: ["USD"],
        userInfo: false,
        canRefund: true,
        timeoutMs: 3_000,
        maxConnections: 32,
      },
    ],
    storeUrl,
  );
  const server = await startServer({
    services,
    port: 0,
    host: "127.0.0.1",
    playground: false,
    introspection: false,
    // Authorisation is measured elsewhere: here every caller is trusted.
    security: { verifyCaller: async () => TRUSTED },
  });
  const send = async () => {
    const started = performance.now();
    const response = await fetch(server.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: MUTATION,
        variables: { input: { walletId: "bench", providerId: "lucky-monaco", currency: "USD", amount: "0.01", idempotencyKey: randomUUID() } },
      }),
    });
    const body = (await response.json()) as { data?: { refund: { refund: { status: string } | null } } };
    if (body.data?.refund.refund?.status !== "SUCCEEDED") throw new Error(`refund failed on ${kindName}: ${JSON.stringify(body)}`);
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < 100; i++) await send(); // warm-up
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < total) latencies.push(await send());
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      perSecond: total / seconds,
      p50: latencies[Math.floor(latencies.length * 0.5)]!,
      p99: latencies[Math.floor(latencies.length * 0.99)]!,
    };
  } finally {
    await server.stop();
    await services.close();
    await simulator.stop();
  }
}

console.log(`refunds through POST /graphql: ${total} refunds, ${concurrency} at a time, provider simulator on loopback`);
console.log("store        refunds/s   p50 ms   p99 ms");
for (const kind of STORE_KINDS) {
  const store = await kind.create();
  try {
    const figures = await measure(kind.name, store.url);
    console.log(
      `${kind.name.padEnd(12)} ${figures.perSecond.toFixed(0).padStart(9)} ${figures.p50.toFixed(1).padStart(8)} ${figures.p99.toFixed(1).padStart(8)}`,
    );
  } finally {
    await store.drop();
  }
}
