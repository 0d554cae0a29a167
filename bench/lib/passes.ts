// Responsible for timing passes of a set of calls in CPU: `lanes` passes at a time, for a number of seconds.

/** Passes made, and the process's CPU (user + system) over them, in ms. */
export interface TimedPasses {
  passes: number;
  cpuMs: number;
}

/** Makes `pass` over and over, `lanes` at a time, until `seconds` have gone by. */
export async function timedPasses(seconds: number, lanes: number, pass: () => Promise<unknown>): Promise<TimedPasses> {
  let passes = 0;
  const before = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (performance.now() < until) {
        await pass();
        passes++;
      }
    }),
  );
  const cpu = process.cpuUsage(before);
  return { passes, cpuMs: (cpu.user + cpu.system) / 1000 };
}
