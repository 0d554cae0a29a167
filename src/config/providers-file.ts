// Responsible for the providers file: read it (YAML or JSON), check every field, resolve its secrets from the environment.
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { PROTOCOLS } from "../providers/protocols.js";
import { ConfigError, describeIssues } from "./config-error.js";

/** Each protocol's configuration schema, in the order of PROTOCOLS, as a tuple so that each keeps its own type. */
type ConfigSchemas<List extends readonly { configSchema: unknown }[]> = { -readonly [K in keyof List]: List[K]["configSchema"] };

// `map` cannot tell TypeScript that it keeps a tuple's length and order: the type above says what it does.
const configSchemas = PROTOCOLS.map((descriptor) => descriptor.configSchema) as ConfigSchemas<typeof PROTOCOLS>;

/** Every protocol's configuration; `protocol` says which one a provider speaks. */
const providerConfig = z.discriminatedUnion("protocol", configSchemas);
export type ProviderConfig = z.output<typeof providerConfig>;

const providersFile = z
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
    throw new ConfigError(`cannot read the providers file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseProvidersFile(text, path);
}
