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

/** Usage after two full garbage collections: what the process holds, not what it has yet to free. */
export async function settledUsage(): Promise<ProcessUsage> {
  for (let i = 0; i < 2; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return processUsage();
}
