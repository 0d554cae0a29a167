// Reading PromQL with Prometheus's own grammar: syntax errors, and which metrics and labels an expression names.
import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

interface LabelMatcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface MetricUse {
  metric: string;
  matchers: LabelMatcher[];
  /** Labels an aggregation around this selector groups by (`by (provider)`), which its series must carry. */
  groupedBy: string[];
}

export interface ParsedExpression {
  /** Text around each syntax error; empty when the expression parses. */
  errors: string[];
  uses: MetricUse[];
}

const MATCH_OPS: Record<string, LabelMatcher["op"]> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

function children(node: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) found.push(child);
  return found;
}

function unquote(literal: string): string {
  const quote = literal[0];
  const body = literal.slice(1, -1);
  return quote === "`" ? body : body.replace(/\\(.)/g, "$1");
}

export function parsePromQL(expression: string): ParsedExpression {
  const text = (node: SyntaxNode) => expression.slice(node.from, node.to);
  const errors: string[] = [];
  const uses: MetricUse[] = [];
  const walk = (node: SyntaxNode, grouping: string[]): void => {
    if (node.type.isError) errors.push(`near "${expression.slice(Math.max(0, node.from - 20), node.to + 20)}" (offset ${node.from})`);
    if (node.name === "VectorSelector") {
      const [identifier] = children(node).filter((child) => child.name === "Identifier");
      const matchers = (node.getChild("LabelMatchers") ? children(node.getChild("LabelMatchers")!) : [])
        .filter((child) => child.name === "UnquotedLabelMatcher")
        .map((matcher) => ({
          label: text(matcher.getChild("LabelName")!),
          op: MATCH_OPS[matcher.getChild("MatchOp")!.firstChild!.name]!,
          value: unquote(text(matcher.getChild("StringLiteral")!)),
        }));
      if (identifier) uses.push({ metric: text(identifier), matchers, groupedBy: grouping });
    }
    let inner = grouping;
    if (node.name === "AggregateExpr") {
      const modifier = node.getChild("AggregateModifier");
      const by = modifier?.getChild("By") ? modifier.getChild("GroupingLabels") : null;
      if (by)
        inner = [
          ...grouping,
          ...children(by)
            .filter((child) => child.name === "LabelName")
            .map(text),
        ];
    }
    for (const child of children(node)) walk(child, inner);
  };
  walk(parser.parse(expression).topNode, []);
  return { errors, uses };
}
