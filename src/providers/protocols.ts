// Responsible for the one list of protocols the service speaks: every consumer (providers file, client building, demo, logs) reads it.
import { alphaSms } from "./alphasms/index.js";
import { nami } from "./nami/index.js";
import { slotSpec } from "./slot-spec/index.js";
import { xpay } from "./xpay/index.js";

/** In this order the providers file's union tries them and the demo lists its providers. */
export const PROTOCOLS = [slotSpec, alphaSms, nami, xpay] as const;

export type Protocol = (typeof PROTOCOLS)[number];
