// Responsible for the provider clients alone: the product's own clients, built as the subgraph builds them, making the 50-wallet query's calls with no GraphQL, HTTP server or auth around them, timed in CPU.
import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import { createLogger } from "../../src/observability/logger.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";
import { createServices } from "../../src/services.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { timedPasses, type TimedPasses } from "../lib/passes.js";
import type { FloorRun } from "./client-floor.js";

export interface ClientsAloneOptions {
  providers: ProviderConfig[];
  links: DemoLink[];
  /** The wallets of the measured query. */
  walletIds: string[];
}

export type ClientsAloneMethods = {
  /** Passes of the query's balance reads, as the floor's `run` (its `callsPerPass` is the caller's to count). */
  run(run: FloorRun): Promise<TimedPasses>;
  /** One pass, so that the caller can count its calls at the simulators. */
  pass(protocol: string | null): Promise<void>;
};

async function start(options: ClientsAloneOptions) {
  const dir = mkdtempSync(join(tmpdir(), "bench-clients-"));
  const services = await createServices({
    providers: options.providers,
    storeUrl: `sqlite:${join(dir, "store.sqlite")}`,
    logger: createLogger({ level: "warn" }),
  });
  for (const link of options.links) {
    const { userErrors } = await services.accountLinks.link(link, link.details);
    if (userErrors.length > 0) throw new Error(`could not link ${link.walletId} at ${link.providerId}: ${JSON.stringify(userErrors)}`);
  }
  const queries = options.walletIds.map((walletId) => ({ walletId, currency: null }));
  // One pass: every provider of the protocol asked for every wallet at once, as one DataLoader batch asks them.
  const pass = async (protocol: string | null): Promise<void> => {
    const providers = services.providers.all.filter((provider) => protocol === null || provider.info.protocol === protocol);
    if (providers.length === 0) throw new Error(`clients alone: no provider speaks "${protocol}"`);
    const results = await Promise.all(providers.map((provider) => provider.loadBalances(queries)));
    const failure = results.flat().find((result) => result.failures.length > 0)?.failures[0];
    if (failure) throw new Error(`clients alone: a read failed: ${JSON.stringify(failure)}`);
  };
  const run = ({ protocol, seconds, lanes }: FloorRun) => timedPasses(seconds, lanes, () => pass(protocol));
  serveMethods({}, { run, pass } satisfies ClientsAloneMethods, async () => {
    await services.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

start(benchOptions<ClientsAloneOptions>()).catch(failStart);
