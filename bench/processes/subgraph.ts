// Responsible for the subgraph under test, in a process of its own: the product's services and a chosen server, with providers over HTTP or from memory.
import "reflect-metadata";
import { createJwtVerifier, type JwtSettings } from "../../src/auth/jwt-verifier.js";
import type { ProviderConfig } from "../../src/config/providers-file.js";
import { createLogger } from "../../src/observability/logger.js";
import { ProviderRegistry } from "../../src/providers/registry.js";
import type { DemoLink } from "../../src/sandbox/demo-providers.js";
import { createServices, type ProcessServices } from "../../src/services.js";
import { benchOptions, failStart, serveMethods } from "../lib/ipc.js";
import { profilingMethods, type ProfilingMethods } from "../lib/profiler.js";
import { processUsage, settledUsage, type ProcessUsage } from "../lib/usage.js";
import { fromRecording, recordProviders, toRecording, type RecordedProvider, type Recording } from "../recorded-provider.js";
import { serve, type ServerKind } from "../servers/serve.js";

export interface SubgraphOptions {
  providers: ProviderConfig[];
  links: DemoLink[];
  walletIds: string[];
  storeUrl: string;
  jwt: JwtSettings;
  routerSecret: string;
  /** "http": the real clients call the simulators; "memory": their answers, read once, are replayed. */
  providersFrom: "http" | "memory";
  server: ServerKind;
  /** For providers from memory: another process's recording, instead of reading the simulators again. */
  recording?: Recording;
}

export interface SubgraphReady {
  graphqlUrl: string;
}

export type SubgraphMethods = ProfilingMethods & {
  usage(): ProcessUsage;
  settledUsage(): ReturnType<typeof settledUsage>;
  /** What the providers from memory answer (empty over HTTP). */
  recording(): Recording;
};

async function start(options: SubgraphOptions) {
  // As in production: one JSON line per request at info (stdout is discarded by the bench, not skipped).
  const logger = createLogger({ level: "info" });
  const httpServices = await createServices({ providers: options.providers, storeUrl: options.storeUrl, logger });
  for (const link of options.links) {
    const { userErrors } = await httpServices.accountLinks.link(link, link.details);
    if (userErrors.length > 0) throw new Error(`could not link ${link.walletId} at ${link.providerId}: ${JSON.stringify(userErrors)}`);
  }
  let services: ProcessServices = httpServices;
  let recorded: RecordedProvider[] = [];
  if (options.providersFrom === "memory") {
    recorded = options.recording ? fromRecording(options.recording) : await recordProviders(httpServices.providers, options.walletIds);
    // Balances are read through the recorded providers; refunds and links (not measured here) keep the real clients.
    services = { ...httpServices, providers: new ProviderRegistry(recorded) };
  }
  const served = await serve(options.server, {
    services,
    verifyCaller: await createJwtVerifier(options.jwt),
    routerSecret: options.routerSecret,
    host: "127.0.0.1",
    port: 0,
  });
  serveMethods(
    { graphqlUrl: served.graphqlUrl } satisfies SubgraphReady,
    { usage: processUsage, settledUsage, recording: () => toRecording(recorded), ...profilingMethods },
    async () => {
      await served.stop();
      await httpServices.close();
    },
  );
}

start(benchOptions<SubgraphOptions>()).catch(failStart);
