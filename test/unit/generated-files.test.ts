// The committed schema.graphql and generated typed documents match the code: stale copies fail the build.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { printWalletSubgraphSdl } from "../../src/graphql/print-sdl.js";

const run = promisify(execFile);
const root = new URL("../..", import.meta.url);

describe("generated files", () => {
  it("schema.graphql is the subgraph SDL printed from the code (run `npm run schema` after a schema change)", async () => {
    const committed = await readFile(new URL("schema.graphql", root), "utf8");
    expect(committed).toBe(await printWalletSubgraphSdl());
    expect(committed).toContain('@link(url: "https://specs.apollo.dev/federation/');
    expect(committed).toContain('type Wallet @key(fields: "id")');
    expect(committed).toContain('type User @key(fields: "id")');
  });

  it("the typed documents are up to date with schema.graphql and the operations (run `npm run codegen`)", async () => {
    const result = await run("npx", ["graphql-codegen", "--config", "codegen.yml", "--check"], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: "0" },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect("code" in result ? result.code : 0, `codegen --check: ${result.stdout}${result.stderr}`).toBe(0);
  });
});
