// Responsible for CPU profiles of a bench process while it is measured: started and stopped on the parent's call, written as .cpuprofile (for flame graphs).
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

let session: Session | undefined;

export const profilingMethods = {
  async startProfile(): Promise<void> {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: Number(process.env.BENCH_PROFILE_INTERVAL ?? 200) });
    await session.post("Profiler.start");
  },
  /** Writes the profile taken since startProfile to `path`. */
  async stopProfile(path: string): Promise<void> {
    if (!session) throw new Error("no profile was started");
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    session = undefined;
    await writeFile(path, JSON.stringify(profile));
  },
};

export type ProfilingMethods = typeof profilingMethods;
