import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface ActionRun {
  code: number;
  /** Everything the step printed (stdout and stderr). */
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
}

/**
 * Runs dist/index.js the way a runner does; resolves with its outputs and job summary. `event` and
 * `payload` are the workflow's trigger (GITHUB_EVENT_NAME and the file GITHUB_EVENT_PATH names);
 * `now` sets the Action's clock (NHI_STEWARD_NOW), for a sandbox whose clock a test moves.
 */
export async function runActionBundle(options: {
  apiUrl: string;
  repository: string;
  inputs: Record<string, string>;
  event?: string;
  payload?: unknown;
  now?: Date;
  bundle?: string;
}): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), "nhi-action-"));
  const eventPath = join(dir, "event.json");
  const outputPath = join(dir, "output");
  const summaryPath = join(dir, "summary.md");
  writeFileSync(eventPath, JSON.stringify(options.payload ?? {}));
  writeFileSync(outputPath, "");
  writeFileSync(summaryPath, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: options.event ?? "schedule",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    RUNNER_TEMP: dir,
    ...(options.now ? { NHI_STEWARD_NOW: options.now.toISOString() } : {}),
  };
  // The sandbox's installation tokens act as its app, nhi-steward; a test may say otherwise.
  for (const [k, v] of Object.entries({ "app-slug": "nhi-steward", ...options.inputs })) env[`INPUT_${k.toUpperCase()}`] = v;
  const child = spawn(process.execPath, [options.bundle ?? join(ROOT, "dist/index.js")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)));
  return { code, stdout, outputs: parseOutputs(readFileSync(outputPath, "utf8")), summary: readFileSync(summaryPath, "utf8") };
}

/** Reads a GITHUB_OUTPUT file (`name<<DELIM … DELIM` blocks). */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}
