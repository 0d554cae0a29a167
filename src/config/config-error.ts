// Responsible for the one error a bad configuration raises: a message naming the bad field, and a non-zero exit.
import type { z } from "zod";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** "providers[1].token: environment variable KYREN_TOKEN is not set", one line per problem. */
export function describeIssues(source: string, error: Pick<z.ZodError, "issues">): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path
      .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
      .join("");
    return `  ${path || "(root)"}: ${issue.message}`;
  });
  return `invalid configuration in ${source}:\n${lines.join("\n")}`;
}
