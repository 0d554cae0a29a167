// Responsible for structured JSON logs (pino) that never carry a secret: known secret fields redacted, known secret values scrubbed from any text.
import { pino, type DestinationStream, type Logger } from "pino";
import { PROTOCOLS } from "../providers/protocols.js";

export type { Logger };

/** Fields that hold credentials wherever they appear in a logged object: the service's own, and every protocol's. */
const SECRET_FIELDS = new Set(["token", "routerSecret", "password", ...PROTOCOLS.flatMap((protocol) => protocol.secretFields)]);

const SECRET_PATHS = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["router-authorization"]',
  "*.headers.authorization",
  '*.headers["router-authorization"]',
  ...[...SECRET_FIELDS].flatMap((field) => [field, `*.${field}`]),
];

const REDACTED = "[redacted]";
// A JWT anywhere in a message: three base64url parts, the first one a JSON header ("eyJ").
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
  /** Every configured secret value: scrubbed from any string that would be logged. */
  secrets?: () => Iterable<string>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const scrub = (text: string): string => {
    let clean = text.replace(JWT_PATTERN, REDACTED);
    for (const secret of options.secrets?.() ?? []) {
      if (secret.length >= 6 && clean.includes(secret)) clean = clean.split(secret).join(REDACTED);
    }
    return clean;
  };
  const scrubDeep = (value: unknown, depth = 0): unknown => {
    if (typeof value === "string") return scrub(value);
    if (depth > 6 || value === null || typeof value !== "object") return value;
    if (value instanceof Error) return { type: value.name, message: scrub(value.message), code: (value as { code?: unknown }).code };
    if (Array.isArray(value)) return value.map((item) => scrubDeep(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDeep(item, depth + 1)]));
  };

  return pino(
    {
      level: options.level ?? "info",
      base: { service: "wallet-subgraph" },
      redact: { paths: SECRET_PATHS, censor: REDACTED },
      formatters: { log: (object) => scrubDeep(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === "string" ? scrub(arg) : arg)) as Parameters<typeof method>);
        },
      },
    },
    options.destination,
  );
}

/** Every secret value of a providers configuration, for the scrubber. */
export function secretsOf(value: unknown, found: Set<string> = new Set(), key = ""): Set<string> {
  if (typeof value === "string") {
    if (/token|key|secret|password/i.test(key) && !/public/i.test(key)) found.add(value);
  } else if (value && typeof value === "object") {
    for (const [name, item] of Object.entries(value)) secretsOf(item, found, name);
  }
  return found;
}
