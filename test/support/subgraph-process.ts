// Runs the subgraph as its own process, as an operator or an orchestrator would, and waits for its "ready" line.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface SubgraphProcess {
  child: ChildProcess;
  /** Resolves with the GraphQL URL the process printed; rejects if it exits first or takes over 30 s. */
  ready: Promise<string>;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** `node --import tsx src/main.ts` with the given environment on top of this one's (NODE_ENV development). */
export function startSubgraphProcess(env: Record<string, string>): SubgraphProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "development", WALLET_PROVIDERS_FILE: "", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 30 s:\n${stdout}\n${stderr}`)), 30_000);
    child.stdout.on("data", () => {
      const match = /ready at (http:\/\/\S+\/graphql)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${stdout}\n${stderr}`));
    });
  });
  ready.catch(() => undefined);
  return { child, ready, exited, output: () => ({ stdout, stderr }) };
}

/**
 * A providers file's text for SLOT_SPEC partners, their tokens read from the named environment variables; `more`
 * holds further fields as YAML flow text, such as `{ rateLimit: "{ requests: 60, intervalMs: 60000 }" }`.
 */
export function slotSpecProvidersYaml(
  partners: {
    id: string;
    name: string;
    baseUrl: string;
    partnerId: string;
    tokenEnv: string;
    canRefund?: boolean;
    timeoutMs?: number;
    currency?: string;
    more?: Record<string, string>;
  }[],
): string {
  return [
    "providers:",
    ...partners.flatMap((partner) => [
      `  - id: ${partner.id}`,
      `    name: ${partner.name}`,
      "    protocol: slot-spec",
      `    baseUrl: ${partner.baseUrl}`,
      `    partnerId: ${partner.partnerId}`,
      `    token: { env: ${partner.tokenEnv} }`,
      `    currencies: [${partner.currency ?? "USD"}]`,
      `    canRefund: ${partner.canRefund ?? false}`,
      `    timeoutMs: ${partner.timeoutMs ?? 1000}`,
      ...Object.entries(partner.more ?? {}).map(([field, value]) => `    ${field}: ${value}`),
    ]),
    "",
  ].join("\n");
}

/** Writes the providers file of the one SLOT_SPEC provider the process tests refund through: Lucky Monaco, its token in LUCKY_TOKEN. */
export async function writeLuckyMonacoProvidersFile(file: string, baseUrl: string, partnerId: string, timeoutMs: number): Promise<void> {
  await writeFile(
    file,
    slotSpecProvidersYaml([
      { id: "lucky-monaco", name: "Lucky Monaco", baseUrl, partnerId, tokenEnv: "LUCKY_TOKEN", canRefund: true, timeoutMs },
    ]),
  );
}
