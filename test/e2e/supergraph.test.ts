// The platform team composes the wallet subgraph with a users subgraph and serves both through a real gateway.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { asOperator, dataOf, postGraphQL } from "../support/graphql-http.js";
import { startApolloGateway, type RunningGateway } from "../support/gateways.js";
import { composeApollo } from "../support/supergraph.js";
import { startUsersSubgraph, userIds } from "../support/users-subgraph.js";

const ROUTER_SECRET = "router-shared-secret-for-tests";

describe("composition", () => {
  it("composes schema.graphql with a users subgraph, User gaining its wallet", async () => {
    const { supergraphSdl: supergraph } = await composeApollo();
    expect(supergraph).toMatch(/type User\s+@join__type\(graph: USERS, key: "id"\)\s+@join__type\(graph: WALLET, key: "id"\)/);
    expect(supergraph).toMatch(/wallet: Wallet @join__field\(graph: WALLET\)/);
    expect(supergraph).toMatch(/type Wallet\s+@join__type\(graph: WALLET, key: "id"\)/);
  });
});

describe("a gateway in front of both subgraphs", () => {
  let sandbox: Sandbox;
  let users: Awaited<ReturnType<typeof startUsersSubgraph>>;
  let gateway: RunningGateway;
  let gatewayUrl: string;
  let walletRequests: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", routerSecret: ROUTER_SECRET });
    users = await startUsersSubgraph();
    // Before Express, which rewrites the URL of a mounted path.
    sandbox.server.httpServer.prependListener("request", (request) => walletRequests.push(`${request.method} ${request.url}`));
    const { supergraphSdl } = await composeApollo(sandbox.graphqlUrl, users.url);
    gateway = await startApolloGateway(supergraphSdl, ROUTER_SECRET);
    gatewayUrl = gateway.url;
  });

  afterAll(async () => {
    await gateway?.stop();
    await users?.stop();
    await sandbox?.stop();
  });

  it("gives 100 users their wallets in one _entities request at the minimum upstream calls", async () => {
    const ids = userIds(100);
    for (const [i, id] of ids.entries()) if (i > 0) sandbox.simulators.kyren.setWallet(id, "USD", `${i}.25`);
    for (const simulator of Object.values(sandbox.simulators)) simulator.resetCalls();
    walletRequests = [];

    const { users: answer } = dataOf(
      await postGraphQL<
        { users: { id: string; name: string; wallet: { balances: { provider: { id: string }; amount: string }[]; total: string } }[] },
        unknown
      >(
        gatewayUrl,
        `query { users(first: 100) { id name wallet { total(currency: "USD") balances(currency: "USD") { provider { id } amount } } } }`,
        undefined,
        asOperator(sandbox),
      ),
    );

    expect(answer).toHaveLength(100);
    expect(answer[0]).toEqual({
      id: "tester",
      name: "User tester",
      wallet: {
        total: "400.0",
        balances: [
          { provider: { id: "kyren" }, amount: "100.0" },
          { provider: { id: "lucky-monaco" }, amount: "300.0" },
        ],
      },
    });
    expect(answer[7]!.wallet).toEqual({ total: "7.25", balances: [{ provider: { id: "kyren" }, amount: "7.25" }] });

    expect(walletRequests).toEqual(["POST /graphql"]);
    // The minimum the providers' APIs allow: Kyren answers all of a user's currencies in one /user/info call,
    // Lucky Monaco needs one /user/balance call per user for USD, AlphaSMS one for the one user with a linked
    // account (its answer tells the currency), and Nami and XPAY hold no USD.
    const { kyren, luckyMonaco, alphaSms, nami, xpay } = sandbox.simulators;
    expect({
      kyrenInfo: kyren.calls("/user/info"),
      luckyMonacoBalance: luckyMonaco.calls("/user/balance"),
      alphaSms: alphaSms.calls(),
      nami: nami.calls(),
      xpay: xpay.calls(),
    }).toEqual({ kyrenInfo: 100, luckyMonacoBalance: 100, alphaSms: 1, nami: 0, xpay: 0 });
    expect(Object.values(sandbox.simulators).reduce((sum, simulator) => sum + simulator.calls(), 0)).toBe(201);
  });
});
