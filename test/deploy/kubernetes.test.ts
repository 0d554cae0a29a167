// The Kubernetes manifests in deploy/kubernetes: valid against the API schemas, and consistent with each other and with the app.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget, type IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service, type IConfigMap, type IContainer, type IService } from "kubernetes-models/v1";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SHUTDOWN_GRACE_MS, readAppConfig } from "../../src/config/app-config.js";
import { parseProvidersFile } from "../../src/config/providers-file.js";
import { createLogger } from "../../src/observability/logger.js";
import { startSandbox, type Sandbox } from "../../src/sandbox.js";
import { SHUTDOWN_HARD_STOP_MARGIN_MS } from "../../src/server.js";
import { processVariables, readYaml } from "../support/deploy-kit.js";
import { STORE_KINDS } from "../support/stores.js";
import { startSubgraphProcess } from "../support/subgraph-process.js";

const postgresKind = STORE_KINDS.find((kind) => kind.name === "PostgreSQL")!;

const deployment = readYaml<IDeployment>("kubernetes/deployment.yaml");
const service = readYaml<IService>("kubernetes/service.yaml");
const budget = readYaml<IPodDisruptionBudget>("kubernetes/poddisruptionbudget.yaml");
const providersMap = readYaml<IConfigMap>("kubernetes/configmap-providers.yaml");

const pod = deployment.spec!.template.spec!;
const container: IContainer = pod.containers[0]!;
const env = new Map((container.env ?? []).map((variable) => [variable.name, variable]));
const literal = (name: string): string | undefined => env.get(name)?.value;

/** Where a volume is mounted in the container, and what it holds. */
function mountOf(volumeName: string) {
  const mount = container.volumeMounts?.find((each) => each.name === volumeName);
  const volume = pod.volumes?.find((each) => each.name === volumeName);
  if (!mount || !volume) throw new Error(`volume ${volumeName} is not both declared and mounted`);
  return { mount, volume };
}

/** Every { env } and { file } secret reference in a parsed providers file. */
function secretReferences(node: unknown, found: { env: string[]; file: string[] } = { env: [], file: [] }) {
  if (Array.isArray(node)) for (const item of node) secretReferences(item, found);
  else if (node && typeof node === "object") {
    const keys = Object.keys(node);
    const record = node as Record<string, unknown>;
    if (keys.length === 1 && typeof record.env === "string") found.env.push(record.env);
    else if (keys.length === 1 && typeof record.file === "string") found.file.push(record.file);
    else for (const value of Object.values(record)) secretReferences(value, found);
  }
  return found;
}

const providersPath = literal("WALLET_PROVIDERS_FILE")!;
const providersText = providersMap.data![posix.basename(providersPath)]!;
const references = secretReferences(parseYaml(providersText));

describe("the Kubernetes manifests", () => {
  it("are valid against the Kubernetes API schemas", () => {
    expect(() => new Deployment(deployment).validate()).not.toThrow();
    expect(() => new Service(service).validate()).not.toThrow();
    expect(() => new PodDisruptionBudget(budget).validate()).not.toThrow();
    expect(() => new ConfigMap(providersMap).validate()).not.toThrow();
    expect([deployment, service, budget, providersMap].map((each) => `${each.apiVersion} ${each.kind}`)).toEqual([
      "apps/v1 Deployment",
      "v1 Service",
      "policy/v1 PodDisruptionBudget",
      "v1 ConfigMap",
    ]);
  });

  it("would be refused by the same validator if a field had the wrong type", () => {
    const broken = structuredClone(deployment);
    (broken.spec!.template.spec!.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = "4001";
    expect(() => new Deployment(broken).validate()).toThrow(/containerPort must be integer/);
  });

  it("select the Deployment's pods from the Service and the PodDisruptionBudget", () => {
    const podLabels = deployment.spec!.template.metadata!.labels!;
    expect(deployment.spec!.selector.matchLabels).toEqual(podLabels);
    expect(service.spec!.selector).toEqual(podLabels);
    expect(budget.spec!.selector!.matchLabels).toEqual(podLabels);
    // A budget that allows no eviction would block every drain: keep replicas above it.
    expect(deployment.spec!.replicas!).toBeGreaterThan(budget.spec!.minAvailable as number);
  });

  it("use one port everywhere: the app's PORT, the container port, the Service, the probes and the scrape annotation", () => {
    const port = container.ports!.find((each) => each.name === "http")!;
    expect(Number(literal("PORT"))).toBe(port.containerPort);
    expect(literal("HOST")).toBe("0.0.0.0");
    expect(service.spec!.ports![0]!.targetPort).toBe("http");
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
      expect(probe!.httpGet!.port).toBe("http");
    expect(Number(deployment.spec!.template.metadata!.annotations!["prometheus.io/port"])).toBe(port.containerPort);
  });

  it("give the pod longer to stop than the subgraph's preStop pause, shutdown grace and its own margin", () => {
    const graceMs = literal("WALLET_SHUTDOWN_GRACE_MS") ? Number(literal("WALLET_SHUTDOWN_GRACE_MS")) : DEFAULT_SHUTDOWN_GRACE_MS;
    const preStopMs = (container.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000;
    expect(pod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(preStopMs + graceMs + SHUTDOWN_HARD_STOP_MARGIN_MS);
  });

  it("run as a non-root user on a read-only root filesystem, with /tmp the only writable mount", () => {
    expect(pod.securityContext!.runAsNonRoot).toBe(true);
    expect(pod.securityContext!.runAsUser).toBeGreaterThan(0);
    const security = container.securityContext!;
    expect(security.readOnlyRootFilesystem).toBe(true);
    expect(security.allowPrivilegeEscalation).toBe(false);
    expect(security.capabilities!.drop).toEqual(["ALL"]);
    const writable = (container.volumeMounts ?? []).filter((mount) => !mount.readOnly);
    expect(writable.map((mount) => mount.mountPath)).toEqual(["/tmp"]);
    expect(mountOf("tmp").volume.emptyDir).toBeDefined();
  });

  it("ask for resources and cap them", () => {
    const { requests, limits } = container.resources!;
    for (const name of ["cpu", "memory"]) {
      expect(requests![name]).toBeDefined();
      expect(limits![name]).toBeDefined();
    }
  });

  it("set only variables the app reads (or the providers file names), and take every secret from a Secret", () => {
    const known = processVariables();
    for (const name of env.keys()) expect(known.has(name) || references.env.includes(name), `${name} is read by nothing`).toBe(true);
    const secrets = [
      "WALLET_STORE_URL",
      "WALLET_ROUTER_SECRET",
      "WALLET_JWT_ISSUER",
      "WALLET_JWT_AUDIENCE",
      "WALLET_JWT_JWKS_URL",
      ...references.env,
    ];
    for (const name of secrets) {
      expect(env.get(name)?.valueFrom?.secretKeyRef?.name, `${name} comes from a Secret`).toMatch(/^wallet-subgraph-/);
      expect(env.get(name)?.value).toBeUndefined();
    }
  });

  it("start the app's own configuration check in production, with JWT verification over a JWKS", () => {
    const values: Record<string, string> = {};
    for (const [name, variable] of env) {
      if (variable.value !== undefined) values[name] = variable.value;
    }
    values.WALLET_STORE_URL = "postgres://wallet:secret@postgres:5432/wallet?sslmode=verify-full";
    values.WALLET_ROUTER_SECRET = randomBytes(24).toString("hex");
    values.WALLET_JWT_ISSUER = "https://issuer.example.com/";
    values.WALLET_JWT_AUDIENCE = "wallet";
    values.WALLET_JWT_JWKS_URL = "https://issuer.example.com/.well-known/jwks.json";
    const config = readAppConfig(values);
    expect(config.production).toBe(true);
    expect(config.auth.mode).toBe("jwt");
    expect(config.providersFile).toBe(providersPath);
    expect(config.playground).toBe(false);
    expect(config.introspection).toBe(false);
  });

  it("mount the providers file where WALLET_PROVIDERS_FILE points, and every key file it names from a Secret", () => {
    const providers = mountOf("providers");
    expect(providers.volume.configMap!.name).toBe(providersMap.metadata!.name);
    expect(dirname(providersPath)).toBe(providers.mount.mountPath);
    const keys = mountOf("provider-keys");
    expect(keys.volume.secret!.secretName).toMatch(/^wallet-subgraph-/);
    expect(references.file.length).toBeGreaterThan(0);
    for (const file of references.file) expect(dirname(file)).toBe(keys.mount.mountPath);
  });

  describe("with the Secrets filled in by stand-ins", () => {
    /** Stands in for the mounted key Secret; the providers file's paths are moved here. */
    let keyDir: string;
    /** Stands in for the Secrets behind the provider credentials' variables. */
    const credentials = Object.fromEntries(references.env.map((name) => [name, randomBytes(16).toString("hex")]));
    const providersHere = () => providersText.replaceAll(mountOf("provider-keys").mount.mountPath, keyDir);

    beforeAll(async () => {
      keyDir = await mkdtemp(join(tmpdir(), "wallet-deploy-keys-"));
      const { privateKey, publicKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      for (const file of references.file) await writeFile(join(keyDir, posix.basename(file)), /public/.test(file) ? publicKey : privateKey);
    });

    afterAll(async () => {
      if (keyDir) await rm(keyDir, { recursive: true, force: true });
    });

    it("the ConfigMap's providers file is valid for the app's own parser", () => {
      const saved = Object.fromEntries(references.env.map((name) => [name, process.env[name]]));
      Object.assign(process.env, credentials);
      try {
        const file = parseProvidersFile(providersHere(), "configmap-providers.yaml");
        expect(file.providers.map((provider) => provider.id)).toEqual(["kyren", "lucky-monaco", "alphasms", "nami", "xpay"]);
      } finally {
        for (const [name, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      }
    });

    it("the Deployment's environment starts the real process: ready on the readiness path, every provider on /metrics, exit 0 on SIGTERM in time", async () => {
      const store = await postgresKind.create();
      const providersFile = join(keyDir, posix.basename(providersPath));
      await writeFile(providersFile, providersHere());
      const literals = Object.fromEntries(
        [...env].flatMap(([name, variable]) => (variable.value === undefined ? [] : [[name, variable.value]])),
      );
      const subgraph = startSubgraphProcess({
        ...literals,
        ...credentials,
        WALLET_PROVIDERS_FILE: providersFile,
        WALLET_STORE_URL: store.url,
        WALLET_ROUTER_SECRET: randomBytes(24).toString("hex"),
        WALLET_JWT_ISSUER: "https://issuer.example.com/",
        WALLET_JWT_AUDIENCE: "wallet",
        // Keys are fetched with the first token, which this test never sends.
        WALLET_JWT_JWKS_URL: "https://issuer.example.com/.well-known/jwks.json",
        // Loopback on a port of the OS's choosing here; the manifest's own port is checked above.
        HOST: "127.0.0.1",
        PORT: "0",
      });
      try {
        const base = new URL(await subgraph.ready).origin;
        expect((await fetch(`${base}${container.readinessProbe!.httpGet!.path}`)).status).toBe(200);
        const metrics = await (await fetch(`${base}/metrics`)).text();
        for (const id of ["kyren", "lucky-monaco", "alphasms", "nami", "xpay"]) {
          expect(metrics).toContain(`wallet_circuit_state{provider="${id}",state="closed"} 1`);
        }
        const started = performance.now();
        subgraph.child.kill("SIGTERM");
        expect(await subgraph.exited).toBe(0);
        expect(performance.now() - started).toBeLessThan(pod.terminationGracePeriodSeconds! * 1000);
      } finally {
        subgraph.child.kill("SIGKILL");
        await store.drop();
      }
    });
  });

  describe("probes against a running subgraph", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, storeUrl: "sqlite::memory:", logger: createLogger({ level: "silent" }) });
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    it("hit paths that answer 200 (liveness, readiness, startup, metrics)", async () => {
      const paths = [container.livenessProbe, container.readinessProbe, container.startupProbe].map((probe) => probe!.httpGet!.path!);
      expect(paths).toEqual(["/health", "/ready", "/health"]);
      paths.push(deployment.spec!.template.metadata!.annotations!["prometheus.io/path"]!);
      for (const path of paths) expect((await fetch(`${sandbox.url}${path}`)).status, path).toBe(200);
    });
  });
});
