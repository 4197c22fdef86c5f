/**
 * `npm start` benchmark: `npm run bench:simulate [-- --runs 5]` (Node 24).
 *
 * Wall and CPU time of `nhi-steward simulate` (what `npm start` runs: the whole demo against the
 * sandbox, the app's webhooks and the bundled Action as a child process), each run a fresh process,
 * against baselines measured in the same run, interleaved run by run:
 *
 *   floor: node -e ""            Node's own start-up
 *   floor: nhi-steward --help    Node plus loading the CLI's modules from TypeScript (type stripping)
 *   simulate                     the demo
 *
 * CPU is user + system of the process and the children it waited for (the Action), from time(1)
 * (`/usr/bin/time`). Nothing is written to the repository.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin/nhi-steward.js");
/** GNU time; without it the CPU columns are empty. */
const TIME = "/usr/bin/time";

/** Wall time from spawn to exit, and CPU (user + system) of the process and everything it waited for. */
function run(args: string[]): Promise<{ wallMs: number; cpuMs: number; code: number; out: string }> {
  // time(1) reports the CPU of the process and of the children it waited for (the bundled Action).
  return new Promise((resolve) => {
    const started = performance.now();
    const [command, argv] = existsSync(TIME) ? [TIME, ["-f", "\n__cpu %U %S", process.execPath, ...args]] : [process.execPath, args];
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"], cwd: ROOT });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const m = /__cpu ([\d.]+) ([\d.]+)\s*$/.exec(out);
      resolve({ wallMs, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN, code: code ?? 1, out });
    });
  });
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  const variants = [
    { name: 'floor: `node -e ""`', args: ["-e", ""] },
    { name: "floor: `nhi-steward --help` (loads the CLI)", args: [BIN, "--help"] },
    { name: "`nhi-steward simulate` (`npm start`)", args: [BIN, "simulate"] },
  ];
  const first = await run(variants[2]!.args);
  // The demo must have run to its end (and found no planted secret anywhere), or its time means nothing.
  if (first.code !== 0 || !/0 of 5\./.test(first.out))
    throw new Error(`simulate did not finish cleanly (exit ${first.code}):\n${first.out}`);

  const results = new Map(variants.map((v) => [v.name, { wall: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const r = await run(v.args);
      results.get(v.name)!.wall.push(r.wallMs);
      results.get(v.name)!.cpu.push(r.cpuMs);
    }
  }
  const cpu = cpus();
  console.log("# `npm start` benchmark\n");
  console.log(`node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}.`);
  console.log(`${runs} runs of each, interleaved; wall ms from spawn to exit, CPU ms (user + system, children included, from time(1)).\n`);
  console.log("| what runs | wall p50 | wall min | wall max | CPU p50 | wall − CPU p50 (waiting) |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const v of variants) {
    const r = results.get(v.name)!;
    const waits = r.wall.map((w, i) => w - r.cpu[i]!);
    console.log(
      `| ${v.name} | ${quantile(r.wall, 0.5).toFixed(0)} | ${Math.min(...r.wall).toFixed(0)} | ${Math.max(...r.wall).toFixed(0)} | ${quantile(r.cpu, 0.5).toFixed(0)} | ${quantile(waits, 0.5).toFixed(0)} |`,
    );
  }
  const sim = quantile(results.get(variants[2]!.name)!.wall, 0.5);
  console.log(`\nTarget: \`npm start\` < 3 s wall: ${(sim / 1000).toFixed(2)} s (${sim < 3000 ? "met" : "not met"}).`);
}

await main();
