// Responsible for the built-in sandbox: provider simulators on loopback with demo wallets, and the subgraph in front of them.
import { randomBytes } from "node:crypto";
import type { ProviderConfig } from "./config/providers-file.js";
import { SlotSpecSimulator } from "./providers/slot-spec/simulator.js";
import { startServer, type RunningServer } from "./server.js";
import { DEFAULT_STORE_URL } from "./config/app-config.js";
import { createServices, DEFAULT_LEDGER_SETTINGS, type LedgerSettings, type ProcessServices } from "./services.js";

/** The query the README and the Playground open with. */
export const EXAMPLE_QUERY = /* GraphQL */ `
query ExampleWallet {
  wallet(id: "tester") {
    total(currency: "USD")
    balances(currency: "USD") {
      provider { name }
      currency
      amount
    }
  }
}
`;

export interface SandboxOptions {
  port?: number;
  host?: string;
  playground?: boolean;
  introspection?: boolean;
  /** Each provider call's budget; tests shorten it to watch timeouts. */
  providerTimeoutMs?: number;
  /** Where refunds and account links are kept; by default a SQLite file under data/. */
  storeUrl?: string;
  ledger?: LedgerSettings;
}

export interface Sandbox {
  graphqlUrl: string;
  url: string;
  server: RunningServer;
  services: ProcessServices;
  simulators: { kyren: SlotSpecSimulator; luckyMonaco: SlotSpecSimulator };
  providers: ProviderConfig[];
  stop(): Promise<void>;
}

/** Credentials are made up per start: the sandbox's simulators accept only these. */
function credentials(): { partnerId: string; token: string } {
  return { partnerId: `sandbox-${randomBytes(3).toString("hex")}`, token: randomBytes(24).toString("base64url") };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const kyrenPartner = credentials();
  const luckyMonacoPartner = credentials();
  const kyren = await SlotSpecSimulator.start({
    partners: [kyrenPartner],
    wallets: { tester: { USD: "100.0" } },
  });
  const luckyMonaco = await SlotSpecSimulator.start({
    partners: [luckyMonacoPartner],
    wallets: { tester: { USD: "300.0" } },
  });

  const common = { protocol: "slot-spec", timeoutMs: options.providerTimeoutMs ?? 3_000, maxConnections: 16, currencies: ["USD", "EUR"] } as const;
  const providers: ProviderConfig[] = [
    // Kyren, the later brand, offers /user/info: one call answers every currency of a user.
    {
      ...common,
      id: "kyren",
      name: "Kyren",
      baseUrl: kyren.url,
      ...kyrenPartner,
      userInfo: true,
      canRefund: false,
      currencies: [...common.currencies],
    },
    // Lucky Monaco publishes the refund call.
    {
      ...common,
      id: "lucky-monaco",
      name: "Lucky Monaco",
      baseUrl: luckyMonaco.url,
      ...luckyMonacoPartner,
      userInfo: false,
      canRefund: true,
      currencies: [...common.currencies],
    },
  ];

  const services = await createServices(providers, options.storeUrl ?? DEFAULT_STORE_URL, options.ledger ?? DEFAULT_LEDGER_SETTINGS);
  const server = await startServer({
    services,
    port: options.port ?? 4001,
    host: options.host ?? "127.0.0.1",
    playground: options.playground ?? true,
    introspection: options.introspection ?? true,
    playgroundQuery: EXAMPLE_QUERY.trim(),
  });

  return {
    graphqlUrl: server.graphqlUrl,
    url: server.url,
    server,
    services,
    simulators: { kyren, luckyMonaco },
    providers,
    async stop() {
      await server.stop();
      await services.close();
      await Promise.all([kyren.stop(), luckyMonaco.stop()]);
    },
  };
}
