// End-to-end: the image the Dockerfile describes, rehearsed stage by stage without a Docker engine, serves a provider's wallet, passes its HEALTHCHECK, holds no devDependency, runs as non-root, stops cleanly on SIGTERM, and refuses a providers file whose secret is missing.
import type { ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import {
  containerEnv,
  containerUser,
  parseDockerfile,
  rehearseDockerfile,
  runToEnd,
  sandboxNpmCache,
  startContainerCommand,
  type Rehearsal,
  type RehearsedStage,
} from "../support/dockerfile-rehearsal.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const REHEARSAL_LOG = fileURLToPath(new URL("../../reports/docker-rehearsal.log", import.meta.url));
// `npm ci` runs twice (build stage with every dev dependency, the benchmark's servers included, then production
// dependencies only): over 4 minutes on a loaded 2-core machine.
const SLOW = 540_000;
const READY_WITHIN_MS = 30_000;
const STOP_WITHIN_MS = 10_000;
const READY_LINE = /wallet-subgraph ready at (\S+)/;
const WALLET_QUERY = '{ wallet(id: "tester") { balances(currency: "USD") { currency amount } } }';
/** What production demands besides the providers file: the router's secret and how to verify callers' tokens. */
const ROUTER_SECRET = "a-router-secret-of-some-length";
const ISSUER = "https://issuer.example.test/";
const AUDIENCE = "wallet-subgraph";

async function tokenIssuer(): Promise<{ publicKeyPem: string; tokenFor(subject: string): Promise<string> }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  return {
    publicKeyPem: await exportSPKI(publicKey),
    tokenFor: (subject) =>
      new SignJWT({}).setProtectedHeader({ alg: "ES256" }).setSubject(subject).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime("5m").sign(privateKey),
  };
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(stage: RehearsedStage, env: Record<string, string>): Started {
  const child = startContainerCommand(stage, { env });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

function outputOf(started: Started): string {
  return `--- stdout\n${started.stdout()}\n--- stderr\n${started.stderr()}`;
}

/** The URL of the ready line; fails with the process's output if it exits first or takes too long. */
async function waitForReady(started: Started): Promise<string> {
  const deadline = Date.now() + READY_WITHIN_MS;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void started.exited.then((result) => (exit = result));
  for (;;) {
    const ready = READY_LINE.exec(started.stdout());
    if (ready) return ready[1]!;
    if (exit) throw new Error(`the CMD exited (${exit.code ?? exit.signal}) before it was ready\n${outputOf(started)}`);
    if (Date.now() > deadline) throw new Error(`no ready line within ${READY_WITHIN_MS} ms\n${outputOf(started)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exitWithin(started: Started, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms\n${outputOf(started)}`)), ms);
  });
  try {
    return await Promise.race([started.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Docker's duration syntax as HEALTHCHECK uses it ("5s", "1m30s"), in ms. */
function durationMs(text: string | undefined, fallbackMs: number): number {
  if (!text) return fallbackMs;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
    total += Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as "ms" | "s" | "m" | "h"];
  }
  return total || fallbackMs;
}

describe("the Dockerfile as the rehearsal reads it", () => {
  it("has a build stage and a runtime stage, and every instruction in it is one the rehearsal replays", () => {
    const dockerfile = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(["build", "runtime"]);
    for (const stage of dockerfile.stages) expect(stage.image).toBe("node:20-bookworm-slim");
  });

  it("refuses instructions, flags and forms it does not understand instead of skipping them", () => {
    expect(() => parseDockerfile("FROM node:20\nADD https://example.invalid/x /x")).toThrow(/line 2: ADD is not understood/);
    expect(() => parseDockerfile('FROM node:20\nENTRYPOINT ["node"]')).toThrow(/ENTRYPOINT is not understood/);
    expect(() => parseDockerfile("FROM node:20\nWORKDIR /app\nCOPY --chown=node:node . .")).toThrow(/COPY --chown/);
    expect(() => parseDockerfile("FROM node:20\nRUN --mount=type=cache,target=/root/.npm npm ci")).toThrow(/RUN --mount/);
    expect(() => parseDockerfile("# escape=`\nFROM node:20")).toThrow(/escape/);
    expect(() => parseDockerfile("WORKDIR /app")).toThrow(/before the first FROM/);
  });
});

describe("the Docker image, rehearsed from the Dockerfile", () => {
  let workDir: string;
  let rehearsal: Rehearsal | undefined;
  let runtime: RehearsedStage;
  let simulator: SlotSpecSimulator | undefined;
  const started: Started[] = [];

  /** The ledger's SQLite file, in a directory the image's unprivileged user may write (a volume in a real container). */
  function storeUrl(): string {
    const dataDir = join(workDir, "data");
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o777);
    return `sqlite:${join(dataDir, "wallet.sqlite")}`;
  }

  /** A providers file for one Kyren partner account on the simulator, its token read from KYREN_TOKEN. */
  function writeProvidersFile(name: string): string {
    const file = join(workDir, name);
    writeFileSync(
      file,
      [
        "providers:",
        "  - id: kyren",
        "    name: Kyren",
        "    protocol: slot-spec",
        `    baseUrl: ${simulator!.url}`,
        "    partnerId: p-1",
        "    token: { env: KYREN_TOKEN }",
        "    currencies: [USD]",
        "",
      ].join("\n"),
      { mode: 0o644 },
    );
    return file;
  }

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "docker-image-test-"));
    chmodSync(workDir, 0o755); // the image's USER (an unprivileged uid here) reads the providers file
    const log: string[] = [];
    try {
      rehearsal = await rehearseDockerfile({
        contextDir: ROOT,
        // A private copy of this machine's npm cache: `npm ci --prefer-offline` finds the packages, `npm cache clean` empties only the copy.
        runEnv: { npm_config_cache: sandboxNpmCache(workDir) },
        log: (text) => log.push(text),
      });
    } finally {
      mkdirSync(join(ROOT, "reports"), { recursive: true });
      writeFileSync(REHEARSAL_LOG, log.join("\n"));
    }
    runtime = rehearsal.final;
    simulator = await SlotSpecSimulator.start({
      partners: [{ partnerId: "p-1", token: "t-secret" }],
      wallets: { tester: { USD: "100.0" } },
    });
  }, SLOW);

  afterAll(async () => {
    for (const { child } of started) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    await simulator?.stop();
    rehearsal?.cleanup();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, SLOW);

  it("is configured for production on node 20, exposes its PORT and runs as a user other than root", () => {
    // The rehearsal runs the stages on this machine's node: it stands for the image only on the same major version.
    expect(`node:${process.versions.node.split(".")[0]}`).toBe(runtime.image.split("-")[0]);
    expect(runtime.env).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", PORT: "4001" });
    expect(runtime.exposed).toContain(runtime.env.PORT);
    expect(runtime.user).toBeDefined();
    expect(["root", "0"]).not.toContain(runtime.user!.split(":")[0]);
    expect(runtime.cmd?.argv).toEqual(["node", "dist/main.js"]);
    expect(existsSync(join(runtime.workdir, "dist", "main.js"))).toBe(true);
  });

  it("holds production dependencies only", () => {
    const modules = join(runtime.workdir, "node_modules");
    const manifest = JSON.parse(readFileSync(join(runtime.workdir, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(runtime.workdir, "package-lock.json"), "utf8")) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const name of ["typescript", "vitest", "graphql-playground-react", "tsx", "playwright-core"]) {
      expect(existsSync(join(modules, name)), `${name} in the runtime's node_modules`).toBe(false);
    }
    for (const name of Object.keys(manifest.dependencies)) {
      expect(existsSync(join(modules, name, "package.json")), `${name} missing from the runtime's node_modules`).toBe(true);
    }
    // Every package the lockfile marks dev-only (the devDependencies and whatever only they need) is absent.
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith("node_modules/") && entry.dev === true)
      .map(([path]) => path);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((path) => existsSync(join(runtime.workdir, path)))).toEqual([]);
  });

  it("serves a wallet from the provider, passes its HEALTHCHECK and stops cleanly on SIGTERM", async () => {
    const issuer = await tokenIssuer();
    const port = await freeLoopbackPort();
    const env = {
      HOST: "127.0.0.1",
      PORT: String(port),
      WALLET_PROVIDERS_FILE: writeProvidersFile("providers.yaml"),
      WALLET_STORE_URL: storeUrl(),
      KYREN_TOKEN: "t-secret",
      WALLET_ROUTER_SECRET: ROUTER_SECRET,
      WALLET_JWT_ISSUER: ISSUER,
      WALLET_JWT_AUDIENCE: AUDIENCE,
      WALLET_JWT_PUBLIC_KEY: issuer.publicKeyPem,
    };
    const server = start(runtime, env);
    started.push(server);

    const graphqlUrl = await waitForReady(server);
    expect(graphqlUrl).toBe(`http://127.0.0.1:${port}/graphql`);

    const response = await fetch(graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "router-authorization": ROUTER_SECRET,
        authorization: `Bearer ${await issuer.tokenFor("tester")}`,
      },
      body: JSON.stringify({ query: WALLET_QUERY }),
    });
    const body = (await response.json()) as { data?: unknown; errors?: unknown };
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
    expect(body.data).toEqual({ wallet: { balances: [{ currency: "USD", amount: "100.0" }] } });
    // The ledger was migrated into the file named by WALLET_STORE_URL.
    expect(existsSync(join(workDir, "data", "wallet.sqlite"))).toBe(true);

    const healthcheck = runtime.healthcheck;
    expect(healthcheck, "the runtime stage has a HEALTHCHECK").toBeDefined();
    const runHealthcheck = () =>
      runToEnd(healthcheck!.command.argv, {
        cwd: runtime.workdir,
        env: containerEnv(runtime, env),
        timeoutMs: durationMs(healthcheck!.options.timeout, 30_000),
        ...containerUser(runtime),
      });
    const healthy = await runHealthcheck();
    expect(healthy.code, healthy.output).toBe(0);

    server.child.kill("SIGTERM");
    const exit = await exitWithin(server, STOP_WITHIN_MS);
    expect(exit, outputOf(server)).toEqual({ code: 0, signal: null });

    // With the server gone the same HEALTHCHECK fails: it really asks the server.
    const unhealthy = await runHealthcheck();
    expect(unhealthy.code).not.toBe(0);
  }, SLOW);

  it("exits non-zero at start, naming the field, when a secret of the providers file is missing", async () => {
    const port = await freeLoopbackPort();
    const server = start(runtime, {
      HOST: "127.0.0.1",
      PORT: String(port),
      WALLET_PROVIDERS_FILE: writeProvidersFile("providers-without-secret.yaml"),
      WALLET_STORE_URL: storeUrl(),
      WALLET_ROUTER_SECRET: ROUTER_SECRET,
      WALLET_JWT_ISSUER: ISSUER,
      WALLET_JWT_AUDIENCE: AUDIENCE,
      WALLET_JWT_PUBLIC_KEY: (await tokenIssuer()).publicKeyPem,
      // no KYREN_TOKEN (the container's environment holds nothing of this machine's)
    });
    started.push(server);

    const exit = await exitWithin(server, READY_WITHIN_MS);
    expect(exit.code, outputOf(server)).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(server.stderr()).toContain("providers[0].token");
    expect(server.stderr()).toContain("KYREN_TOKEN");
    expect(server.stdout()).not.toMatch(READY_LINE);
  }, SLOW);
});
