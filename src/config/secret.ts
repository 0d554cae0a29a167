// Responsible for secrets in configuration: a field names where the secret lives (environment or file), never the secret itself.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { environmentVariable } from "./app-config.js";

/**
 * `{ env: "KYREN_TOKEN" }` or `{ file: "/run/secrets/kyren-token" }`, resolved to the secret's
 * text while the configuration is parsed, so a missing secret fails at start, naming its field.
 */
export const secretReference = z
  .union([
    z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name") }),
    z.strictObject({ file: z.string().min(1) }),
  ])
  .transform((reference, context) => {
    const value = readSecret(reference);
    if (value === undefined || value === "") {
      context.addIssue({
        code: "custom",
        message:
          "env" in reference ? `environment variable ${reference.env} is not set` : `secret file ${reference.file} is missing or empty`,
      });
      return z.NEVER;
    }
    return value;
  });

function readSecret(reference: { env: string } | { file: string }): string | undefined {
  if ("env" in reference) return environmentVariable(reference.env);
  try {
    return readFileSync(reference.file, "utf8").trim();
  } catch {
    return undefined;
  }
}
