// Copies the GraphQL Playground browser files the subgraph serves into dist/public/playground/ (run after tsc in `npm run build`).
// graphql-playground-react is a devDependency: the production image carries only this copy, found by src/http/playground.ts.
// Usage: node scripts/copy-playground-assets.mjs [outDir]   (outDir defaults to dist/public/playground beside this script's parent)
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Keep in step with PLAYGROUND_ASSET_FILES in src/http/playground.ts.
const FILES = ["static/js/middleware.js", "static/css/index.css", "favicon.png", "logo.png"];

const outDir = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL("../dist/public/playground/", import.meta.url));

let buildDir;
try {
  buildDir = join(dirname(createRequire(import.meta.url).resolve("graphql-playground-react/package.json")), "build");
} catch {
  console.error("copy-playground-assets: graphql-playground-react is not installed (run npm ci, devDependencies included)");
  process.exit(1);
}

const missing = FILES.filter((file) => !existsSync(join(buildDir, file)));
if (missing.length > 0) {
  console.error(`copy-playground-assets: ${buildDir} lacks ${missing.join(", ")}`);
  process.exit(1);
}

rmSync(outDir, { recursive: true, force: true }); // nothing stale from an older Playground
for (const file of FILES) {
  const target = join(outDir, file);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(join(buildDir, file), target);
}
console.log(`copy-playground-assets: ${FILES.length} files to ${outDir}`);
