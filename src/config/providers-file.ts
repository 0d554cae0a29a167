// Responsible for the providers file: read it (YAML or JSON), check every field, resolve its secrets from the environment.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { alphaSmsProviderConfig } from "../providers/alphasms/config.js";
import { namiProviderConfig } from "../providers/nami/config.js";
import { slotSpecProviderConfig } from "../providers/slot-spec/config.js";
import { xpayProviderConfig } from "../providers/xpay/config.js";
import { ConfigError, describeIssues } from "./config-error.js";

/** Every protocol's configuration; `protocol` says which one a provider speaks. */
export const providerConfig = z.discriminatedUnion("protocol", [
  slotSpecProviderConfig,
  alphaSmsProviderConfig,
  namiProviderConfig,
  xpayProviderConfig,
]);
export type ProviderConfig = z.output<typeof providerConfig>;

export const providersFile = z
  .strictObject({
    providers: z.array(providerConfig).min(1, "configure at least one provider"),
  })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.providers.forEach((provider, index) => {
      if (seen.has(provider.id)) {
        context.addIssue({ code: "custom", path: ["providers", index, "id"], message: `"${provider.id}" is used twice` });
      }
      seen.add(provider.id);
    });
  });
export type ProvidersFile = z.output<typeof providersFile>;

/** Parses already-read text; `source` names it in errors. */
export function parseProvidersFile(text: string, source: string): ProvidersFile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${source} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  const result = providersFile.safeParse(document);
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

export async function loadProvidersFile(path: string): Promise<ProvidersFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the providers file ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return parseProvidersFile(text, path);
}
