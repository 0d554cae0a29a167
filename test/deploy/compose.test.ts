// deploy/compose.yaml: a local stack whose subgraph starts from its environment, reaches its PostgreSQL and is checked by a healthcheck that works.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_SHUTDOWN_GRACE_MS, readAppConfig } from "../../src/config/app-config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox } from "../../src/sandbox.js";
import { SHUTDOWN_HARD_STOP_MARGIN_MS } from "../../src/server.js";
import { DEPLOY_DIR, processVariables, readYaml } from "../support/deploy-kit.js";

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | null>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  stop_grace_period?: string;
}

const compose = readYaml<{ services: Record<string, ComposeService> }>("compose.yaml");
const subgraph = compose.services["wallet-subgraph"]!;
const postgres = compose.services.postgres!;
const environment = subgraph.environment!;

/** What the subgraph sees: a variable without a value comes from the caller's shell, here unset. */
const given = Object.fromEntries(Object.entries(environment).filter((entry): entry is [string, string] => typeof entry[1] === "string"));

/** Runs a compose healthcheck's CMD form as the container would, with `node` being this Node. */
async function runHealthcheck(test: string[], env: Record<string, string>): Promise<number> {
  expect(test[0]).toBe("CMD");
  const [command, ...args] = test.slice(1);
  try {
    await promisify(execFile)(command === "node" ? process.execPath : command!, args, { env: { ...process.env, ...env }, timeout: 10_000 });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describe("deploy/compose.yaml", () => {
  it("sets only variables the subgraph reads", () => {
    const known = processVariables();
    for (const name of Object.keys(environment)) expect(known.has(name), `${name} is read by nothing`).toBe(true);
  });

  it("passes the app's configuration check, on the PostgreSQL service with its own database, user and password", () => {
    const config = readAppConfig(given);
    const url = new URL(config.storeUrl);
    const database = postgres.environment!;
    expect(url.protocol).toBe("postgres:");
    expect(url.hostname).toBe("postgres");
    expect(url.port).toBe("5432");
    expect(url.pathname).toBe(`/${database.POSTGRES_DB}`);
    expect(decodeURIComponent(url.username)).toBe(database.POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(database.POSTGRES_PASSWORD);
    expect(url.searchParams.get("sslmode")).toBe("disable");
    expect(subgraph.depends_on?.postgres?.condition).toBe("service_healthy");
    expect(postgres.healthcheck!.test).toEqual(
      expect.arrayContaining(["pg_isready", `--username=${database.POSTGRES_USER}`, `--dbname=${database.POSTGRES_DB}`]),
    );
  });

  it("publishes the port the subgraph listens on, builds the repository's Dockerfile, and stops after its grace period", () => {
    const config = readAppConfig(given);
    expect(config.host).toBe("0.0.0.0");
    expect(subgraph.ports).toEqual([`127.0.0.1:${config.port}:${config.port}`]);
    expect(existsSync(join(DEPLOY_DIR, subgraph.build!.context, subgraph.build!.dockerfile))).toBe(true);
    const [, seconds] = /^(\d+)s$/.exec(subgraph.stop_grace_period!) ?? [];
    expect(Number(seconds) * 1000).toBeGreaterThan(DEFAULT_SHUTDOWN_GRACE_MS + SHUTDOWN_HARD_STOP_MARGIN_MS);
    expect(subgraph.read_only).toBe(true);
    expect(subgraph.tmpfs).toEqual(["/tmp"]);
  });

  it("has a healthcheck that passes against a ready subgraph and fails once it is gone", async () => {
    const sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", logger: createLogger({ level: "silent" }) });
    const PORT = new URL(sandbox.url).port;
    let stopped = false;
    try {
      expect(await runHealthcheck(subgraph.healthcheck!.test, { PORT })).toBe(0);
      await sandbox.stop();
      stopped = true;
      expect(await runHealthcheck(subgraph.healthcheck!.test, { PORT })).toBe(1);
    } finally {
      if (!stopped) await sandbox.stop();
    }
  });
});
