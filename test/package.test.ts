// The npm package works where users run it: `npm pack` (its prepack builds lib/), `npm install` of
// the tarball in an empty folder, then the installed bin on Node 24, the way `npx nhi-steward` starts
// it. No test reaches the internet: the dependencies come `--offline` from npm's cache, which the
// `npm ci` before the tests (.ci/run, README's set-up) has filled with every locked package.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** The vitest worker's own Node: the repository's Node 24 (node_modules/.bin/node). */
const NODE_DIR = dirname(process.execPath);
const INSTALL_TIMEOUT_MS = 120_000;

/**
 * The environment for npm and the installed bin: Node 24 first on PATH (npm's and the bin's
 * `#!/usr/bin/env node`), and none of the npm_* settings an enclosing `npm test` exports, but the
 * ones that say how to reach the registry.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(registry|cache|userconfig|(https?_|no)?proxy|strict_ssl|cafile|ca)$/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = [NODE_DIR, process.env.PATH ?? ""].join(delimiter);
  env.NO_COLOR = "1";
  env.npm_config_update_notifier = "false";
  return env;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], cwd: string, timeout = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: childEnv(), timeout, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      const why =
        error === null ? "" : error.killed ? `\n(killed after ${timeout} ms)` : typeof error.code === "number" ? "" : `\n${error.message}`;
      resolve({ code, stdout, stderr: stderr + why });
    });
  });
}

const npm = (args: string[], cwd: string, timeout?: number) => run("npm", args, cwd, timeout);

let work: string;
let app: string;
let bin: string;

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "nhi-steward-package-")));
  const packed = await npm(["pack", "--pack-destination", work, "--json"], ROOT, 60_000);
  expect(packed.code, `npm pack failed:\n${packed.stderr}`).toBe(0);
  const [tarball] = JSON.parse(packed.stdout) as { filename: string }[];

  app = join(work, "app");
  mkdirSync(app);
  // Its own package.json: npm installs here, not in a folder above.
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "nhi-steward-install-check", private: true }));
  const installed = await npm(
    ["install", join(work, tarball!.filename), "--omit=dev", "--no-audit", "--no-fund", "--offline", "--no-save", "--loglevel=error"],
    app,
    INSTALL_TIMEOUT_MS,
  );
  if (installed.code !== 0) {
    const uncached = /ENOTCACHED/.test(installed.stderr);
    throw new Error(
      `${uncached ? "a dependency of the package is not in npm's cache: run `npm ci` first (it fills the cache; this test never reaches the registry): " : "npm install of the packed tarball failed: "}exit ${installed.code}\n${installed.stderr.slice(-3000)}`,
    );
  }
  bin = join(app, "node_modules", ".bin", "nhi-steward");
}, INSTALL_TIMEOUT_MS + 90_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("ships the compiled CLI and no sources, tests or Action bundle", async () => {
    const dry = await npm(["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT);
    expect(dry.code, dry.stderr).toBe(0);
    const [info] = JSON.parse(dry.stdout) as { files: { path: string }[]; unpackedSize: number }[];
    const paths = info!.files.map((f) => f.path);
    expect(paths).toContain("bin/nhi-steward.js");
    expect(paths).toContain("lib/cli.js");
    expect(paths).toContain("package.json");
    expect(paths).toContain("README.md");
    expect(paths.filter((p) => !/^(bin\/nhi-steward\.js|lib\/.+\.js|package\.json|README\.md|LICENSE)$/.test(p))).toEqual([]);
    // The CLI and README are some 600 KB; a megabyte means something else got in.
    expect(info!.unpackedSize).toBeLessThan(1_000_000);
  });

  it("nhi-steward --help runs from the installed package", async () => {
    const r = await run(bin, ["--help"], app);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: nhi-steward <command> [options]");
    expect(r.stdout).toMatch(/^\s+owners\s/m);
  });

  it("nhi-steward owners resolves paths against a CODEOWNERS file, offline", async () => {
    writeFileSync(
      join(app, "CODEOWNERS"),
      ["# Default owners", "* @acme/platform", "/src/payments/ @acme/payments", "*.md docs@example.com", "/vendor/"].join("\n") + "\n",
    );
    const args = ["owners", "--codeowners", "CODEOWNERS", "--json", "src/payments/charge.ts", "README.md", "src/app.ts", "vendor/x.js"];
    const r = await run(bin, args, app);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      "src/payments/charge.ts": { owners: ["@acme/payments"], line: 3 },
      "README.md": { owners: ["docs@example.com"], line: 4 },
      "src/app.ts": { owners: ["@acme/platform"], line: 2 },
      "vendor/x.js": { owners: [], line: 5 },
    });

    const text = await run(bin, ["owners", "--codeowners", "CODEOWNERS", "src/payments/charge.ts"], app);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("@acme/payments");
  });

  it("runs the compiled code on Node 24, not the sources", async () => {
    expect(process.versions.node.split(".")[0]).toBe("24");
    const version = await run(join(NODE_DIR, "node"), ["--version"], app);
    expect(version.stdout).toMatch(/^v24\./);
    // simulate is left out of the package (scripts/build-package.mjs): the stub answers.
    const r = await run(bin, ["simulate"], app);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("simulate runs from a clone");
  });
});
