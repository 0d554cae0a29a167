// Reading the deployment kit in deploy/ as a tool would, and naming every environment variable the process reads.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { APP_CONFIG_VARIABLES } from "../../src/config/app-config.js";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
export const DEPLOY_DIR = join(REPO_ROOT, "deploy");

/** Every YAML document of a file under deploy/; a syntax error (or a duplicate key) fails the read. */
function readYamlDocuments(path: string): unknown[] {
  const documents = parseAllDocuments(readFileSync(join(DEPLOY_DIR, path), "utf8"), { uniqueKeys: true });
  return documents.map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join("; ")}`);
    return document.toJS() as unknown;
  });
}

/** The one document of a YAML file under deploy/. */
export function readYaml<T = Record<string, unknown>>(path: string): T {
  const [document, ...more] = readYamlDocuments(path);
  if (more.length > 0) throw new Error(`${path}: expected one document, found ${more.length + 1}`);
  return document as T;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Variables read by name (`process.env.NAME`) in the TypeScript under these folders of the repository, with the files that read them. */
export function variablesReadIn(...folders: string[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of folders.flatMap((folder) => sourceFiles(join(REPO_ROOT, folder)))) {
    for (const match of readFileSync(file, "utf8").matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) {
      const name = match[1]!;
      found.set(name, [...(found.get(name) ?? []), relative(REPO_ROOT, file)]);
    }
  }
  return found;
}

/** Every environment variable the process reads by name (provider credentials are named by the providers file instead). */
export function processVariables(): Set<string> {
  return new Set([...APP_CONFIG_VARIABLES, ...variablesReadIn("src").keys()]);
}
