// Responsible for figure 5: the same built schema, context and answers on other servers, throughput relative to the product's Apollo Server on Express.
import { isDeepStrictEqual } from "node:util";
import { interleaved } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { Rig, Subgraph } from "../rig.js";
import { SERVER_KINDS, type ServerKind } from "../servers/serve.js";
import { LAYER_WALLETS } from "./layer-overhead.js";

const QUICK_PEERS: readonly ServerKind[] = ["yoga", "mercurius-jit"];

/** `apollo` is the product (Apollo Server on Express) serving providers from memory. */
export async function peerServers(rig: Rig, apollo: Subgraph): Promise<FigureRecord[]> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const expected = await rig.post(apollo.ready.graphqlUrl, operation.body);
  const figures: FigureRecord[] = [];
  // Started together: each builds the schema and records the providers' answers before it listens.
  // --quick: the two peers the figure is about (Yoga, and Mercurius with graphql-jit); the full run adds Apollo on Fastify and Yoga with graphql-jit.
  const kinds = SERVER_KINDS.filter((kind) => kind !== "apollo-express" && (!rig.durations.quick || QUICK_PEERS.includes(kind)));
  const started = await Promise.allSettled(kinds.map((kind) => rig.subgraph({ providersFrom: "memory", server: kind })));
  try {
    for (const [index, kind] of kinds.entries()) {
      const outcome = started[index]!;
      if (outcome.status === "rejected") throw outcome.reason;
      const peer = outcome.value;
      const answer = await rig.post(peer.ready.graphqlUrl, operation.body);
      if (!isDeepStrictEqual(answer.data, expected.data)) throw new Error(`${kind}'s answer differs from Apollo Server's`);
      const { a: theirs, b: ours } = await interleaved(
        rig.load,
        {
          a: { server: peer, target: rig.target(peer.ready.graphqlUrl, operation.body), profile: rig.profile(`peer_servers-${kind}`) },
          // Warmed again too: idle while the peer was measured, its heap shrinks back (V8's memory reducer).
          b: { server: apollo, target: rig.target(apollo.ready.graphqlUrl, operation.body) },
        },
        rig.durations.peerRounds,
        rig.durations.throughputSeconds,
        rig.durations.warmupSeconds,
      );
      figures.push(
        figure(
          `peer_servers.${kind.replace(/-/g, "_")}`,
          theirs.perSecond / ours.perSecond,
          "x Apollo/Express",
          null,
          `${theirs.perSecond.toFixed(0)}/s vs ${ours.perSecond.toFixed(0)}/s; CPU ${theirs.cpuMsPerRequest.toFixed(2)} vs ${ours.cpuMsPerRequest.toFixed(2)} ms/request`,
        ),
      );
    }
  } finally {
    await Promise.all(started.map((outcome) => (outcome.status === "fulfilled" ? outcome.value.stop() : undefined)));
  }
  return figures;
}
