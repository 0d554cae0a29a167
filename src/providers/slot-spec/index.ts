// Responsible for the SLOT_SPEC protocol as the service sees it: its configuration, its client, its secret fields and its demo partners (Kyren, Lucky Monaco).
import { defineProtocol } from "../kit/descriptor.js";
import { SlotSpecClient } from "./client.js";
import { slotSpecProviderConfig } from "./config.js";
import { slotSpecDemo } from "./demo.js";

export const slotSpec = defineProtocol(slotSpecProviderConfig, {
  createClient: (config, dependencies) => new SlotSpecClient(config, dependencies.observer),
  secretFields: ["token"],
  demo: slotSpecDemo,
});
