// Types of bench/support/memory-sampler.mjs (plain JavaScript), for the TypeScript that imports it.

/** The rss at its peak, and what of it was V8's heap (committed pages, of which used) and memory outside it. */
export interface PeakBreakdown {
  rss: number;
  heapCommitted: number;
  heapUsed: number;
  /** Memory of C++ objects bound to JavaScript (Buffers, ArrayBuffers…), counted in rss but not in the heap. */
  external: number;
  arrayBuffers: number;
}

/** Peak rss and heap used of this process from the last `reset()`. */
export function sampleMemory(): {
  reset(): { rss: number; heapUsed: number };
  peak: { rss: number; heap: number; atRss: PeakBreakdown | null };
};
