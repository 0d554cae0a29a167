// Starts the subgraph's HTTP server over given services on a loopback port, every caller trusted: for tests whose subject is not authorisation.
import { TRUSTED } from "../../src/auth/caller.js";
import { startServer, type RunningServer } from "../../src/server.js";
import type { ProcessServices } from "../../src/services.js";

export function startTrustedServer(services: ProcessServices): Promise<RunningServer> {
  return startServer({
    services,
    port: 0,
    host: "127.0.0.1",
    playground: false,
    introspection: false,
    security: { verifyCaller: async () => TRUSTED },
  });
}
