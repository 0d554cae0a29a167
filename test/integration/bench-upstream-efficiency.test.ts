// The benchmark's first figure as a test: every operation shape costs exactly the fewest upstream calls the providers' APIs allow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamEfficiency } from "../../bench/figures/upstream-efficiency.js";
import { QUICK, Rig, type Subgraph } from "../../bench/rig.js";

describe("upstream efficiency (bench processes: simulators, subgraph, load)", () => {
  let rig: Rig;
  let subgraph: Subgraph;

  beforeAll(async () => {
    rig = await Rig.start(QUICK, { wallets: 100, latencyMs: 0 });
    subgraph = await rig.subgraph({ providersFrom: "http", server: "apollo-express" });
  });

  afterAll(async () => {
    await subgraph?.stop();
    await rig?.stop();
  });

  it("makes exactly the minimum calls at every provider for every shape", async () => {
    const figures = await upstreamEfficiency(rig, subgraph);
    expect(figures.map((figure) => figure.name)).toEqual([
      "upstream_efficiency.one_wallet_all_currencies",
      "upstream_efficiency.100_wallets_via_entities",
      "upstream_efficiency.aliases_the_same_balance_twice",
      "upstream_efficiency.balances_and_total_same_currency",
      "upstream_efficiency.all_currencies_and_one_total",
    ]);
    for (const figure of figures)
      expect({ name: figure.name, ok: figure.ok, value: figure.value, detail: figure.detail }).toMatchObject({ ok: true, value: 1 });
    // The 100-wallet shape really is 100 wallets at five providers.
    expect(figures[1]!.detail).toMatch(
      /^700\/700: kyren 100\/100, lucky-monaco 200\/200, alphasms 100\/100, nami 200\/200, xpay 100\/100$/,
    );
  });
});
