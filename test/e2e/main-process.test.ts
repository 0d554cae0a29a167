// The process entry as an operator runs it: the sandbox with no configuration, and a clear exit on a bad providers file.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExampleWalletDocument } from "../generated/graphql.js";
import { dataOf, postGraphQL } from "../support/graphql-http.js";
import { startSubgraphProcess } from "../support/subgraph-process.js";

const children: ChildProcess[] = [];
let scratch: string | undefined;

function startMain(env: Record<string, string>) {
  const main = startSubgraphProcess(env);
  children.push(main.child);
  return main;
}

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the process entry", () => {
  it("starts the sandbox with no configuration, prints the URL, answers, and stops cleanly on SIGTERM", async () => {
    scratch ??= await mkdtemp(join(tmpdir(), "wallet-main-"));
    const main = startMain({ PORT: "0", WALLET_STORE_URL: `sqlite:${join(scratch, "sandbox.sqlite")}` });
    const url = await main.ready;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    expect(main.output().stdout).toContain("sandbox mode");

    // The demo user's token, as printed for operators to copy.
    const token = /tester \(reads its own wallet\): +(\S+)/.exec(main.output().stdout)?.[1];
    expect(token).toBeDefined();
    const { wallet } = dataOf(await postGraphQL(url, ExampleWalletDocument, undefined, { authorization: `Bearer ${token}` }));
    expect(wallet?.total).toBe("400.0");
    const anonymous = await postGraphQL(url, ExampleWalletDocument);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    main.child.kill("SIGTERM");
    expect(await main.exited).toBe(0);
  });

  it("exits non-zero naming the bad field of a providers file", async () => {
    scratch ??= await mkdtemp(join(tmpdir(), "wallet-main-"));
    const file = join(scratch, "providers.yaml");
    await writeFile(
      file,
      [
        "providers:",
        "  - id: kyren",
        "    name: Kyren",
        "    protocol: slot-spec",
        "    baseUrl: http://127.0.0.1:1",
        "    partnerId: p-1",
        "    token: { env: WALLET_TEST_UNSET_TOKEN }",
        "    currencies: [USD]",
        "    maxConnections: none",
      ].join("\n"),
    );
    const main = startMain({ PORT: "0", WALLET_PROVIDERS_FILE: file, WALLET_AUTH: "off" });
    expect(await main.exited).toBe(1);
    const { stderr } = main.output();
    expect(stderr).toContain("providers[0].token: environment variable WALLET_TEST_UNSET_TOKEN is not set");
    expect(stderr).toContain("providers[0].maxConnections");
  });
});
