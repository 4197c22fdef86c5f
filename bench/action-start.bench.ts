/**
 * Action start-up benchmark: `npm run bench:action [-- --runs 30]` (Node 24).
 *
 * How long the bundled Action (dist/index.js) takes to start, decide there is nothing to do and exit,
 * on an event it ignores (`push`): the cost every workflow run pays before anything useful. Each run
 * is a fresh `node` child process with a runner's environment (inputs, GITHUB_OUTPUT…), timed from
 * spawn to exit. Rows, interleaved run by run so that the machine's noise falls on all of them alike:
 *
 *   floor: node -e ""          Node's own start-up, nothing loaded
 *   dist/index.js (in the tree)  the bundle as committed, as a runner runs it
 *   fresh build                scripts/build.mjs's options now, built into a temporary directory
 *   before                     the same sources bundled as before (unminified, undici and zod's locales in)
 *   prototype                  the fresh build with the no-op decided before main.ts is imported
 *   baseline (--baseline DIR)  another bundle, e.g. the last commit's dist/, for before/after in one run
 *
 * Also the bytes of each bundle (index.js and its chunks/). Nothing is written to the repository.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build, type BuildOptions } from "esbuild";
// @ts-expect-error - plain JavaScript build script
import { actionBuildOptions } from "../scripts/build.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Bytes of a bundle: its index.js and the chunks it may import (`chunks/`). */
function bundleBytes(dir: string): number {
  const chunks = join(dir, "chunks");
  const extra = existsSync(chunks) ? readdirSync(chunks).reduce((sum, f) => sum + statSync(join(chunks, f)).size, 0) : 0;
  return statSync(join(dir, "index.js")).size + extra;
}

/**
 * What src/action/ would be with lazy imports (written for this benchmark, not shipped): the no-op
 * decided from the inputs and the event alone, everything else behind `await import("./main.ts")`.
 * It shows what dist/ gains when main.ts imports its heavy modules only on the paths that use them.
 */
const LAZY_PROTOTYPE = (src: string) => `
import * as core from "@actions/core";
import { readInputs } from ${JSON.stringify(join(src, "action/inputs.ts"))};
const inputs = readInputs((name) => core.getInput(name));
const event = process.env.GITHUB_EVENT_NAME ?? "";
if (!inputs.findings && !inputs.alert && !["schedule", "workflow_dispatch", "repository_dispatch"].includes(event)) {
  core.setSecret(inputs.token);
  core.info(\`nhi-steward sweeps on schedule and workflow_dispatch; the \${event} event has nothing for it to do.\`);
  core.setOutput("opened", 0);
  core.setOutput("updated", 0);
  core.setOutput("plan", JSON.stringify({ dryRun: inputs["dry-run"], changes: [] }));
} else {
  const { run } = await import(${JSON.stringify(join(src, "action/main.ts"))});
  await run();
}
`;

interface Variant {
  name: string;
  args: string[];
  bytes: number | null;
}

/** A runner's environment for a `push` event, which the Action ignores (it sweeps on schedule and workflow_dispatch). */
function noOpEnv(dir: string): NodeJS.ProcessEnv {
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify({ ref: "refs/heads/main" }));
  return {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "push",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: "http://127.0.0.1:9", // never called
    GITHUB_REPOSITORY: "acme/api",
    GITHUB_OUTPUT: join(dir, "output"),
    GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    RUNNER_TEMP: dir,
    INPUT_TOKEN: "ghs_not_a_real_token",
    "INPUT_APP-SLUG": "nhi-steward",
  };
}

function timeOnce(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number; out: string }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => resolve({ ms: performance.now() - started, code: code ?? 1, out }));
  });
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
const kb = (bytes: number | null) => (bytes === null ? "–" : `${(bytes / 1024).toFixed(0)} KB`);

async function main(): Promise<void> {
  // --baseline DIR: also time another bundle (DIR/index.js and its chunks/), e.g. the last commit's
  // dist/ (`git show HEAD:dist/index.js > DIR/index.js`), for a before/after from the same run.
  const { values } = parseArgs({ options: { runs: { type: "string", default: "30" }, baseline: { type: "string" } } });
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), "nhi-action-start-"));
  const env = noOpEnv(dir);

  const fresh = join(dir, "fresh");
  const before = join(dir, "before");
  const lazy = join(dir, "lazy");
  const options = actionBuildOptions(fresh) as BuildOptions;
  await build(options);
  // As scripts/build.mjs bundled until 2026-12-04: not minified, nothing left out.
  await build({ ...options, outdir: before, minify: false, plugins: [] });
  writeFileSync(join(dir, "lazy-entry.ts"), LAZY_PROTOTYPE(join(ROOT, "src")));
  await build({ ...options, outdir: lazy, entryPoints: { index: join(dir, "lazy-entry.ts") }, nodePaths: [join(ROOT, "node_modules")] });
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }'); // as the repository's: no format detection
  const empty = join(dir, "empty.mjs");
  writeFileSync(empty, "");

  const committed = join(ROOT, "dist/index.js");
  const variants: Variant[] = [
    { name: 'floor: `node -e ""`', args: ["-e", ""], bytes: null },
    { name: "floor: an empty ES module", args: [empty], bytes: 0 },
    { name: "dist/index.js (in the tree)", args: [committed], bytes: bundleBytes(join(ROOT, "dist")) },
    { name: "fresh build (scripts/build.mjs)", args: [join(fresh, "index.js")], bytes: bundleBytes(fresh) },
    { name: "before: unminified, undici and zod locales in", args: [join(before, "index.js")], bytes: bundleBytes(before) },
    { name: "prototype: main.ts behind `await import()`", args: [join(lazy, "index.js")], bytes: bundleBytes(lazy) },
    ...(values.baseline
      ? [{ name: `baseline: ${values.baseline}`, args: [join(values.baseline, "index.js")], bytes: bundleBytes(values.baseline) }]
      : []),
  ];

  // Each bundle must really take the no-op path (and say so), or its time means nothing.
  for (const v of variants.slice(2)) {
    writeFileSync(env.GITHUB_OUTPUT!, "");
    const r = await timeOnce(v.args, env);
    const output = readFileSync(env.GITHUB_OUTPUT!, "utf8");
    if (r.code !== 0 || !/nothing for it to do/.test(r.out) || !/^opened<</m.test(output))
      throw new Error(`${v.name}: not a clean no-op (exit ${r.code}):\n${r.out}`);
  }

  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < 3; i++) for (const v of variants) await timeOnce(v.args, env); // warm the page cache
  for (let i = 0; i < runs; i++) {
    for (const v of variants) times.get(v.name)!.push((await timeOnce(v.args, env)).ms);
  }

  const cpu = cpus();
  console.log("# Action start-up benchmark\n");
  console.log(`node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}.`);
  console.log(`The Action on a \`push\` event (nothing to do), ${runs} runs of each, interleaved; ms from spawn to exit.\n`);
  console.log("| what runs | bytes | p50 ms | p10 ms | p90 ms | p50 − floor ms |");
  console.log("|---|---:|---:|---:|---:|---:|");
  const floor = quantile(times.get(variants[0]!.name)!, 0.5);
  for (const v of variants) {
    const t = times.get(v.name)!;
    console.log(
      `| ${v.name} | ${kb(v.bytes)} | ${quantile(t, 0.5).toFixed(1)} | ${quantile(t, 0.1).toFixed(1)} | ${quantile(t, 0.9).toFixed(1)} | ${(quantile(t, 0.5) - floor).toFixed(1)} |`,
    );
  }
  const ours = quantile(times.get(variants[2]!.name)!, 0.5);
  console.log(
    `\nBytes: index.js and chunks/ (read only when imported). Targets: bundle < 1 MB: ${kb(variants[2]!.bytes)} (${variants[2]!.bytes! < 1_000_000 ? "met" : "not met"}); start-up to a no-op < 100 ms: ${ours.toFixed(1)} ms (${ours < 100 ? "met" : "not met"}).`,
  );
}

await main();
