/**
 * CODEOWNERS resolution benchmark: `npm run bench:codeowners [-- CORPUS...]` (Node 24).
 *
 * For every corpus in the bench corpus directory (`<name>-CODEOWNERS` + `<name>-paths.txt`; default
 * /work/shared/bench-corpus, or NHI_BENCH_CORPUS), and for each engine
 *   - nhi-steward  parseCodeowners (indexed)
 *   - reference    parseCodeownersReference (linear scan, same answers)
 *   - npm          the `codeowners` package (reads CODEOWNERS from a directory)
 * it starts a fresh Node process (--expose-gc) that parses the file once and resolves the paths one
 * by one, timing each call. It prints a Markdown table of parse time (cold: the first parse in a
 * fresh process, including reading the list of errors), median and p99 µs per path, retained heap
 * and peak RSS growth, then the ratios. nhi-steward runs RUNS times and the median run is shown.
 * The reference stops after BUDGET_MS; npm resolves an even sample of NPM_SAMPLE paths and stops
 * after BUDGET_MS. Nothing is written into the repository (npm's copy of the file goes to a temp dir).
 *
 * Adversarial corpora (`adversarial-*`, generated here, not read from the corpus directory; see
 * ADVERSARIAL) hold the lines of the exponential-matching issue, several `**` and many `*` in one
 * segment, up to GitHub's limits (a 3 MB CODEOWNERS, 4,096-byte paths). They get a second table with
 * the slowest path and the matching work per path (src/core/glob.ts matchWork). npm does not run on
 * them (its matcher backtracks). `-- adversarial` runs only those.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CODEOWNERS_MAX_BYTES, parseCodeowners, parseCodeownersReference, type Codeowners } from "../src/core/codeowners/index.ts";
import { matchWork } from "../src/core/glob.ts";

const CORPUS = process.env.NHI_BENCH_CORPUS ?? fileURLToPath(new URL("../../shared/bench-corpus", import.meta.url));
const ORDER = [
  "DataDog+integrations-extras",
  "esphome+esphome",
  "python+peps",
  "Azure+bicep-registry-modules",
  "synthetic-dt",
  "synthetic-glob",
];
type Engine = "nhi-steward" | "reference" | "npm";
const RUNS = 5;
const BUDGET_MS = 20_000;
const NPM_SAMPLE = 200;
/** Adversarial corpora are resolved again (warm) only when the first pass took less than this. */
const WARM_MS = 2_000;

interface Result {
  engine: Engine;
  corpus: string;
  rules: number;
  paths: number;
  parseMs: number;
  timed: number;
  stopped: boolean;
  medianUs: number;
  p99Us: number;
  maxUs: number;
  /** Adversarial corpora: the slowest path when every path is resolved again (warm: compiled tests, optimised code; best of 3 passes). */
  warmMaxUs: number;
  /** Most matching work (src/core/glob.ts matchWork steps) one path took. */
  maxSteps: number;
  /** Median over the same evenly spaced sample npm resolves. */
  sampleMedianUs: number;
  /** Heap still used after parsing and resolving (after a full GC), and peak RSS growth, from just before parsing. */
  heapMB: number;
  peakRssMB: number;
  /** Hash of every answer (path -> deciding line and owners), for engines that answered every path. */
  digest: string | null;
  /** Owners given for each sampled path (space-separated, "" for none), in sample order. */
  sample: string[];
}

function sampleIndexes(n: number): number[] {
  const k = Math.min(NPM_SAMPLE, n);
  return Array.from({ length: k }, (_, i) => Math.floor((i * n) / k));
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** FNV-1a over the answers. */
function digestOf(answers: string[]): string {
  let h = 0x811c9dc5;
  for (const a of answers) {
    for (let i = 0; i < a.length; i++) h = Math.imul(h ^ a.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 10, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

const segmentsPath = (segments: number, last: string) => `${"a/".repeat(segments)}${last}`;
/** The issue's line: 45 bytes, nine `**`; a segment with 21 `*`; one whose blocks hold `?`; both kinds at once; anchored. */
const ADVERSARIAL_LINES = [
  `${"**/a/".repeat(8)}**/b/`,
  `${"*a".repeat(20)}*b`,
  `${"*?a".repeat(14)}*b`,
  `${`**/${"*a".repeat(6)}*/`.repeat(5)}**/*c/`,
  `/a/${"**/a/".repeat(20)}**/b/**/c`,
  `${"**/a/".repeat(800)}**/b/`,
];
/** Paths of about `bytes` bytes that the lines above almost match. */
function adversarialPaths(bytes: number): string[] {
  const half = Math.floor(bytes / 2);
  const long = Math.max(3, Math.floor(bytes / 68));
  return [
    segmentsPath(half - 1, "b"),
    segmentsPath(half - 2, "b/c"),
    segmentsPath(half - 1, "c"),
    "a".repeat(bytes),
    `${"a".repeat(bytes - 1)}b`,
    "b".repeat(bytes),
    `${"ab".repeat(half - 1)}/c`,
    Array.from({ length: long }, () => "a".repeat(67)).join("/"),
    [...Array.from({ length: long - 2 }, () => "a".repeat(67)), "ac", "d"].join("/"),
    segmentsPath(half - 4, "b/a/c"),
  ];
}
const adversarialPathList = () => [145, 1024, 4096].flatMap(adversarialPaths).filter((p) => p.length <= 4096);

/** Adversarial corpora, generated: a CODEOWNERS text (a catch-all first) and the paths to resolve. */
const ADVERSARIAL: Record<string, () => { text: string; paths: string[] }> = {
  // The lines of the issue (and one of 4 KB), on paths of 145, 1,024 and 4,096 bytes.
  "adversarial-lines": () => ({
    text: ["* @acme/fallback", ...ADVERSARIAL_LINES.map((l, i) => `${l} @acme/t${i}`)].join("\n"),
    paths: adversarialPathList(),
  }),
  // One line as long as GitHub allows a whole file: 629,000 `**/a/`.
  "adversarial-3MB-line": () => ({
    text: `* @acme/fallback\n${"**/a/".repeat(Math.floor(CODEOWNERS_MAX_BYTES / 5) - 10)}**/b/ @acme/t\n`,
    paths: adversarialPathList(),
  }),
  // A whole file (just under 3 MB) of distinct lines of both kinds: every path is tried against every
  // line, so the cost per path is linear in the file, not under a millisecond (see bench/README.md).
  "adversarial-3MB-file": () => {
    const lines = ["* @acme/fallback"];
    let bytes = lines[0]!.length + 1;
    for (let i = 0; ; i++) {
      const line = i % 2 === 0 ? `${"**/a/".repeat(6)}**/x${i}/**/b/ @acme/t` : `**/${"*a".repeat(10)}*x${i}* @acme/t`;
      if (bytes + line.length + 1 >= CODEOWNERS_MAX_BYTES) break;
      lines.push(line);
      bytes += line.length + 1;
    }
    return { text: lines.join("\n"), paths: [segmentsPath(72, "b"), segmentsPath(511, "b"), segmentsPath(2046, "b"), "a".repeat(4096)] };
  },
};

function corpusOf(corpus: string): { text: string; paths: string[] } {
  const make = ADVERSARIAL[corpus];
  if (make) return make();
  const text = readFileSync(join(CORPUS, `${corpus}-CODEOWNERS`), "utf8");
  const paths = readFileSync(join(CORPUS, `${corpus}-paths.txt`), "utf8")
    .split("\n")
    .filter(Boolean);
  return { text, paths };
}

async function child(engine: Engine, corpus: string): Promise<Result> {
  const { text, paths } = corpusOf(corpus);
  const sample = sampleIndexes(paths.length);
  let dir: string | undefined;
  if (engine === "npm") {
    dir = mkdtempSync(join(tmpdir(), "codeowners-bench-"));
    writeFileSync(join(dir, "CODEOWNERS"), text);
  }
  const require = createRequire(import.meta.url);

  gc();
  const base = process.memoryUsage();
  let resolve: (path: string) => string;
  let count = (): number => 0;
  const t0 = performance.now();
  if (engine === "npm") {
    const Npm = require("codeowners") as new (cwd: string) => { getOwner(p: string): string[] };
    const co = new Npm(dir!);
    resolve = (p) => co.getOwner(p).join(" ");
  } else {
    const co: Codeowners = engine === "nhi-steward" ? parseCodeowners(text) : parseCodeownersReference(text);
    void co.errors.length;
    resolve = (p) => {
      const m = co.match(p);
      return m.kind === "owned" ? `${m.rule.line} ${m.owners.join(" ")}` : m.kind === "no-owners" ? `${m.rule.line}` : "-";
    };
    count = () => co.rules.length;
  }
  const parseMs = performance.now() - t0;

  const order = engine === "npm" ? sample : paths.map((_, i) => i);
  const times = new Float64Array(order.length);
  const answers = new Array<string>(paths.length);
  const started = performance.now();
  let timed = 0;
  let maxSteps = 0;
  for (const i of order) {
    const p = paths[i]!;
    const steps = matchWork.steps;
    const s = process.hrtime.bigint();
    const a = resolve(p);
    times[timed++] = Number(process.hrtime.bigint() - s) / 1000;
    maxSteps = Math.max(maxSteps, matchWork.steps - steps);
    answers[i] = a;
    if (((timed & 63) === 0 || ADVERSARIAL[corpus]) && engine !== "nhi-steward" && performance.now() - started > BUDGET_MS) break;
  }
  const stopped = timed < order.length;
  let warmMaxUs = NaN;
  if (ADVERSARIAL[corpus] && !stopped && performance.now() - started < WARM_MS) {
    // Three more passes; the slowest path of the best pass.
    for (let pass = 0; pass < 3; pass++) {
      let max = 0;
      for (const p of paths) {
        const s = process.hrtime.bigint();
        resolve(p);
        max = Math.max(max, Number(process.hrtime.bigint() - s) / 1000);
      }
      warmMaxUs = pass === 0 ? max : Math.min(warmMaxUs, max);
    }
  }
  const sampleTimes = Float64Array.from(sample.filter((i) => answers[i] !== undefined).map((i) => times[order.indexOf(i)]!));
  const all = times.slice(0, timed).sort();
  sampleTimes.sort();
  const digest = stopped || engine === "npm" ? null : digestOf(answers);
  const sampled = sample.map((i) => {
    const a = answers[i];
    if (a === undefined) return "?";
    return engine === "npm" ? a : a === "-" ? "" : a.replace(/^[0-9]+ ?/, "");
  });
  answers.length = 0;

  // Memory still held by the engine after parsing and resolving every path.
  gc();
  const after = process.memoryUsage();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  void resolve(paths[0]!); // keeps the engine alive up to the measurement
  const rules = count();
  if (dir) rmSync(dir, { recursive: true, force: true });
  return {
    engine,
    corpus,
    rules,
    paths: paths.length,
    parseMs,
    timed,
    stopped,
    medianUs: quantile(all, 0.5),
    p99Us: quantile(all, 0.99),
    maxUs: all.length > 0 ? all[all.length - 1]! : NaN,
    warmMaxUs,
    maxSteps,
    sampleMedianUs: quantile(sampleTimes, 0.5),
    heapMB: (after.heapUsed - base.heapUsed) / 2 ** 20,
    peakRssMB: (peakRss - base.rss) / 2 ** 20,
    digest,
    sample: sampled,
  };
}

const execFileAsync = promisify(execFile);

async function runChild(engine: Engine, corpus: string): Promise<Result> {
  const { stdout } = await execFileAsync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", engine, corpus], {
    maxBuffer: 1 << 26,
  });
  return JSON.parse(stdout) as Result;
}

function medianRun(runs: Result[]): Result {
  const sorted = [...runs].sort((a, b) => a.medianUs - b.medianUs);
  const mid = sorted[Math.floor(sorted.length / 2)]!;
  // Parse time: median of the runs too (it is the noisiest figure on a shared machine).
  const parse = runs.map((r) => r.parseMs).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
  return { ...mid, parseMs: parse };
}

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) {
    console.error(`No bench corpus at ${CORPUS}; set NHI_BENCH_CORPUS.`);
    process.exitCode = 1;
    return;
  }
  const present = readdirSync(CORPUS)
    .filter((n) => n.endsWith("-CODEOWNERS"))
    .map((n) => n.slice(0, -"-CODEOWNERS".length));
  const only = process.argv.slice(2);
  const adversarialOnly = only.length === 1 && only[0] === "adversarial";
  const corpora = adversarialOnly
    ? []
    : [...ORDER.filter((c) => present.includes(c)), ...present.filter((c) => !ORDER.includes(c)).sort()].filter(
        (c) => only.length === 0 || only.includes(c),
      );
  const adversarial = Object.keys(ADVERSARIAL).filter((c) => only.length === 0 || adversarialOnly || only.includes(c));
  const cpu = cpus();
  console.log(`# CODEOWNERS benchmark\n`);
  console.log(
    `node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}. Corpus: ${CORPUS}.`,
  );
  console.log(
    `Each engine runs in a fresh process; nhi-steward ${RUNS} times (median run shown). Parse = first parse in the process, cold, including reading the list of errors. ` +
      `µs per path: one timed call each (includes ~0.05 µs of timer overhead). The reference stops after ${BUDGET_MS / 1000} s; ` +
      `npm resolves an even sample of ${NPM_SAMPLE} paths per corpus and stops after ${BUDGET_MS / 1000} s.\n`,
  );

  const rows: string[] = [];
  const ratios: string[] = [];
  for (const corpus of corpora) {
    const runs: Result[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runChild("nhi-steward", corpus));
    const ours = medianRun(runs);
    const ref = await runChild("reference", corpus);
    const npm = await runChild("npm", corpus);
    for (const r of [ours, ref, npm]) {
      const timed = r.stopped
        ? `${r.timed} of ${r.engine === "npm" ? Math.min(NPM_SAMPLE, r.paths) : r.paths} (stopped at ${BUDGET_MS / 1000} s)`
        : r.engine === "npm"
          ? `${r.timed} (sample)`
          : `${r.timed}`;
      rows.push(
        `| ${corpus} | ${r.engine} | ${ours.rules} | ${f(r.parseMs, 1)} | ${f(r.medianUs)} | ${f(r.p99Us)} | ${timed} | ${f(r.heapMB, 1)} | ${f(r.peakRssMB, 1)} |`,
      );
    }
    const agreeNpm = npm.sample.filter((a, i) => a !== "?" && a === ours.sample[i]).length;
    const comparedNpm = npm.sample.filter((a) => a !== "?").length;
    const sameAsRef = ref.digest === null ? "n/a (stopped)" : ref.digest === ours.digest ? "yes, every path" : "**NO**";
    ratios.push(
      `| ${corpus} | ${f(ours.medianUs / ref.medianUs, 4)} (${f(ref.medianUs / ours.medianUs, 0)}× faster) | ${f(ours.sampleMedianUs / npm.sampleMedianUs, 5)} (${f(npm.sampleMedianUs / ours.sampleMedianUs, 0)}× faster) | ${sameAsRef} | ${agreeNpm}/${comparedNpm} |`,
    );
  }
  if (corpora.length > 0) printTables(rows, ratios);
  if (adversarial.length > 0) await adversarialTables(adversarial);
}

function printTables(rows: string[], ratios: string[]): void {
  console.log("| corpus | engine | rules | parse ms | median µs/path | p99 µs/path | paths timed | heap Δ MB | peak RSS Δ MB |");
  console.log("|---|---|---:|---:|---:|---:|---|---:|---:|");
  for (const r of rows) console.log(r);
  console.log(
    "\n| corpus | ours/reference (median µs) | ours/npm (median µs, same sample) | same answers as reference | npm gives our owners (sample) |",
  );
  console.log("|---|---|---|---|---|");
  for (const r of ratios) console.log(r);
}

async function adversarialTables(adversarial: string[]): Promise<void> {
  const adv: string[] = [];
  for (const corpus of adversarial) {
    const { text, paths } = ADVERSARIAL[corpus]!();
    const longestLine = text.split("\n").reduce((m, l) => Math.max(m, l.length), 0);
    const longestPath = paths.reduce((m, p) => Math.max(m, p.length), 0);
    const runs: Result[] = [];
    for (let i = 0; i < RUNS; i++) runs.push(await runChild("nhi-steward", corpus));
    const ours = medianRun(runs);
    const ref = await runChild("reference", corpus);
    for (const r of [ours, ref]) {
      const timed = r.stopped ? `${r.timed} of ${r.paths} (stopped at ${BUDGET_MS / 1000} s)` : `${r.timed}`;
      const same = r === ref ? (ref.digest === null ? "n/a (stopped)" : ref.digest === ours.digest ? "yes" : "**NO**") : "";
      adv.push(
        `| ${corpus} | ${r.engine} | ${ours.rules} | ${longestLine} | ${longestPath} | ${f(r.parseMs, 1)} | ${f(r.medianUs)} | ${f(r.maxUs)} | ${f(r.warmMaxUs)} | ${r.maxSteps} | ${timed} | ${same} |`,
      );
    }
  }
  console.log("\n## Adversarial lines (generated; see ADVERSARIAL in the script)\n");
  console.log(
    "Cold: the first resolution of each path in a fresh process (the first one also compiles the lines' tests). Warm: the same paths resolved again (the slowest path of the best of 3 more passes).\n",
  );
  console.log(
    "| corpus | engine | rules | longest line B | longest path B | parse ms | median µs/path | max µs/path (cold) | max µs/path (warm) | max steps/path | paths timed | same answers as nhi-steward |",
  );
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
  for (const r of adv) console.log(r);
}

if (process.argv[2] === "--child") {
  const result = await child(process.argv[3] as Engine, process.argv[4]!);
  process.stdout.write(JSON.stringify(result));
} else {
  await main();
}
