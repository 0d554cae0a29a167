// The Grafana dashboard and Prometheus alert rules in deploy/: valid PromQL over metrics and labels a real subgraph's /metrics shows.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { ExampleWalletDocument } from "../generated/graphql.js";
import { asOperator, dataOf, postGraphQL } from "../support/graphql-http.js";
import { DEPLOY_DIR, readYaml } from "../support/deploy-kit.js";
import { parsePromQL, type MetricUse } from "../support/promql.js";

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource: { uid: string } }[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

/** Series Prometheus makes itself, and the labels it adds to every scraped series: never on /metrics. */
const PROMETHEUS_OWN_METRICS = new Set(["up"]);
const TARGET_LABELS = new Set(["job", "instance"]);
/** Grafana's own variables, given values a query would see. */
const GRAFANA_BUILTINS: Record<string, string> = { __rate_interval: "5m", __interval: "1m", __range: "1h" };

const rules = readYaml<{ groups: { name: string; rules: AlertRule[] }[] }>("prometheus/alerts.yaml");
const alerts = rules.groups.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(join(DEPLOY_DIR, "grafana/wallet-subgraph.json"), "utf8")) as Dashboard;
const dashboardVariables = dashboard.templating.list.map((variable) => variable.name);

/** A dashboard query as Prometheus receives it: Grafana's variables replaced by a value of their kind. */
function asSent(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    if (name in GRAFANA_BUILTINS) return GRAFANA_BUILTINS[name]!;
    if (!dashboardVariables.includes(name)) throw new Error(`$${name} is not a variable of the dashboard`);
    return ".*";
  });
}

const expressions: { where: string; expr: string }[] = [
  ...alerts.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  ...dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: asSent(target.expr) })),
  ),
  ...dashboard.templating.list
    .filter((variable) => variable.type === "query")
    .map((variable) => {
      // label_values(metric, label) is Grafana's: its first argument is a selector.
      const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec(variable.definition ?? "") ?? [];
      if (!selector) throw new Error(`variable ${variable.name}: unreadable query ${variable.definition}`);
      return { where: `variable $${variable.name}`, expr: `count by (${label}) (${selector})` };
    }),
];
const parsed = expressions.map((each) => ({ ...each, ...parsePromQL(each.expr) }));
const uses: (MetricUse & { where: string })[] = parsed.flatMap((each) => each.uses.map((use) => ({ ...use, where: each.where })));

/** One /metrics text, as families declared and the label sets of each series name. */
function readScrape(text: string) {
  const families = new Map<string, string>();
  const series = new Map<string, Record<string, string>[]>();
  for (const line of text.split("\n")) {
    const declared = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (declared) families.set(declared[1]!, declared[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? \S+$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((match) => [match[1]!, match[2]!]));
    series.set(sample[1]!, [...(series.get(sample[1]!) ?? []), labels]);
  }
  /** Whether a name is a family, or a histogram's or summary's _bucket, _sum or _count. */
  const declares = (name: string) => {
    if (families.has(name)) return true;
    const base = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
    return base !== undefined && ["histogram", "summary"].includes(families.get(base) ?? "");
  };
  return { series, declares };
}

describe("the alert rules and the dashboard", () => {
  it("are written in PromQL that Prometheus's own grammar parses", () => {
    expect(expressions.length).toBeGreaterThan(15);
    for (const each of parsed) expect(each.errors, `${each.where}: ${each.expr}`).toEqual([]);
    expect(parsePromQL("sum by (provider) (rate(wallet_upstream_calls_total[5m])").errors).not.toEqual([]);
  });

  it("cover provider failure rate, open circuits, the reconciler backlog and latency", () => {
    const named = (metric: string) => new Set(uses.filter((use) => use.metric === metric).map((use) => use.where.split(" ")[0]));
    for (const metric of [
      "wallet_upstream_calls_total",
      "wallet_circuit_state",
      "wallet_reconciler_backlog",
      "wallet_upstream_call_duration_seconds_bucket",
      "wallet_graphql_request_duration_seconds_bucket",
    ]) {
      expect([...named(metric)], metric).toEqual(expect.arrayContaining(["alert", "panel"]));
    }
  });

  it("are well formed: rules with a severity, a summary and a duration; panels on the dashboard's data source, within its grid", () => {
    expect(new Set(alerts.map((rule) => rule.alert)).size).toBe(alerts.length);
    for (const rule of alerts) {
      expect(rule.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(["critical", "warning"]).toContain(rule.labels.severity);
      expect(rule.annotations.summary?.length).toBeGreaterThan(0);
      if (rule.for !== undefined) expect(rule.for).toMatch(/^\d+[smh]$/);
    }
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    expect(dashboard.templating.list.find((variable) => variable.name === "datasource")?.type).toBe("datasource");
    for (const panel of dashboard.panels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      if (panel.type === "row") continue;
      expect(panel.datasource?.uid).toBe("${datasource}");
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.datasource.uid).toBe("${datasource}");
    }
  });

  describe("against a running subgraph's /metrics", () => {
    let sandbox: Sandbox;
    let firstScrape: ReturnType<typeof readScrape>;
    let laterScrape: ReturnType<typeof readScrape>;
    const scrape = async () => readScrape(await (await fetch(`${sandbox.url}/metrics`)).text());

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", logger: createLogger({ level: "silent" }) });
      firstScrape = await scrape();
      // Traffic as a scrape would see it: a request answered with data, and one answered with errors.
      dataOf(await postGraphQL(sandbox.graphqlUrl, ExampleWalletDocument, undefined, asOperator(sandbox)));
      const refused = await fetch(sandbox.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...asOperator(sandbox) },
        body: JSON.stringify({ query: "{ noSuchField }" }),
      });
      expect(refused.status).toBe(400);
      laterScrape = await scrape();
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    it("find every metric they name", () => {
      for (const use of uses) {
        if (PROMETHEUS_OWN_METRICS.has(use.metric)) continue;
        expect(firstScrape.declares(use.metric), `${use.where}: ${use.metric}`).toBe(true);
      }
    });

    it("see every configured provider from the first scrape, before any call", () => {
      const perProvider = uses.filter(
        (use) => use.groupedBy.includes("provider") || use.matchers.some((matcher) => matcher.label === "provider"),
      );
      expect(perProvider.length).toBeGreaterThan(5);
      for (const use of perProvider) {
        const seen = new Set((firstScrape.series.get(use.metric) ?? []).map((labels) => labels.provider));
        for (const { id } of sandbox.providers) expect(seen.has(id), `${use.where}: ${use.metric}{provider="${id}"}`).toBe(true);
      }
    });

    it("match and group by labels those metrics carry, and values they take", () => {
      for (const use of uses) {
        if (PROMETHEUS_OWN_METRICS.has(use.metric)) continue;
        const samples = laterScrape.series.get(use.metric) ?? [];
        expect(samples.length, `${use.where}: ${use.metric} has series`).toBeGreaterThan(0);
        const labels = new Set(samples.flatMap((sample) => Object.keys(sample)));
        for (const label of [...use.groupedBy, ...use.matchers.map((matcher) => matcher.label)]) {
          if (TARGET_LABELS.has(label)) continue;
          expect(labels.has(label), `${use.where}: ${use.metric} has no label ${label}`).toBe(true);
        }
        for (const matcher of use.matchers) {
          if (TARGET_LABELS.has(matcher.label) || matcher.value === ".*") continue;
          const values = new Set(samples.map((sample) => sample[matcher.label]));
          // A plain value, or alternatives of plain values: each must be one the subgraph writes.
          for (const value of matcher.value.split("|")) {
            expect(/^[\w-]+$/.test(value), `${use.where}: unexpected pattern ${matcher.value}`).toBe(true);
            expect(values.has(value), `${use.where}: ${use.metric}{${matcher.label}="${value}"} never appears`).toBe(true);
          }
        }
      }
    });
  });
});
