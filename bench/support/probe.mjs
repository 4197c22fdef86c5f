// Loaded into the App's process by bench/burst.bench.ts with `node --import` before the App's entry point
// (the production bundle, or src/app/server.ts), so that the App itself runs unchanged. It answers the
// benchmark over the IPC channel the benchmark opened, and touches nothing of the App's:
//
// - GitHub time: every request Node's fetch (undici) sends to NHI_BENCH_GITHUB, from undici creating it
//   (`undici:request:create`) to the last byte of its response (`undici:request:trailers`) or its error,
//   read from diagnostics channels (no wrapper around fetch, no copy of any body). Times are
//   `process.hrtime` (CLOCK_MONOTONIC, shared by every process of the machine), so the benchmark can
//   assign each request to the delivery during which it ran.
// - Memory: heap used every 10 ms, rss every 100 ms, and what the rss was made of at its peak.
// - CPU: `process.cpuUsage()` of this process between `mark` and `end`.
// - GC pauses: perf_hooks' `gc` entries (start, end, major or not), on the same monotonic clock.
// - With NHI_BENCH_ALLOC_PROFILE=FILE: V8's sampling heap profile of everything allocated between `mark`
//   and `end`, garbage included (what the GC has to clear), written to FILE (`.heapprofile`, for DevTools).
//
// Plain JavaScript, so that loading it costs the production run no type stripping.
import { subscribe } from "node:diagnostics_channel";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { sampleMemory } from "./memory-sampler.mjs";

const target = process.env.NHI_BENCH_GITHUB ?? "";
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Per request to GitHub: when it started and ended (ms, monotonic). */
const starts = [];
const ends = [];
const open = new WeakMap();
subscribe("undici:request:create", ({ request }) => {
  if (request.origin === target) open.set(request, nowMs());
});
const finish = ({ request }) => {
  const started = open.get(request);
  if (started === undefined) return;
  open.delete(request);
  starts.push(started);
  ends.push(nowMs());
};
subscribe("undici:request:trailers", finish);
subscribe("undici:request:error", finish);

// GC pauses (perf_hooks' `gc` entries: the time the App's JavaScript stood still), on the same clock as the
// requests: performance.now() and hrtime are both monotonic, one offset apart.
const perfOffset = nowMs() - performance.now();
const gcStarts = [];
const gcEnds = [];
const gcMajor = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcStarts.push(perfOffset + e.startTime);
    gcEnds.push(perfOffset + e.startTime + e.duration);
    gcMajor.push(e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
  }
}).observe({ entryTypes: ["gc"] });

const memory = sampleMemory();
const peak = memory.peak;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
let cpu = process.cpuUsage();

const allocProfile = process.env.NHI_BENCH_ALLOC_PROFILE;
let session;
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
if (allocProfile) {
  const { Session } = await import("node:inspector");
  session = new Session();
  session.connect();
}

process.on("message", (message) => {
  if (message?.probe === "mark") {
    // Before the burst: a full GC, then the figures start.
    gc();
    const m = memory.reset();
    starts.length = 0;
    ends.length = 0;
    gcStarts.length = 0;
    gcEnds.length = 0;
    gcMajor.length = 0;
    cpu = process.cpuUsage();
    const sampling = session
      ? post("HeapProfiler.startSampling", {
          samplingInterval: 16384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        })
      : Promise.resolve();
    void sampling.then(() => process.send({ probe: "mark", rss: m.rss, heapUsed: m.heapUsed }));
  } else if (message?.probe === "end") {
    const used = process.cpuUsage(cpu);
    const result = { probe: "end", cpuMs: (used.user + used.system) / 1000, peakRss: peak.rss, peakHeap: peak.heap, atPeak: peak.atRss };
    const written = session
      ? post("HeapProfiler.stopSampling").then(async ({ profile }) => {
          const { mkdirSync, writeFileSync } = await import("node:fs");
          const { dirname } = await import("node:path");
          mkdirSync(dirname(allocProfile), { recursive: true });
          writeFileSync(allocProfile, JSON.stringify(profile));
        })
      : Promise.resolve();
    void written.then(() => {
      // What the App still holds after the burst.
      gc();
      process.send({
        ...result,
        retainedHeap: process.memoryUsage().heapUsed,
        starts,
        ends,
        gc: { starts: gcStarts, ends: gcEnds, major: gcMajor },
      });
    });
  }
});
// The IPC channel must not keep the App alive once it wants to exit.
process.channel?.unref();
