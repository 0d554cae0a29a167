// Responsible for the XPAY protocol as the service sees it: its configuration, its client, its secret fields and its demo instrument.
import { defineProtocol } from "../kit/descriptor.js";
import { XpayClient } from "./client.js";
import { xpayProviderConfig } from "./config.js";
import { xpayDemo } from "./demo.js";

export const xpay = defineProtocol(xpayProviderConfig, {
  createClient: (config, dependencies) => new XpayClient(config, dependencies.accounts, dependencies.observer),
  secretFields: ["partnerToken", "partnerPrivateKey"],
  demo: xpayDemo,
});
