/**
 * How production runs the App, in one place. The Dockerfile's runtime stage runs
 * `node ${NODE_FLAGS} ${APP_BUNDLE}` with {@link ENV} (test/app/container.test.ts checks that it agrees);
 * scripts/smoke-app.ts, test/app/production-server.test.ts and bench/burst.bench.ts start the same bundle
 * with the same flags and environment ({@link productionCommand}).
 *
 * Why these (measured in bench/README.md, "Burst"): the App's heap after a burst is ~40 MB, but with
 * Node's defaults its resident memory grows to ~470 MB during 1,000 deliveries, of V8 pages holding
 * garbage between major GCs and memory glibc's allocator keeps after it was freed.
 * - `--max-semi-space-size=4`: a young generation of at most 2 × 4 MB (Node's default grows to 2 × 16 MB
 *   and more): short-lived allocations (response bodies, JSON) are collected sooner, in shorter pauses.
 * - `--initial-old-space-size=24`: V8 starts the old generation small and grows it from what survives,
 *   instead of letting it fill up before the first major GC. Not a limit: an interval sweep of 10,000
 *   issues still gets the 200+ MB it needs.
 * - `--heap-growing-percent=100`: after a major GC, the old generation may grow to twice what survived
 *   before the next one (V8 picks up to 4× on its own, and the burst's peak rss then varied from 159 to
 *   210 MB): 143–148 MB, with the fewest major GCs of the settings traced. `--memory-saver-mode` held it to
 *   116–128 MB but cost ~25 % more CPU per delivery, and an interval sweep of 10,000 issues 3× the CPU
 *   (bench/README.md, "Production runtime").
 * `--initial-old-space-size` is not allowed in NODE_OPTIONS, so the flags go on the command line.
 */
export const APP_BUNDLE = "build/app/server.mjs";

export const NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--initial-old-space-size=24", "--heap-growing-percent=100"];

export const ENV: Readonly<Record<string, string>> = {
  NODE_ENV: "production",
  MALLOC_ARENA_MAX: "1",
  MALLOC_TRIM_THRESHOLD_: "131072",
};

/** The arguments after `node` that run `bundle` as production does. */
export function productionCommand(bundle: string = APP_BUNDLE): string[] {
  return [...NODE_FLAGS, bundle];
}
