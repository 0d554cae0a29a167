// Runs podman as the image test needs it on these machines: runc with resource limits it may set, host networking, never pulling.
import { execFileSync, spawn } from "node:child_process";

export interface PodmanResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Flags for `podman build` and `podman run`. crun cannot set the open-files limit under cgroups v1 here and runc refuses
 * limits above what this process has, so both are given explicitly at values this process may grant.
 */
export function runtimeFlags(): string[] {
  const openFiles = Number(execFileSync("sh", ["-c", "ulimit -Sn"], { encoding: "utf8" }).trim()) || 1024;
  return ["--runtime", "runc", "--ulimit", `nofile=${openFiles}:${openFiles}`, "--ulimit", "nproc=16384:16384"];
}

/** Runs `podman args…` to its end (or kills it after `timeoutMs`), with its output apart. */
export function podman(args: string[], options: { timeoutMs?: number } = {}): Promise<PodmanResult> {
  return runToEnd("podman", args, options.timeoutMs ?? 120_000);
}

/** Runs any command to its end, output apart; a command that cannot start reads as code null with the reason in stderr. */
export function runToEnd(command: string, args: string[], timeoutMs: number): Promise<PodmanResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${error.message}`, ms: Date.now() - started });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Throws with the command's output unless it exited 0; returns its trimmed stdout. */
export function succeeded(what: string, result: PodmanResult): string {
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`.slice(-8000));
  return result.stdout.trim();
}
