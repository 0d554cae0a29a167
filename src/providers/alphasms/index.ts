// Responsible for the AlphaSMS protocol as the service sees it: its configuration, its client, its secret fields and its demo account.
import { defineProtocol } from "../kit/descriptor.js";
import { AlphaSmsClient } from "./client.js";
import { alphaSmsProviderConfig } from "./config.js";
import { alphaSmsDemo } from "./demo.js";

export const alphaSms = defineProtocol(alphaSmsProviderConfig, {
  createClient: (config, dependencies) => new AlphaSmsClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["apiKey"],
  demo: alphaSmsDemo,
});
