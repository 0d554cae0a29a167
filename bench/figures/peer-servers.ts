// Responsible for figure 5: the same built schema, context and answers on other servers, throughput relative to the product's Apollo Server on Express.
import { isDeepStrictEqual } from "node:util";
import { interleaved } from "../lib/measure.js";
import { figure, type FigureRecord } from "../lib/report.js";
import { walletsByEntities } from "../operations.js";
import type { Rig, Subgraph } from "../rig.js";
import { SERVER_KINDS, type ServerKind } from "../servers/serve.js";
import { LAYER_WALLETS } from "./layer-overhead.js";

const QUICK_PEERS: readonly ServerKind[] = ["yoga", "mercurius-jit"];

export interface PeerServer {
  kind: ServerKind;
  server: Subgraph;
}

/**
 * The peer servers, started together (each builds the schema and reads the providers' answers before it listens):
 * --quick, the two the figure is about (Yoga, and Mercurius with graphql-jit); the full run adds Apollo on Fastify and
 * Yoga with graphql-jit.
 */
export function startPeerServers(rig: Rig): Promise<PeerServer>[] {
  const kinds = SERVER_KINDS.filter((kind) => kind !== "apollo-express" && (!rig.durations.quick || QUICK_PEERS.includes(kind)));
  return kinds.map(async (kind) => ({ kind, server: await rig.subgraph({ providersFrom: "memory", server: kind }) }));
}

/** `apollo` is the product (Apollo Server on Express) serving providers from memory; `peers` are stopped here. */
export async function peerServers(rig: Rig, apollo: Subgraph, peers: readonly PeerServer[]): Promise<FigureRecord[]> {
  const operation = walletsByEntities(rig.walletIds.slice(0, LAYER_WALLETS));
  const expected = await rig.post(apollo.ready.graphqlUrl, operation.body);
  const figures: FigureRecord[] = [];
  /** Each peer's throughput over Apollo's, measured beside it. */
  const ratios: { kind: string; ratio: number }[] = [];
  try {
    for (const { kind, server: peer } of peers) {
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
      ratios.push({ kind, ratio: theirs.perSecond / ours.perSecond });
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
    await Promise.all(peers.map(({ server }) => server.stop()));
  }
  if (ratios.length === 0) return figures;
  // The product against the fastest peer on the same schema: each ratio was measured against its own Apollo rounds.
  const best = ratios.reduce((top, next) => (next.ratio > top.ratio ? next : top));
  return [
    ...figures,
    figure(
      "peer_servers.apollo_to_best_peer",
      1 / best.ratio,
      "x best peer",
      { atLeast: 1 },
      `Apollo Server on Express against the fastest peer here, ${best.kind}`,
    ),
  ];
}
