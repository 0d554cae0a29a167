// Responsible for what a bench process tells of its own cost: CPU time and memory.
export interface ProcessUsage {
  /** User + system CPU time since the process began, in ms. */
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** What V8 holds for its heap, used or not: RSS can grow with it while the heap in use stays flat. */
  heapTotalBytes: number;
  /** Memory outside the JS heap that JS objects hold (Buffers and ArrayBuffers among it). */
  externalBytes: number;
}

export function processUsage(): ProcessUsage {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    heapTotalBytes: memory.heapTotal,
    externalBytes: memory.external,
  };
}

/**
 * Usage after full garbage collections, read twice:
 * - `held`: after two ordinary full GCs, what the process holds, V8's reserve for new allocations included (its
 *   young generation, grown to the allocation rate, and the heap pages it pools for reuse rather than unmapping);
 * - `retained`: after a last-resort GC as well, which has V8 give back that reserve, as it does under memory
 *   pressure: what the process cannot do without.
 */
export async function settledUsage(): Promise<{ held: ProcessUsage; retained: ProcessUsage }> {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const held = processUsage();
  globalThis.gc?.({ type: "major", execution: "sync", flavor: "last-resort" });
  await new Promise((resolve) => setImmediate(resolve));
  return { held, retained: processUsage() };
}
