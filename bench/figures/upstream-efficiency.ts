// Responsible for figure 1: upstream calls made for each operation shape, over the fewest the providers' APIs allow.
import { minimumCalls } from "../minimum-calls.js";
import { efficiencyShapes } from "../operations.js";
import { figure, type FigureRecord } from "../lib/report.js";
import type { Rig, Subgraph } from "../rig.js";

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

/** Every `failures` list in an answer must be empty: a failed provider would make fewer calls look efficient. */
function assertNoFailures(value: unknown, shape: string): void {
  if (Array.isArray(value)) value.forEach((item) => assertNoFailures(item, shape));
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "failures" && Array.isArray(inner) && inner.length > 0)
        throw new Error(`${shape}: a provider failed: ${JSON.stringify(inner)}`);
      assertNoFailures(inner, shape);
    }
  }
}

export async function upstreamEfficiency(rig: Rig, subgraph: Subgraph): Promise<FigureRecord[]> {
  const { providers, links } = rig.simulators;
  const figures: FigureRecord[] = [];
  for (const shape of efficiencyShapes(rig.walletIds)) {
    await rig.simulators.resetCalls();
    const { data } = await rig.post(subgraph.ready.graphqlUrl, shape.body);
    assertNoFailures(data, shape.name);
    const made = await rig.simulators.calls();
    const minimum = minimumCalls(providers, links, shape.asks);
    const ids = providers.map((provider) => provider.id);
    const total = (counts: Record<string, number>) => ids.reduce((sum, id) => sum + (counts[id] ?? 0), 0);
    const record = figure(
      `upstream_efficiency.${slug(shape.name)}`,
      Math.round((total(made) / total(minimum)) * 100) / 100,
      "calls / minimum",
      { exactly: 1 },
      `${total(made)}/${total(minimum)}: ${ids.map((id) => `${id} ${made[id] ?? 0}/${minimum[id]}`).join(", ")}`,
    );
    // Equal totals are not enough: every provider must be at its own minimum.
    record.ok = ids.every((id) => (made[id] ?? 0) === minimum[id]);
    figures.push(record);
  }
  return figures;
}
