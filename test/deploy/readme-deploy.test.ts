// The README's Deploy section: its one configuration table names every variable the process reads, and it creates the Secrets the Deployment reads.
import { readFileSync } from "node:fs";
import { basename, join, posix } from "node:path";
import type { IDeployment } from "kubernetes-models/apps/v1";
import { describe, expect, it } from "vitest";
import { DEPLOY_DIR, processVariables, readYaml, REPO_ROOT, variablesReadIn } from "../support/deploy-kit.js";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** The rows of the table under "### Configuration: every variable": the names in its first cell, and its last cell. */
function configurationTable(): { names: string[]; kubernetes: string }[] {
  const section = README.split(/^### Configuration: every variable$/m)[1]?.split(/^#{2,3} /m)[0] ?? "";
  const rows = section.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| variable") && !line.startsWith("|---"));
  return rows.map((row) => {
    const cells = row.split(" | ");
    return {
      names: [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!),
      kubernetes: cells
        .at(-1)!
        .replace(/\s*\|$/, "")
        .trim(),
    };
  });
}

const rows = configurationTable();
const named = rows.flatMap((row) => row.names);

describe("the README's configuration table", () => {
  it("names every variable the process reads, each once", () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const name of processVariables()) expect(named, name).toContain(name);
    expect(new Set(named).size).toBe(named.length);
  });

  it("names nothing that is not read: by the process, the tests, the benchmark, or as a credential the providers file names", () => {
    const providersFiles = [
      readFileSync(join(REPO_ROOT, "config/providers.example.yaml"), "utf8"),
      readFileSync(join(DEPLOY_DIR, "kubernetes/configmap-providers.yaml"), "utf8"),
    ];
    const credentials = providersFiles.flatMap((text) => [...text.matchAll(/\{ env: ([A-Z][A-Z0-9_]*) \}/g)].map((match) => match[1]!));
    const read = new Set([...processVariables(), ...variablesReadIn("test", "bench").keys(), ...credentials]);
    for (const name of named) expect(read.has(name), `${name} is read by nothing`).toBe(true);
  });

  it("says in its last column what deploy/kubernetes/deployment.yaml sets", () => {
    const env = new Map(
      readYaml<IDeployment>("kubernetes/deployment.yaml").spec!.template.spec!.containers[0]!.env!.map((each) => [each.name, each]),
    );
    for (const row of rows) {
      const set = row.names.filter((name) => env.has(name));
      if (set.length === 0) expect(row.kubernetes, row.names.join(", ")).toBe("");
      for (const name of set) {
        const variable = env.get(name)!;
        const secret = variable.valueFrom?.secretKeyRef?.name;
        expect(row.kubernetes, name).toBe(secret ? `Secret \`${secret}\`` : `\`${variable.value}\``);
      }
    }
    for (const name of env.keys()) expect(named, `${name} is set by the Deployment`).toContain(name);
  });
});

/** The Secrets and keys the README's `kubectl create secret generic` lines make, as "secret/key". */
function secretsCreatedInReadme(): Set<string> {
  const section = README.split(/^### On Kubernetes$/m)[1]?.split(/^```$/m)[0] ?? "";
  const commands = section
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line.startsWith("kubectl create secret generic "));
  return new Set(
    commands.flatMap((command) => {
      const [, name] = /^kubectl create secret generic (\S+)/.exec(command)!;
      const literals = [...command.matchAll(/--from-literal=([\w.-]+)=/g)].map((match) => match[1]!);
      const files = [...command.matchAll(/--from-file=(?:([\w.-]+)=)?(\S+)/g)].map((match) => match[1] ?? basename(match[2]!));
      return [...literals, ...files].map((key) => `${name}/${key}`);
    }),
  );
}

describe("the README's kubectl lines", () => {
  it("create exactly the Secrets and keys the Deployment reads, by variable and by mounted file", () => {
    const pod = readYaml<IDeployment>("kubernetes/deployment.yaml").spec!.template.spec!;
    const container = pod.containers[0]!;
    const read = new Set<string>();
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef;
      if (ref) read.add(`${ref.name}/${ref.key}`);
    }
    const providersText = readYaml<{ data: Record<string, string> }>("kubernetes/configmap-providers.yaml").data["providers.yaml"]!;
    for (const volume of pod.volumes ?? []) {
      if (!volume.secret) continue;
      const mountPath = container.volumeMounts!.find((mount) => mount.name === volume.name)!.mountPath;
      for (const match of providersText.matchAll(/\{ file: (\S+) \}/g)) {
        if (posix.dirname(match[1]!) === mountPath) read.add(`${volume.secret.secretName}/${posix.basename(match[1]!)}`);
      }
    }
    expect(read.size).toBeGreaterThan(10);
    expect([...secretsCreatedInReadme()].sort()).toEqual([...read].sort());
  });
});
