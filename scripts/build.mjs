// Bundles the Action into dist/index.js (committed: GitHub runs it as is). `npm run bundle`.
import { build } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundledPackages, NOTICES_FILE, renderNotices } from "./build-package.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * What the Action never runs, left out of the bundle (each stub says so if it is ever reached):
 * - `@actions/http-client` as imported by `@actions/core`: only `core.getIDToken` (OIDC) uses it, and
 *   it brings undici (~400 KB minified) into every start. nhi-steward talks to GitHub through Octokit,
 *   which uses Node's own fetch.
 * - zod's ~40 translations of its error messages (`z.locales`, ~250 KB): zod configures English by
 *   default and nhi-steward never switches.
 * - `@actions/github` but its `context`: the package's entry builds an Octokit class with a proxy
 *   agent at import, which brings undici and `@actions/http-client` (~400 KB) into every start.
 *   nhi-steward makes its Octokit with `createOctokit` (src/github/octokit.ts, Node's fetch); a
 *   `getOctokit` in the bundle throws, and any other name fails the build.
 */
const leaveOut = {
  name: "nhi-leave-out",
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) =>
      /[\\/]@actions[\\/]core[\\/]/.test(args.importer) ? { path: args.path, namespace: "nhi-stub" } : undefined,
    );
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: "zod-locales", namespace: "nhi-stub", pluginData: args.resolveDir }
        : undefined,
    );
    b.onResolve({ filter: /^@actions\/github$/ }, (args) =>
      /[\\/]node_modules[\\/]/.test(args.importer) ? undefined : { path: "actions-github", namespace: "nhi-stub" },
    );
    b.onLoad({ filter: /.*/, namespace: "nhi-stub" }, (args) => {
      if (args.path === "actions-github") {
        return {
          contents: [
            'import { Context } from "./node_modules/@actions/github/lib/context.js";',
            "export const context = new Context();",
            "export function getOctokit() { throw new Error(\"nhi-steward's Action bundle leaves out @actions/github's getOctokit: use createOctokit (src/github/octokit.ts)\"); }",
          ].join("\n"),
          resolveDir: root,
          loader: "js",
        };
      }
      if (args.path === "zod-locales")
        return { contents: 'export { default as en } from "../locales/en.js";', resolveDir: args.pluginData, loader: "js" };
      const unbundled = `throw new Error("nhi-steward's Action bundle leaves out ${args.path} (OIDC tokens are not supported)")`;
      return {
        contents: `export class HttpClient { constructor() { ${unbundled}; } }\nexport class BearerCredentialHandler { constructor() { ${unbundled}; } }`,
        loader: "js",
      };
    });
  },
};

/** esbuild's options for the Action bundle (also used by bench/action-start.bench.ts). */
export function actionBuildOptions(outdir = join(root, "dist")) {
  return {
    absWorkingDir: root,
    entryPoints: { index: "src/action/index.ts" },
    outdir,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    // Minified: a third of the bytes to read and parse at every start. Error messages stay as written.
    minify: true,
    treeShaking: true,
    // What src/action/ imports with `await import()` goes into dist/chunks/, read only when that path
    // runs (a run with nothing to do parses none of it). Names carry a hash of the content, so
    // dist/index.js changes whenever a chunk does (test/generated.test.ts compares it).
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [leaveOut],
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    // Some CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __nhiCreateRequire } from 'node:module';\nconst require = __nhiCreateRequire(import.meta.url);",
    },
  };
}

/**
 * Builds the Action bundle into `outdir` (default dist/), with THIRD-PARTY-NOTICES.md: the license
 * text of every package whose code went in (license comments are left out of the minified code).
 * Deterministic: same sources, same bytes.
 */
export async function bundleAction(outdir = join(root, "dist")) {
  rmSync(join(outdir, "chunks"), { recursive: true, force: true }); // no stale chunks
  const result = await build({ ...actionBuildOptions(outdir), metafile: true });
  writeFileSync(join(outdir, NOTICES_FILE), renderNotices(bundledPackages(result.metafile), "nhi-steward's Action (dist/)"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleAction(process.argv[2]);
}
