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
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseCodeowners, parseCodeownersReference, type Codeowners } from "../src/core/codeowners/index.ts";

const CORPUS = process.env.NHI_BENCH_CORPUS ?? fileURLToPath(new URL("../../shared/bench-corpus", import.meta.url));
const ORDER = ["DataDog+integrations-extras", "esphome+esphome", "python+peps", "Azure+bicep-registry-modules", "synthetic-dt", "synthetic-glob"];
type Engine = "nhi-steward" | "reference" | "npm";
const RUNS = 5;
const BUDGET_MS = 20_000;
const NPM_SAMPLE = 200;

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

async function child(engine: Engine, corpus: string): Promise<Result> {
  const text = readFileSync(join(CORPUS, `${corpus}-CODEOWNERS`), "utf8");
  const paths = readFileSync(join(CORPUS, `${corpus}-paths.txt`), "utf8").split("\n").filter(Boolean);
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
  for (const i of order) {
    const p = paths[i]!;
    const s = process.hrtime.bigint();
    const a = resolve(p);
    times[timed++] = Number(process.hrtime.bigint() - s) / 1000;
    answers[i] = a;
    if ((timed & 63) === 0 && engine !== "nhi-steward" && performance.now() - started > BUDGET_MS) break;
  }
  const stopped = timed < order.length;
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
  const present = readdirSync(CORPUS).filter((n) => n.endsWith("-CODEOWNERS")).map((n) => n.slice(0, -"-CODEOWNERS".length));
  const only = process.argv.slice(2);
  const corpora = [...ORDER.filter((c) => present.includes(c)), ...present.filter((c) => !ORDER.includes(c)).sort()].filter((c) => only.length === 0 || only.includes(c));
  const cpu = cpus();
  console.log(`# CODEOWNERS benchmark\n`);
  console.log(`node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}. Corpus: ${CORPUS}.`);
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
      const timed = r.stopped ? `${r.timed} of ${r.engine === "npm" ? Math.min(NPM_SAMPLE, r.paths) : r.paths} (stopped at ${BUDGET_MS / 1000} s)` : r.engine === "npm" ? `${r.timed} (sample)` : `${r.timed}`;
      rows.push(`| ${corpus} | ${r.engine} | ${ours.rules} | ${f(r.parseMs, 1)} | ${f(r.medianUs)} | ${f(r.p99Us)} | ${timed} | ${f(r.heapMB, 1)} | ${f(r.peakRssMB, 1)} |`);
    }
    const agreeNpm = npm.sample.filter((a, i) => a !== "?" && a === ours.sample[i]).length;
    const comparedNpm = npm.sample.filter((a) => a !== "?").length;
    const sameAsRef = ref.digest === null ? "n/a (stopped)" : ref.digest === ours.digest ? "yes, every path" : "**NO**";
    ratios.push(
      `| ${corpus} | ${f(ours.medianUs / ref.medianUs, 4)} (${f(ref.medianUs / ours.medianUs, 0)}× faster) | ${f(ours.sampleMedianUs / npm.sampleMedianUs, 5)} (${f(npm.sampleMedianUs / ours.sampleMedianUs, 0)}× faster) | ${sameAsRef} | ${agreeNpm}/${comparedNpm} |`,
    );
  }
  console.log("| corpus | engine | rules | parse ms | median µs/path | p99 µs/path | paths timed | heap Δ MB | peak RSS Δ MB |");
  console.log("|---|---|---:|---:|---:|---:|---|---:|---:|");
  for (const r of rows) console.log(r);
  console.log("\n| corpus | ours/reference (median µs) | ours/npm (median µs, same sample) | same answers as reference | npm gives our owners (sample) |");
  console.log("|---|---|---|---|---|");
  for (const r of ratios) console.log(r);
}

if (process.argv[2] === "--child") {
  const result = await child(process.argv[3] as Engine, process.argv[4]!);
  process.stdout.write(JSON.stringify(result));
} else {
  await main();
}
