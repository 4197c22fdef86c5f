// Builds the CLI the npm package runs into lib/ (not committed; `npm pack` and `npm publish` run it
// through `prepack`). `npm run build:package [OUTDIR]`.
//
// Node does not strip types under node_modules, so the package ships JavaScript. esbuild (already
// what builds the Action) bundles src/cli/main.ts and what it imports from src/ into lib/cli.js plus
// one chunk a command (each still loaded only when that command runs); the dependencies stay
// imports, resolved from the package's own node_modules. That ships only the code the CLI can
// reach, in a few files, with the same type erasure Node applies to the sources in a clone.
//
// `simulate` is left out: it needs the Action bundle (dist/) and GitHub's OpenAPI description
// (@octokit/openapi, a development dependency of several hundred MB). In the package it says to run
// it from a clone.
import { build } from "esbuild";
import { readFileSync, renameSync, rmSync } from "node:fs";
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
const leaveOutSimulate = {
  name: "nhi-leave-out-simulate",
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/simulate\.ts$/ }, (args) => {
      if (!/[\\/]src[\\/]cli[\\/]main\.ts$/.test(args.importer)) return undefined;
      simulateLeftOut = true;
      return { path: "simulate", namespace: "nhi-stub" };
    });
    b.onLoad({ filter: /.*/, namespace: "nhi-stub" }, () => ({ contents: SIMULATE_STUB, loader: "js" }));
  },
};

/** The package a bare import names: `@octokit/core/dist/x.js` → `@octokit/core`. */
function packageOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * Fails the build when the CLI imports a package an install would not have: one that is not in
 * `dependencies` (a development dependency is absent from `npm install nhi-steward`).
 */
function checkImports(metafile) {
  const { dependencies = {} } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const builtin = new Set(builtinModules);
  const missing = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith(".")) continue;
      if (imported.path.startsWith("node:") || builtin.has(imported.path)) continue;
      const name = packageOf(imported.path);
      if (!(name in dependencies)) missing.add(name);
    }
  }
  if (missing.size > 0)
    throw new Error(
      `the CLI imports ${[...missing].join(", ")}, not in package.json's dependencies: an installed package would not find it`,
    );
  if (!simulateLeftOut)
    throw new Error(
      "src/cli/main.ts no longer imports ./commands/simulate.ts as the build expects: update leaveOutSimulate in scripts/build-package.mjs",
    );
}

/** esbuild's options for the package's CLI. */
export function packageBuildOptions(outdir) {
  return {
    absWorkingDir: root,
    entryPoints: { cli: "src/cli/main.ts" },
    outdir,
    bundle: true,
    // Dependencies are the package's own: imported at run time, not copied in.
    packages: "external",
    platform: "node",
    target: "node24",
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Not minified: the package stays small either way, and stack traces stay readable.
    minify: false,
    treeShaking: true,
    plugins: [leaveOutSimulate],
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
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
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPackage(process.argv[2]);
}
