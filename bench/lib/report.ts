// Responsible for the bench's output: one record per figure, the table printed at the end, and bench/results.json.
import { writeFile } from "node:fs/promises";

export interface FigureRecord {
  name: string;
  value: number;
  unit: string;
  /** Such as "<= 1.15"; null for a figure that is reported, not budgeted. */
  budget: string | null;
  /** Whether the value is within its budget; null when it has none. */
  ok: boolean | null;
  /** What the value is made of, for the reader of the table. */
  detail?: string;
}

export type Budget = { atMost: number } | { atLeast: number } | { exactly: number };

export function figure(name: string, value: number, unit: string, budget: Budget | null, detail?: string): FigureRecord {
  if (budget === null) return { name, value, unit, budget: null, ok: null, detail };
  if ("atMost" in budget) return { name, value, unit, budget: `<= ${budget.atMost}`, ok: value <= budget.atMost, detail };
  if ("atLeast" in budget) return { name, value, unit, budget: `>= ${budget.atLeast}`, ok: value >= budget.atLeast, detail };
  return { name, value, unit, budget: `= ${budget.exactly.toFixed(2)}`, ok: value === budget.exactly, detail };
}

const shown = (value: number): string =>
  Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);

/** A plain-text table: figure, value, unit, budget, verdict, and what it is made of. */
export function table(figures: readonly FigureRecord[]): string {
  const rows = figures.map((f) => [
    f.name,
    shown(f.value),
    f.unit,
    f.budget ?? "reported",
    f.ok === null ? "" : f.ok ? "ok" : "OVER BUDGET",
    f.detail ?? "",
  ]);
  const header = ["figure", "value", "unit", "budget", "", "detail"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n");
}

export async function writeResults(path: URL, figures: readonly FigureRecord[]): Promise<void> {
  await writeFile(path, `${JSON.stringify(figures, null, 2)}\n`);
}
