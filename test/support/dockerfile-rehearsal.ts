// Reads a Dockerfile and replays its stages on this machine (no Docker engine): each stage's WORKDIR is a fresh temporary
// directory, COPY takes paths from the build context (honouring .dockerignore) or from an earlier stage, RUN runs through
// `sh -c` there. An instruction, flag or form it does not understand is refused with an error, never skipped.
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join, posix, relative, resolve, sep } from "node:path";

// ---------------------------------------------------------------------------------------------------------------------
// Parsing

export type Instruction =
  | { kind: "WORKDIR"; line: number; path: string }
  | { kind: "ENV"; line: number; raw: string }
  | { kind: "COPY"; line: number; from: string | undefined; raw: string[] }
  | { kind: "RUN"; line: number; command: Command }
  | { kind: "USER"; line: number; raw: string }
  | { kind: "EXPOSE"; line: number; raw: string }
  | { kind: "HEALTHCHECK"; line: number; healthcheck: Healthcheck | "NONE" }
  | { kind: "CMD"; line: number; command: Command };

/** Exec form as written, or shell form as Docker runs it: ["/bin/sh", "-c", text]. */
export interface Command {
  argv: string[];
  form: "exec" | "shell";
}

export interface Healthcheck {
  /** --interval, --timeout, --start-period, --start-interval, --retries, as written. */
  options: Record<string, string>;
  command: Command;
}

export interface Stage {
  /** 0-based position in the file. */
  index: number;
  name: string | undefined;
  image: string;
  line: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
}

export class DockerfileError extends Error {
  override readonly name = "DockerfileError";
  constructor(line: number, message: string) {
    super(`Dockerfile line ${line}: ${message}`);
  }
}

const HEALTHCHECK_OPTIONS = new Set(["interval", "timeout", "start-period", "start-interval", "retries"]);

/** Logical lines: continuations joined, comments and blank lines dropped; `line` is where each instruction starts. */
function logicalLines(text: string): { line: number; text: string }[] {
  const physical = text.split(/\r?\n/);
  const result: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  let directivesPossible = true;
  physical.forEach((raw, index) => {
    const lineNumber = index + 1;
    const trimmed = raw.trim();
    if (directivesPossible && current === undefined) {
      const directive = /^#\s*([a-z]+)\s*=\s*(.*)$/i.exec(trimmed);
      if (directive) {
        // `escape` changes how every line reads; `syntax` and `check` do not, and Docker takes unknown ones as comments.
        if (directive[1]!.toLowerCase() === "escape") {
          throw new DockerfileError(lineNumber, 'the "escape" parser directive is not supported by the rehearsal');
        }
        return;
      }
      directivesPossible = false;
    }
    if (trimmed.startsWith("#")) return; // a comment, also inside a continuation
    if (trimmed === "") {
      return; // blank lines end nothing: Docker also joins across them inside a continuation
    }
    const continues = /\\\s*$/.test(raw);
    const body = continues ? raw.replace(/\\\s*$/, "") : raw;
    if (current) current.text += body;
    else current = { line: lineNumber, text: body };
    if (!continues) {
      result.push({ line: current.line, text: current.text.trim() });
      current = undefined;
    }
  });
  if (current) throw new DockerfileError(current.line, "the file ends inside a line continuation");
  return result;
}

/** Exec form when the arguments are a JSON array of strings (Docker's rule), otherwise shell form. */
function parseCommand(text: string): Command {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((part) => typeof part === "string")) {
        return { argv: parsed as string[], form: "exec" };
      }
    } catch {
      // not JSON: Docker runs it as a shell command
    }
  }
  return { argv: ["/bin/sh", "-c", trimmed], form: "shell" };
}

/** Leading `--name=value` flags; `allowed` lists the names understood, any other flag is refused. */
function takeFlags(
  line: number,
  instruction: string,
  args: string,
  allowed: ReadonlySet<string>,
): { flags: Record<string, string>; rest: string } {
  const flags: Record<string, string> = {};
  let rest = args.trim();
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s*/i.exec(rest);
    if (!match) break;
    const name = match[1]!.toLowerCase();
    if (!allowed.has(name)) throw new DockerfileError(line, `${instruction} --${name} is not supported by the rehearsal`);
    if (match[2] === undefined || match[2] === "") throw new DockerfileError(line, `${instruction} --${name} needs a value`);
    flags[name] = match[2];
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
}

export function parseDockerfile(text: string): Dockerfile {
  const stages: Stage[] = [];
  for (const { line, text: instructionText } of logicalLines(text)) {
    const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(instructionText);
    const keyword = match![1]!.toUpperCase();
    const args = (match![2] ?? "").trim();
    if (args === "") throw new DockerfileError(line, `${keyword} without arguments`);

    if (keyword === "FROM") {
      const { rest } = takeFlags(line, "FROM", args, new Set());
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (!from) throw new DockerfileError(line, `cannot read FROM ${rest}`);
      const image = from[1]!;
      if (stages.some((stage) => stage.name === image.toLowerCase())) {
        throw new DockerfileError(line, `FROM an earlier stage (${image}) is not supported by the rehearsal`);
      }
      stages.push({ index: stages.length, name: from[2]?.toLowerCase(), image, line, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(line, `${keyword} before the first FROM`);

    switch (keyword) {
      case "WORKDIR":
        stage.instructions.push({ kind: "WORKDIR", line, path: args });
        break;
      case "ENV":
        stage.instructions.push({ kind: "ENV", line, raw: args });
        break;
      case "COPY": {
        const { flags, rest } = takeFlags(line, "COPY", args, new Set(["from"]));
        let words: string[];
        if (rest.startsWith("[")) {
          const command = parseCommand(rest);
          if (command.form !== "exec") throw new DockerfileError(line, "COPY's JSON form is not a JSON array of strings");
          words = command.argv;
        } else {
          words = rest.split(/\s+/);
        }
        if (words.length < 2) throw new DockerfileError(line, "COPY needs at least one source and a destination");
        stage.instructions.push({ kind: "COPY", line, from: flags.from?.toLowerCase(), raw: words });
        break;
      }
      case "RUN": {
        const { rest } = takeFlags(line, "RUN", args, new Set());
        stage.instructions.push({ kind: "RUN", line, command: parseCommand(rest) });
        break;
      }
      case "USER":
        stage.instructions.push({ kind: "USER", line, raw: args });
        break;
      case "EXPOSE":
        stage.instructions.push({ kind: "EXPOSE", line, raw: args });
        break;
      case "HEALTHCHECK": {
        if (args.toUpperCase() === "NONE") {
          stage.instructions.push({ kind: "HEALTHCHECK", line, healthcheck: "NONE" });
          break;
        }
        const { flags, rest } = takeFlags(line, "HEALTHCHECK", args, HEALTHCHECK_OPTIONS);
        const cmd = /^CMD\s+([\s\S]+)$/i.exec(rest);
        if (!cmd) throw new DockerfileError(line, `HEALTHCHECK must be NONE or [options] CMD command, not "${rest}"`);
        stage.instructions.push({
          kind: "HEALTHCHECK",
          line,
          healthcheck: { options: flags, command: parseCommand(cmd[1]!) },
        });
        break;
      }
      case "CMD":
        stage.instructions.push({ kind: "CMD", line, command: parseCommand(args) });
        break;
      default:
        throw new DockerfileError(line, `${keyword} is not understood by the rehearsal (teach test/support/dockerfile-rehearsal.ts)`);
    }
  }
  if (stages.length === 0) throw new DockerfileError(1, "no FROM: the file has no stage");
  return { stages };
}

// ---------------------------------------------------------------------------------------------------------------------
// Words and variables, as Docker reads ENV, WORKDIR, COPY, USER and EXPOSE

/**
 * Splits on unquoted whitespace, removes quotes and backslash escapes, and replaces $NAME, ${NAME}, ${NAME:-word} and
 * ${NAME:+word} from `env` (not inside single quotes). Anything else after a `$` is refused.
 */
export function expandWords(line: number, text: string, env: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: '"' | "'" | undefined;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
      i++;
      continue;
    }
    if (char === "\\" && i + 1 < text.length) {
      word += text[i + 1]!;
      inWord = true;
      i += 2;
      continue;
    }
    if (char === "$") {
      const { value, length } = expandVariable(line, text.slice(i), env);
      word += value;
      inWord = true;
      i += length;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else word += char;
      i++;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
      i++;
      continue;
    }
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    word += char;
    inWord = true;
    i++;
  }
  if (quote) throw new DockerfileError(line, `unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

function expandVariable(
  line: number,
  text: string,
  env: Readonly<Record<string, string>>,
): { value: string; length: number } {
  const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text);
  if (plain) return { value: env[plain[1]!] ?? "", length: plain[0].length };
  const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\+)([^}]*))?\}/.exec(text);
  if (braced) {
    const current = env[braced[1]!];
    let value = current ?? "";
    if (braced[2] === ":-") value = current ? current : braced[3]!;
    if (braced[2] === ":+") value = current ? braced[3]! : "";
    return { value, length: braced[0].length };
  }
  throw new DockerfileError(line, `cannot read the variable reference at "${text.slice(0, 20)}"`);
}

function parseEnvPairs(line: number, raw: string, env: Readonly<Record<string, string>>): [string, string][] {
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([\s\S]*)$/.exec(raw);
  if (legacy && !legacy[1]!.includes("=")) {
    // `ENV NAME value with spaces`: the rest of the line is the value
    return [[legacy[1]!, expandWords(line, legacy[2]!, env).join(" ")]];
  }
  const pairs: [string, string][] = [];
  // Docker expands every pair of one ENV against the variables from before that instruction.
  for (const word of expandWords(line, raw, env)) {
    const equals = word.indexOf("=");
    if (equals <= 0) throw new DockerfileError(line, `ENV expects NAME=value, got "${word}"`);
    pairs.push([word.slice(0, equals), word.slice(equals + 1)]);
  }
  return pairs;
}

// ---------------------------------------------------------------------------------------------------------------------
// .dockerignore, with Docker's rules: last matching pattern wins, a pattern matching a parent folder matches its files

interface IgnorePattern {
  exception: boolean;
  regex: RegExp;
}

export class DockerIgnore {
  private constructor(private readonly patterns: IgnorePattern[]) {}

  static read(contextDir: string): DockerIgnore {
    const file = join(contextDir, ".dockerignore");
    if (!existsSync(file)) return new DockerIgnore([]);
    return DockerIgnore.parse(readFileSync(file, "utf8"));
  }

  static parse(text: string): DockerIgnore {
    const patterns: IgnorePattern[] = [];
    for (const rawLine of text.split(/\r?\n/)) {
      let pattern = rawLine.trim();
      if (pattern === "" || pattern.startsWith("#")) continue;
      const exception = pattern.startsWith("!");
      if (exception) pattern = pattern.slice(1).trim();
      pattern = posix.normalize(pattern).replace(/^\/+/, "").replace(/\/+$/, "");
      if (pattern === "" || pattern === ".") continue;
      patterns.push({ exception, regex: patternToRegex(pattern) });
    }
    return new DockerIgnore(patterns);
  }

  get hasExceptions(): boolean {
    return this.patterns.some((pattern) => pattern.exception);
  }

  /** `path` is relative to the context, with forward slashes. */
  excludes(path: string): boolean {
    const parts = path.split("/");
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
    let excluded = false;
    for (const pattern of this.patterns) {
      if (candidates.some((candidate) => pattern.regex.test(candidate))) excluded = !pattern.exception;
    }
    return excluded;
  }
}

function patternToRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          source += "(?:.*/)?";
        } else {
          source += ".*";
        }
      } else {
        source += "[^/]*";
      }
    } else if (char === "?") {
      source += "[^/]";
    } else if (char === "\\" && i + 1 < pattern.length) {
      source += escapeRegex(pattern[++i]!);
    } else if (char === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw new Error(`.dockerignore: unterminated [ in "${pattern}"`);
      source += `[${pattern.slice(i + 1, end).replace(/^!/, "^")}]`;
      i = end;
    } else {
      source += escapeRegex(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

// ---------------------------------------------------------------------------------------------------------------------
// Replaying

export interface RehearsedStage {
  index: number;
  name: string | undefined;
  image: string;
  /** The stage's first WORKDIR (an absolute path in the image), mapped to `root`. */
  imageRoot: string;
  /** The host directory standing for `imageRoot`. */
  root: string;
  /** The host directory of the stage's last WORKDIR: where RUN, CMD and HEALTHCHECK run. */
  workdir: string;
  /** Every ENV of the stage, in order, the later winning. */
  env: Record<string, string>;
  /** The last USER, or undefined (root). */
  user: string | undefined;
  exposed: string[];
  healthcheck: Healthcheck | undefined;
  cmd: Command | undefined;
}

export interface RehearsalOptions {
  /** The build context: the repository checkout. */
  contextDir: string;
  /** The Dockerfile; default contextDir/Dockerfile. */
  dockerfile?: string;
  /** Variables laid over the host's environment for every RUN (below the stage's ENV). */
  runEnv?: Record<string, string>;
  /** Called with each instruction as it is replayed, and with RUN's output. */
  log?: (text: string) => void;
  /** Give up on one RUN after this long (default 10 minutes). */
  runTimeoutMs?: number;
}

export interface Rehearsal {
  dockerfile: Dockerfile;
  stages: RehearsedStage[];
  /** The last stage: what `docker run` would start. */
  final: RehearsedStage;
  /** Removes every directory the rehearsal made. */
  cleanup(): void;
}

/** Variables of the test runner or of an `npm run` around it that a `docker build` would not see. */
function hostEnvForRun(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(npm_package_|npm_lifecycle_|npm_command$|npm_execpath$|npm_node_execpath$|npm_config_local_prefix$)/i.test(name)) continue;
    if (/^(INIT_CWD|NODE_ENV|NODE_OPTIONS|VITEST.*|TEST|MODE|PROD|DEV|SSR|BASE_URL)$/.test(name)) continue;
    env[name] = value;
  }
  env.PATH = imagePath();
  return env;
}

/** The host's PATH without any node_modules/.bin, so a stage finds only the tools it installed itself. */
export function imagePath(): string {
  return (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin")
    .split(delimiter)
    .filter((entry) => entry !== "" && !entry.split(sep).includes("node_modules"))
    .join(delimiter);
}

export async function rehearseDockerfile(options: RehearsalOptions): Promise<Rehearsal> {
  const contextDir = resolve(options.contextDir);
  const dockerfilePath = options.dockerfile ?? join(contextDir, "Dockerfile");
  const dockerfile = parseDockerfile(readFileSync(dockerfilePath, "utf8"));
  const ignore = DockerIgnore.read(contextDir);
  const log = options.log ?? (() => {});
  const base = mkdtempSync(join(tmpdir(), "dockerfile-rehearsal-"));
  chmodSync(base, 0o755); // an unprivileged user must reach the stages, as the image's USER reaches its files
  const stages: RehearsedStage[] = [];
  const rehearsal: Rehearsal = {
    dockerfile,
    stages,
    get final() {
      return stages.at(-1)!;
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };

  try {
    for (const stage of dockerfile.stages) {
      const root = join(base, `stage-${stage.index}${stage.name ? `-${stage.name}` : ""}`);
      mkdirSync(root, { mode: 0o755 });
      const state: RehearsedStage = {
        index: stage.index,
        name: stage.name,
        image: stage.image,
        imageRoot: "",
        root,
        workdir: root,
        env: {},
        user: undefined,
        exposed: [],
        healthcheck: undefined,
        cmd: undefined,
      };
      log(`# stage ${stage.index} ${stage.name ?? ""} FROM ${stage.image} -> ${root}`);
      for (const instruction of stage.instructions) {
        await replay(instruction, state, stages, { contextDir, ignore, options, log });
      }
      stages.push(state);
    }
  } catch (error) {
    rehearsal.cleanup();
    throw error;
  }
  return rehearsal;
}

interface ReplayContext {
  contextDir: string;
  ignore: DockerIgnore;
  options: RehearsalOptions;
  log: (text: string) => void;
}

/** An absolute path of the image, inside the stage's first WORKDIR, to the host path standing for it. */
function hostPath(stage: RehearsedStage, imagePathText: string, line: number): string {
  const normalized = posix.normalize(imagePathText);
  if (!stage.imageRoot) throw new DockerfileError(line, "the rehearsal needs a WORKDIR before the stage's first COPY, RUN or CMD");
  const inside = posix.relative(stage.imageRoot, normalized);
  if (inside.startsWith("..") || posix.isAbsolute(inside)) {
    throw new DockerfileError(line, `${imagePathText} is outside ${stage.imageRoot}, the stage's WORKDIR: the rehearsal cannot place it`);
  }
  return join(stage.root, ...inside.split("/").filter(Boolean));
}

function currentImageDir(stage: RehearsedStage): string {
  return posix.join(stage.imageRoot, relative(stage.root, stage.workdir).split(sep).join("/"));
}

async function replay(
  instruction: Instruction,
  stage: RehearsedStage,
  earlier: RehearsedStage[],
  context: ReplayContext,
): Promise<void> {
  const { line } = instruction;
  switch (instruction.kind) {
    case "WORKDIR": {
      const [path, ...extra] = expandWords(line, instruction.path, stage.env);
      if (!path || extra.length > 0) throw new DockerfileError(line, "WORKDIR takes one path");
      if (!stage.imageRoot) {
        if (!posix.isAbsolute(path)) throw new DockerfileError(line, "the stage's first WORKDIR must be absolute");
        stage.imageRoot = posix.normalize(path);
        stage.workdir = stage.root;
      } else {
        const target = posix.isAbsolute(path) ? path : posix.join(currentImageDir(stage), path);
        stage.workdir = hostPath(stage, target, line);
        mkdirSync(stage.workdir, { recursive: true, mode: 0o755 });
      }
      context.log(`WORKDIR ${path}`);
      return;
    }
    case "ENV": {
      const pairs = parseEnvPairs(line, instruction.raw, stage.env);
      for (const [name, value] of pairs) stage.env[name] = value;
      context.log(`ENV ${pairs.map(([name, value]) => `${name}=${value}`).join(" ")}`);
      return;
    }
    case "USER": {
      const [user, ...extra] = expandWords(line, instruction.raw, stage.env);
      if (!user || extra.length > 0) throw new DockerfileError(line, "USER takes one user[:group]");
      stage.user = user;
      context.log(`USER ${user}`);
      return;
    }
    case "EXPOSE": {
      for (const port of expandWords(line, instruction.raw, stage.env)) {
        if (!/^\d+(?:\/(?:tcp|udp))?$/i.test(port)) throw new DockerfileError(line, `EXPOSE ${port} is not a port`);
        stage.exposed.push(port);
      }
      return;
    }
    case "HEALTHCHECK":
      stage.healthcheck = instruction.healthcheck === "NONE" ? undefined : instruction.healthcheck;
      return;
    case "CMD":
      if (!stage.imageRoot) throw new DockerfileError(line, "the rehearsal needs a WORKDIR before CMD");
      stage.cmd = instruction.command;
      return;
    case "COPY":
      copy(instruction, stage, earlier, context);
      return;
    case "RUN": {
      if (!stage.imageRoot) throw new DockerfileError(line, "the rehearsal needs a WORKDIR before RUN");
      const env = { ...hostEnvForRun(), ...context.options.runEnv, ...stage.env };
      context.log(`RUN ${instruction.command.argv.join(" ")}`);
      const result = await runToEnd(instruction.command.argv, {
        cwd: stage.workdir,
        env,
        timeoutMs: context.options.runTimeoutMs ?? 600_000,
      });
      context.log(result.output);
      if (result.code !== 0) {
        throw new DockerfileError(
          line,
          `RUN ${instruction.command.argv.at(-1)} exited with ${result.code ?? result.signal}:\n${result.output.slice(-4000)}`,
        );
      }
      return;
    }
  }
}

function copy(
  instruction: Extract<Instruction, { kind: "COPY" }>,
  stage: RehearsedStage,
  earlier: RehearsedStage[],
  context: ReplayContext,
): void {
  const { line } = instruction;
  if (!stage.imageRoot) throw new DockerfileError(line, "the rehearsal needs a WORKDIR before COPY");
  const words = instruction.raw.flatMap((word) => expandWords(line, word, stage.env));
  const destText = words.at(-1)!;
  const sources = words.slice(0, -1);
  for (const source of sources) {
    if (/[*?[]/.test(source)) throw new DockerfileError(line, `COPY source "${source}": wildcards are not supported by the rehearsal`);
  }
  const destIsDir = destText.endsWith("/") || sources.length > 1;
  if (sources.length > 1 && !destText.endsWith("/")) {
    throw new DockerfileError(line, "COPY with several sources needs a destination ending in /");
  }
  const destImage = posix.isAbsolute(destText) ? destText : posix.join(currentImageDir(stage), destText);
  const dest = hostPath(stage, destImage, line);

  let fromStage: RehearsedStage | undefined;
  if (instruction.from !== undefined) {
    fromStage = earlier.find((candidate) => candidate.name === instruction.from || String(candidate.index) === instruction.from);
    if (!fromStage) throw new DockerfileError(line, `COPY --from=${instruction.from}: no earlier stage of that name (images are not supported)`);
  }
  context.log(`COPY ${fromStage ? `--from=${fromStage.name ?? fromStage.index} ` : ""}${sources.join(" ")} ${destText}`);

  for (const source of sources) {
    if (fromStage) {
      const sourceImage = posix.isAbsolute(source) ? source : posix.join("/", source);
      const from = hostPath(fromStage, sourceImage, line);
      if (!existsSync(from)) throw new DockerfileError(line, `COPY --from=${instruction.from} ${source}: not found in that stage`);
      const isDir = statSync(from).isDirectory();
      const target = !isDir && (destIsDir || isExistingDir(dest)) ? join(dest, basename(from)) : dest;
      mkdirSync(isDir ? target : dirname(target), { recursive: true, mode: 0o755 });
      cpSync(from, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    } else {
      copyFromContext(line, source, dest, destIsDir, context);
    }
  }
}

function isExistingDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** Copies `source` (relative to the context) as Docker's context would hold it: .dockerignore'd paths left out. */
function copyFromContext(line: number, source: string, dest: string, destIsDir: boolean, context: ReplayContext): void {
  const relativeSource = posix.normalize(source.replace(/^\/+/, "")).replace(/\/+$/, "");
  if (relativeSource.startsWith("..")) throw new DockerfileError(line, `COPY ${source} is outside the build context`);
  const from = relativeSource === "." ? context.contextDir : join(context.contextDir, ...relativeSource.split("/"));
  const missing = () => new DockerfileError(line, `COPY ${source}: not found in the build context (is it in .dockerignore?)`);
  if (!existsSync(from)) throw missing();
  const stats = lstatSync(from);
  if (!stats.isDirectory()) {
    if (context.ignore.excludes(relativeSource)) throw missing();
    const target = destIsDir || isExistingDir(dest) ? join(dest, basename(from)) : dest;
    copyEntry(from, target);
    return;
  }
  let copied = 0;
  const walk = (hostDir: string, contextPath: string, targetDir: string) => {
    mkdirSync(targetDir, { recursive: true, mode: 0o755 });
    for (const entry of readdirSync(hostDir, { withFileTypes: true })) {
      const entryContextPath = contextPath === "." ? entry.name : `${contextPath}/${entry.name}`;
      const excluded = context.ignore.excludes(entryContextPath);
      const hostEntry = join(hostDir, entry.name);
      if (entry.isDirectory()) {
        if (excluded && !context.ignore.hasExceptions) continue;
        walk(hostEntry, entryContextPath, join(targetDir, entry.name));
      } else if (!excluded) {
        copyEntry(hostEntry, join(targetDir, entry.name));
        copied++;
      }
    }
  };
  if (relativeSource !== "." && context.ignore.excludes(relativeSource) && !context.ignore.hasExceptions) throw missing();
  walk(from, relativeSource, dest);
  if (copied === 0 && relativeSource !== "." && context.ignore.excludes(relativeSource)) throw missing();
}

function copyEntry(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
  const stats = lstatSync(from);
  if (stats.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
    return;
  }
  copyFileSync(from, to);
  chmodSync(to, stats.mode & 0o777);
}

// ---------------------------------------------------------------------------------------------------------------------
// Running what the image runs

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export function runToEnd(
  argv: string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs: number; uid?: number; gid?: number },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      uid: options.uid,
      gid: options.gid,
    });
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[rehearsal: killed after ${options.timeoutMs} ms]`;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, output });
    });
  });
}

/**
 * What `docker run` gives the stage's processes: the image's PATH (the host's, without node_modules/.bin), the stage's
 * ENV, then `extra` (like `docker run -e`). Nothing else of the host's environment.
 */
export function containerEnv(stage: RehearsedStage, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: imagePath(), ...stage.env, ...extra };
}

/**
 * Spawn options that run as the stage's USER would: when this process is root and USER is not, as that user if this
 * machine knows the name, else as nobody, so the rehearsal also proves the process needs no root and no write access.
 */
export function containerUser(stage: RehearsedStage): Pick<SpawnOptions, "uid" | "gid"> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return {};
  const user = stage.user?.split(":")[0];
  if (user === undefined || user === "root" || user === "0") return {};
  const byName = lookupUser(user);
  return byName ?? { uid: 65_534, gid: 65_534 };
}

function lookupUser(name: string): { uid: number; gid: number } | undefined {
  if (/^\d+$/.test(name)) return { uid: Number(name), gid: Number(name) };
  try {
    const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** Starts the stage's CMD (or `argv`) in its WORKDIR, the way the container would. */
export function startContainerCommand(
  stage: RehearsedStage,
  options: { env?: Record<string, string>; argv?: string[] } = {},
): ChildProcess {
  const argv = options.argv ?? stage.cmd?.argv;
  if (!argv) throw new Error(`stage ${stage.name ?? stage.index} has no CMD`);
  return spawn(argv[0]!, argv.slice(1), {
    cwd: stage.workdir,
    env: containerEnv(stage, options.env),
    stdio: ["ignore", "pipe", "pipe"],
    ...containerUser(stage),
  });
}

/**
 * A private npm cache for the rehearsal's RUNs, seeded from this machine's (so `npm ci --prefer-offline` seldom needs the
 * registry) without ever writing to it: the index is copied, the immutable content hard-linked. `npm cache clean`
 * in the Dockerfile then empties only this copy. Falls back to an empty cache where linking fails.
 */
export function sandboxNpmCache(into: string): string {
  const cache = join(into, "npm-cache");
  mkdirSync(join(cache, "_cacache"), { recursive: true });
  let hostCache = process.env.npm_config_cache;
  if (!hostCache) {
    try {
      hostCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      hostCache = undefined;
    }
  }
  const source = hostCache ? join(hostCache, "_cacache") : undefined;
  if (source && existsSync(join(source, "content-v2")) && existsSync(join(source, "index-v5"))) {
    try {
      execFileSync("cp", ["-R", join(source, "index-v5"), join(cache, "_cacache", "index-v5")], { stdio: "ignore" });
      execFileSync("cp", ["-Rl", join(source, "content-v2"), join(cache, "_cacache", "content-v2")], { stdio: "ignore" });
    } catch {
      rmSync(cache, { recursive: true, force: true });
      mkdirSync(join(cache, "_cacache"), { recursive: true });
    }
  }
  return cache;
}
