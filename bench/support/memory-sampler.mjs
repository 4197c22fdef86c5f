// Peak rss and heap used of this process, for bench/burst.bench.ts and bench/sweep.bench.ts (imported)
// and bench/support/probe.mjs (preloaded into the App's process). Plain JavaScript, so that loading it
// into a production run costs no type stripping.
import { getHeapStatistics } from "node:v8";

/**
 * Samples from now on: the heap every 10 ms (cheap), rss every 100 ms (reading it costs ~0.2 ms, which
 * at 10 ms was ~2 % of the measured CPU time), and what the rss was made of at its peak (read only when
 * a new peak is seen). `reset()` starts the figures again from this moment.
 */
export function sampleMemory() {
  const peak = { rss: 0, heap: 0, atRss: null };
  let ticks = 0;
  setInterval(() => {
    const heap = getHeapStatistics().used_heap_size;
    if (heap > peak.heap) peak.heap = heap;
    if (ticks++ % 10) return;
    const rss = process.memoryUsage.rss();
    if (rss > peak.rss) {
      peak.rss = rss;
      const h = getHeapStatistics();
      const m = process.memoryUsage();
      peak.atRss = {
        rss,
        heapCommitted: h.total_physical_size,
        heapUsed: h.used_heap_size,
        external: m.external,
        arrayBuffers: m.arrayBuffers,
      };
    }
  }, 10).unref();
  return {
    peak,
    reset() {
      const m = process.memoryUsage();
      peak.rss = m.rss;
      peak.heap = m.heapUsed;
      peak.atRss = null;
      return m;
    },
  };
}
