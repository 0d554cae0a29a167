// Responsible for running the bench's processes as the product runs: compiled by tsc to plain JavaScript, not transpiled on load.
import { execFileSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
/** Where tsconfig.bench.json writes src/ and bench/, side by side as in the repository. */
const buildDir = join(root, "bench/.build");

/**
 * Compiles src/ and bench/ with tsc (incrementally: a second run takes seconds), and has every process started after
 * this run from the build. Under tsx, esbuild's `keepNames` wraps every function made at run time in a naming call:
 * a per-call cost `node dist/main.js` does not pay, so the figures would charge the subgraph for its loader.
 */
export function useCompiledProcesses(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.bench.json")], { stdio: "inherit" });
  // Read by the bare Apollo server, beside the build as beside the sources.
  copyFileSync(join(root, "schema.graphql"), join(buildDir, "schema.graphql"));
  compiledDir = buildDir;
}

let compiledDir: string | undefined;

/** The process module to fork for `script` and how: the compiled build once compiled, else the source through tsx. */
export function processModule(script: string): { path: string; execArgv: string[] } {
  if (compiledDir !== undefined) return { path: join(compiledDir, "bench/processes", `${script}.js`), execArgv: [] };
  return { path: fileURLToPath(new URL(`../processes/${script}.ts`, import.meta.url)), execArgv: ["--import", "tsx"] };
}
