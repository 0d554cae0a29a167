// Responsible for running a bench process of its own and calling it over Node's IPC channel: start, call, stop.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processModule } from "./compiled.js";

type Handler = (params: never) => unknown;
export type Methods = Record<string, Handler>;

interface Call {
  id: number;
  method: string;
  params: unknown;
}

type Reply = { id: number; result: unknown } | { id: number; error: string } | { ready: unknown };

/** The parent's handle on a bench process: typed calls to the methods the process serves. */
export class BenchProcess<M extends Methods, Ready> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: Ready,
    readonly name: string,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.on("message", (message: Reply) => {
      if (!("id" in message)) return;
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if ("error" in message) waiter.reject(new Error(`${name}: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once("exit", (code, signal) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`${name} exited (${code ?? signal}) during a call`));
      this.waiting.clear();
    });
  }

  /**
   * Starts `script` (a module under bench/processes; compiled, or with tsx), hands it `options`, and waits for it to
   * say it is ready. Its stdout is discarded (a server's request log costs what it costs in production);
   * stderr is passed through.
   */
  static async start<M extends Methods, Ready>(script: string, options: unknown, name = script): Promise<BenchProcess<M, Ready>> {
    const { path, execArgv } = processModule(script);
    // Options travel in a file: a recording of provider answers is larger than one environment string may be (128 KiB).
    const optionsDir = mkdtempSync(join(tmpdir(), "bench-options-"));
    const optionsFile = join(optionsDir, "options.json");
    writeFileSync(optionsFile, JSON.stringify(options));
    const child = fork(path, [], {
      // --expose-gc: a process can be asked to collect its garbage before its memory is read.
      execArgv: [...execArgv, "--expose-gc", ...(process.env.BENCH_NODE_OPTIONS?.split(" ").filter(Boolean) ?? [])],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      // As deployed (the Dockerfile's NODE_ENV): graphql-js, Express and others drop their development checks.
      env: { ...process.env, NODE_ENV: "production", BENCH_OPTIONS_FILE: optionsFile },
      serialization: "advanced",
    });
    const ready = await new Promise<Ready>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${name} exited (${code}) before it was ready`));
      child.once("exit", onExit);
      child.on("message", (message: Reply) => {
        if ("ready" in message) {
          child.off("exit", onExit);
          resolve(message.ready as Ready);
        } else if ("error" in message && message.id === 0) {
          reject(new Error(`${name} could not start: ${message.error}`));
        }
      });
    }).finally(() => rmSync(optionsDir, { recursive: true, force: true }));
    return new BenchProcess<M, Ready>(child, ready, name);
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends keyof M & string>(method: K, ...params: Parameters<M[K]>): Promise<Awaited<ReturnType<M[K]>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, method, params: params[0] } satisfies Call);
    });
  }

  /** Asks the process to stop (its `stop` method, when it has one), then waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.send({ id: 0, method: "__exit", params: undefined } satisfies Call);
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The process's own side: its options, and serving its methods once it is ready. */
export function benchOptions<T>(): T {
  const file = process.env.BENCH_OPTIONS_FILE;
  return (file ? JSON.parse(readFileSync(file, "utf8")) : {}) as T;
}

export function serveMethods(ready: unknown, methods: Methods, onExit: () => Promise<void> = async () => {}): void {
  const answer = async (message: Call): Promise<void> => {
    if (message.method === "__exit") {
      await onExit().catch((error) => console.error(error));
      process.disconnect();
      process.exit(0);
    }
    const handler = methods[message.method];
    try {
      if (!handler) throw new Error(`no method "${message.method}"`);
      const result = await handler(message.params as never);
      process.send!({ id: message.id, result });
    } catch (error) {
      process.send!({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  };
  process.on("message", (message: Call) => void answer(message));
  process.send!({ ready });
}

/** For a process whose start failed: tell the parent why, then exit. */
export function failStart(error: unknown): never {
  process.send?.({ id: 0, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
