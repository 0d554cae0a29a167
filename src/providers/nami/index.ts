// Responsible for the Nami Exchange protocol as the service sees it: its configuration, its client, its secret fields and its demo account.
import { defineProtocol } from "../kit/descriptor.js";
import { NamiClient } from "./client.js";
import { namiProviderConfig } from "./config.js";
import { namiDemo } from "./demo.js";

export const nami = defineProtocol(namiProviderConfig, {
  createClient: (config, dependencies) => new NamiClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey", "apiSecret"],
  demo: namiDemo,
});
