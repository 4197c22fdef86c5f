// The npm package works where users run it: `npm pack` (its prepack builds lib/), `npm install` of
// the tarball in an empty folder, then the installed bin on Node 24, the way `npx nhi-steward` starts
// it. The package has no dependencies (scripts/build-package.mjs bundles them into lib/), so the
// install is `--offline` and nothing else comes with it; no test reaches the internet.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error - plain JavaScript build script
import { checkImports, packageBuildOptions } from "../scripts/build-package.mjs";

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
      `${uncached ? "the package has a dependency, which is not in npm's cache (this test never reaches the registry): the package should have none; " : "npm install of the packed tarball failed: "}exit ${installed.code}\n${installed.stderr.slice(-3000)}`,
    );
  }
  bin = join(app, "node_modules", ".bin", "nhi-steward");
}, INSTALL_TIMEOUT_MS + 90_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("ships the compiled CLI, its license and the bundled libraries' notices, and no sources, tests or Action bundle", async () => {
    const dry = await npm(["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT);
    expect(dry.code, dry.stderr).toBe(0);
    const [info] = JSON.parse(dry.stdout) as { files: { path: string }[]; size: number; unpackedSize: number }[];
    const paths = info!.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(["bin/nhi-steward.js", "lib/cli.js", "lib/THIRD-PARTY-NOTICES.md", "package.json", "README.md", "LICENSE"]),
    );
    expect(
      paths.filter(
        (p) =>
          !/^(bin\/nhi-steward\.js|lib\/cli\.js|lib\/chunks\/[\w-]+\.js|lib\/THIRD-PARTY-NOTICES\.md|package\.json|README\.md|LICENSE)$/.test(
            p,
          ),
      ),
    ).toEqual([]);
    // The CLI with its libraries bundled is some 1.2 MB (300 KB packed); more means something else got in.
    expect(info!.unpackedSize).toBeLessThan(1_500_000);
    expect(info!.size).toBeLessThan(400_000);
  });

  it("installs nothing but itself: no dependencies, so none of the App's or the Action's packages", () => {
    const installed = readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."));
    expect(installed).toEqual(["nhi-steward"]);
    const manifest = JSON.parse(readFileSync(join(app, "node_modules", "nhi-steward", "package.json"), "utf8")) as Record<string, unknown>;
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies", "bundleDependencies"])
      expect(manifest[field]).toBeUndefined();
    expect(manifest.repository).toEqual({ type: "git", url: "git+https://github.com/nhi-steward/nhi-steward.git" });
  });

  it("carries its MIT license and the licenses of the libraries bundled into it", () => {
    const license = readFileSync(join(app, "node_modules", "nhi-steward", "LICENSE"), "utf8");
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 nhi-steward contributors\n/);
    const notices = readFileSync(join(app, "node_modules", "nhi-steward", "lib", "THIRD-PARTY-NOTICES.md"), "utf8");
    for (const name of ["@octokit/core", "luxon", "yaml", "zod", "bottleneck", "before-after-hook"]) {
      const section = notices.split(/^## /m).find((s) => s.startsWith(`${name} `));
      expect(section, `no notice for ${name}`).toBeDefined();
      // Each with its license's own text (MIT, ISC or Apache-2.0), not only its name.
      expect(section).toMatch(/Permission (is hereby granted|to use, copy, modify)|Apache License/);
    }
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

  it("nhi-steward validate reads policy files: the starter policies pass, a mistake is reported at its line and column", async () => {
    for (const example of ["minimal.yml", "systems-and-stewards.yml", "after-hours-and-auto-revoke.yml"])
      copyFileSync(join(ROOT, "policies", "examples", example), join(app, example));
    const ok = await run(bin, ["validate", "minimal.yml", "systems-and-stewards.yml", "after-hours-and-auto-revoke.yml"], app);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split("\n")).toEqual([
      "minimal.yml: ok",
      "systems-and-stewards.yml: ok",
      "after-hours-and-auto-revoke.yml: ok",
    ]);

    writeFileSync(
      join(app, "nhi-steward.yml"),
      ['fallback_owner: "@acme/security"', "sla:", "  targets:", "    critical: { calendar: 24x7, acknowledge: soon, remediate: 4h }"].join(
        "\n",
      ) + "\n",
    );
    const bad = await run(bin, ["validate", "nhi-steward.yml"], app);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^nhi-steward\.yml:4:\d+: sla\.targets\.critical\.acknowledge: "soon" is not a duration/m);
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

describe("the package build", () => {
  it("refuses a CLI that imports a package the installed tarball lacks, and dependencies the CLI never imports", async () => {
    // yaml left unbundled, as if someone marked it external: an install without it in `dependencies` would fail.
    const result = await build({ ...packageBuildOptions(join(tmpdir(), "nhi-steward-unused")), external: ["yaml"], write: false });
    expect(() => checkImports(result.metafile, { dependencies: {} })).toThrow(/the CLI imports yaml, not in package.json's dependencies/);
    expect(() => checkImports(result.metafile, { dependencies: { yaml: "^2.9.1" } })).not.toThrow();
    // The App's packages in `dependencies` would be downloaded by every `npx nhi-steward` for nothing.
    expect(() => checkImports(result.metafile, { dependencies: { yaml: "^2.9.1", probot: "^14.3.2" } })).toThrow(
      /dependencies name probot, which lib\/ never imports/,
    );
  });

  it("package.json has no dependencies: everything the CLI needs is bundled, the rest is for development", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    expect(pkg.dependencies ?? {}).toEqual({});
    // A clone's `npm ci` still installs the App's, the Action's and the CLI's packages.
    expect(Object.keys(pkg.devDependencies ?? {})).toEqual(
      expect.arrayContaining(["probot", "ioredis", "prom-client", "zod", "yaml", "luxon"]),
    );
  });
});
