// Builds the CLI the npm package runs into lib/ (not committed; `npm pack` and `npm publish` run it
// through `prepack`). `npm run build:package [OUTDIR]`.
//
// Node does not strip types under node_modules, so the package ships JavaScript. esbuild (already
// what builds the Action) bundles src/cli/main.ts, what it imports from src/, and the packages those
// import (Octokit, luxon, yaml, zod) into lib/cli.js plus one chunk a command (each still loaded only
// when that command runs). The package therefore has no `dependencies`: `npx nhi-steward` downloads
// one tarball, not the App's and the Action's packages (probot, ioredis, prom-client…), which the
// CLI never loads. Those stay development dependencies, which a clone's `npm ci` installs.
//
// The bundled packages' licenses (MIT, ISC, Apache-2.0) ask that their notices travel with copies:
// lib/THIRD-PARTY-NOTICES.md holds each one's license text, and any license comment esbuild finds in
// their code is kept at the end of the file it went into.
//
// `simulate` is left out: it needs the Action bundle (dist/) and GitHub's OpenAPI description
// (@octokit/openapi, a development dependency of several hundred MB). In the package it says to run
// it from a clone.
import { build } from "esbuild";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

const SIMULATE_STUB = [
  "export async function simulateCommand(_argv, io) {",
  "  io.stderr(\"simulate runs from a clone of nhi-steward's repository (npm ci && npm start): it needs the Action bundle and GitHub's OpenAPI description, which the npm package leaves out.\");",
  "  return 2;",
  "}",
].join("\n");

let simulateLeftOut = false;
/**
 * What the CLI never runs, left out of lib/:
 * - `simulate` (see above): a stub says where to run it.
 * - zod's ~40 translations of its error messages (`z.locales`, ~250 KB unminified): zod configures
 *   English by default and nhi-steward never switches (the Action's bundle leaves them out too).
 */
const leaveOut = {
  name: "nhi-package-leave-out",
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/simulate\.ts$/ }, (args) => {
      if (!/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer)) return undefined;
      simulateLeftOut = true;
      return { path: "simulate", namespace: "nhi-stub" };
    });
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: "zod-locales", namespace: "nhi-stub", pluginData: args.resolveDir }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "nhi-stub" }, (args) =>
      args.path === "zod-locales"
        ? { contents: 'export { default as en } from "../locales/en.js";', resolveDir: args.pluginData, loader: "js" }
        : { contents: SIMULATE_STUB, loader: "js" },
    );
  },
};

/** The package a bare import names: `@octokit/core/dist/x.js` → `@octokit/core`. */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Fails the build when the installed package would not match what the CLI imports at run time:
 * - an import left external (not bundled) of a package that is not in `dependencies`: a development
 *   dependency is absent from `npm install nhi-steward`, so the CLI would not find it;
 * - a package in `dependencies` the CLI never imports: every install would download it for nothing
 *   (the App's and the Action's packages are development dependencies; they are not in lib/).
 */
export function checkImports(metafile, manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))) {
  const { dependencies = {}, optionalDependencies = {}, peerDependencies = {} } = manifest;
  const builtin = new Set(builtinModules);
  const imported = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const i of output.imports) {
      if (!i.external || i.path.startsWith(".")) continue;
      if (i.path.startsWith("node:") || builtin.has(i.path)) continue;
      imported.add(packageOf(i.path));
    }
  }
  const missing = [...imported].filter((name) => !(name in dependencies));
  if (missing.length > 0)
    throw new Error(
      `the CLI imports ${missing.join(", ")}, not in package.json's dependencies: an installed package would not find it (bundle it instead)`,
    );
  const unused = [...Object.keys(dependencies), ...Object.keys(optionalDependencies), ...Object.keys(peerDependencies)].filter(
    (name) => !imported.has(name),
  );
  if (unused.length > 0)
    throw new Error(
      `package.json's dependencies name ${unused.join(", ")}, which lib/ never imports (the CLI's packages are bundled): every \`npm install nhi-steward\` would download them for nothing. Make them devDependencies.`,
    );
}

const LICENSE_FILE = /^(licen[cs]e|copying)(\.(md|txt))?$/i;
const NOTICE_FILE = /^notice(\.(md|txt))?$/i;

/**
 * The third-party packages whose code went into lib/ (a file contributing bytes to an output), each
 * with its license and the text of its LICENSE (and NOTICE) file. Fails when a package ships none:
 * its notice must then be added by hand before it can be redistributed.
 */
export function bundledPackages(metafile) {
  const packages = new Map();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const at = input.lastIndexOf("node_modules/");
      if (at === -1) continue;
      const name = packageOf(input.slice(at + "node_modules/".length));
      const dir = join(root, input.slice(0, at + "node_modules/".length), name);
      if (packages.has(dir)) continue;
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      const files = readdirSync(dir);
      const license = files.find((f) => LICENSE_FILE.test(f));
      const notice = files.find((f) => NOTICE_FILE.test(f));
      if (!license) throw new Error(`${name} is bundled into lib/ but ships no LICENSE file: add its notice to scripts/build-package.mjs`);
      packages.set(dir, {
        name: manifest.name,
        version: manifest.version,
        license: typeof manifest.license === "string" ? manifest.license : "see below",
        licenseText: readFileSync(join(dir, license), "utf8").trim(),
        noticeText: notice ? readFileSync(join(dir, notice), "utf8").trim() : undefined,
      });
    }
  }
  return [...packages.values()].sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

export const NOTICES_FILE = "THIRD-PARTY-NOTICES.md";

export function renderNotices(packages, what = "nhi-steward's CLI (lib/)") {
  const lines = [
    "# Third-party notices",
    "",
    `${what} includes code from these packages, under these licenses:`,
    "",
    ...packages.map((p) => `- ${p.name} ${p.version} (${p.license})`),
  ];
  for (const p of packages) {
    lines.push("", `## ${p.name} ${p.version}`, "", `License: ${p.license}`, "", "```", p.licenseText, "```");
    if (p.noticeText) lines.push("", "NOTICE:", "", "```", p.noticeText, "```");
  }
  return lines.join("\n") + "\n";
}

/** esbuild's options for the package's CLI. */
export function packageBuildOptions(outdir) {
  return {
    absWorkingDir: root,
    entryPoints: { cli: "src/cli/main.ts" },
    outdir,
    bundle: true,
    // Everything the CLI imports is bundled: the package has no dependencies to install.
    platform: "node",
    target: "node24",
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Whitespace and syntax minified, names kept: a quarter of the bytes go (1.65 → 1.15 MB; the
    // tarball 375 → 305 KB), and a stack trace (`--verbose`) still names the real functions.
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: false,
    treeShaking: true,
    plugins: [leaveOut],
    sourcemap: false,
    // License comments in the bundled code stay, at the end of each file; the full texts are in
    // THIRD-PARTY-NOTICES.md.
    legalComments: "eof",
    logLevel: "warning",
    metafile: true,
    // Some CommonJS dependencies (yaml, luxon's Node build, bottleneck) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __nhiCreateRequire } from 'node:module';\nconst require = __nhiCreateRequire(import.meta.url);",
    },
  };
}

/** Builds the CLI into `outdir` (default lib/): into a fresh folder first, then swapped in. */
export async function buildPackage(outdir = join(root, "lib")) {
  const target = resolve(outdir);
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  try {
    simulateLeftOut = false;
    const result = await build(packageBuildOptions(staging));
    checkImports(result.metafile);
    if (!simulateLeftOut)
      throw new Error(
        "src/cli/main.ts no longer imports ./commands/simulate.ts as the build expects: update leaveOut in scripts/build-package.mjs",
      );
    writeFileSync(join(staging, NOTICES_FILE), renderNotices(bundledPackages(result.metafile)));
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPackage(process.argv[2]);
}
