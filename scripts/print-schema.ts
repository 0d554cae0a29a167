// Writes schema.graphql, the subgraph SDL (with @link and @key) that the router composes; `--check` fails when it is stale.
import "reflect-metadata";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { printWalletSubgraphSdl } from "../src/graphql/print-sdl.js";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
const sdl = await printWalletSubgraphSdl();

if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== sdl) {
    console.error("schema.graphql is stale: run `npm run schema`");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
} else {
  await writeFile(target, sdl);
  console.log(`wrote ${target}`);
}
