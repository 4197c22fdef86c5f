// Builds the GitHub App (src/app/server.ts) into one file, build/app/server.mjs (not committed), which the
// container image runs (Dockerfile) with the flags of src/app/runtime.ts. `npm run build:app [OUTDIR]`.
//
// Everything the App imports, Probot, pino, ioredis, prom-client and nhi-steward's sources, is in the
// bundle: the image's runtime stage copies this one file and no node_modules. Loading one bundle instead
// of Node stripping the types of ~200 .ts files also saves ~30 MB of resident memory and start-up time.
//
// Not minified (stack traces in logs stay readable); build/ is in .gitignore. Deterministic: same sources,
// same bytes.
import { build } from "esbuild";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bundledPackages, NOTICES_FILE, renderNotices } from "./build-package.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Probot loads two optional packages at run time with npx-import-light, by a name in a variable that
 * a bundler cannot follow: `ioredis` (when REDIS_URL is set, for its rate-limit state in Redis) and
 * `smee-client` (a webhook proxy for development, WEBHOOK_PROXY_URL). The bundle answers the first with
 * the ioredis it already holds (nhi-steward's lock uses it) and refuses anything else, instead of
 * resolving node_modules (there are none in the image) or running npx.
 */
const npxImportStub = {
  name: "nhi-npx-import",
  setup(b) {
    b.onResolve({ filter: /^npx-import-light$/ }, () => ({ path: "npx-import-light", namespace: "nhi-stub" }));
    b.onLoad({ filter: /.*/, namespace: "nhi-stub" }, () => ({
      contents: [
        'import * as ioredis from "ioredis";',
        "export async function npxImport(pkg) {",
        '  if (typeof pkg === "string" && /^ioredis(@[^/]*)?$/.test(pkg)) return ioredis;',
        "  throw new Error(`nhi-steward's App bundle cannot load ${pkg} at run time (only ioredis is bundled; a webhook proxy is for development: run src/app/server.ts from a clone)`);",
        "}",
      ].join("\n"),
      resolveDir: root,
      loader: "js",
    }));
  },
};

/**
 * With REDIS_URL, Probot keeps its rate-limit state in Redis through Bottleneck's IORedisConnection,
 * which loads ioredis with `eval("require")("ioredis")` (hidden from bundlers on purpose) even when it
 * is handed a client. In the bundle that `require` is plain, so esbuild includes the ioredis it has.
 */
const bottleneckIORedis = {
  name: "nhi-bottleneck-ioredis",
  setup(b) {
    b.onLoad({ filter: /[\\/]bottleneck[\\/]lib[\\/]IORedisConnection\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const hidden = 'eval("require")("ioredis")';
      if (!source.includes(hidden))
        throw new Error(`${args.path} no longer loads ioredis with ${hidden}: update bottleneckIORedis in scripts/build-app.mjs`);
      return { contents: source.replace(hidden, 'require("ioredis")'), loader: "js" };
    });
  },
};

/** esbuild's options for the App bundle. */
export function appBuildOptions(outfile) {
  return {
    absWorkingDir: root,
    entryPoints: ["src/app/server.ts"],
    outfile,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    minify: false,
    treeShaking: true,
    plugins: [npxImportStub, bottleneckIORedis],
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
    // Some CommonJS dependencies call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __nhiCreateRequire } from 'node:module';\nconst require = __nhiCreateRequire(import.meta.url);",
    },
  };
}

/**
 * Builds the App into `outdir` (default build/app/): server.mjs, written next to it first, then
 * renamed, and THIRD-PARTY-NOTICES.md (the license text of every package bundled into it, which the
 * image ships next to it). Returns the bundle's path.
 */
export async function buildApp(outdir = join(root, "build", "app")) {
  const dir = resolve(outdir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "server.mjs");
  const staging = `${file}.${process.pid}.tmp`;
  try {
    const result = await build(appBuildOptions(staging));
    writeFileSync(join(dir, NOTICES_FILE), renderNotices(bundledPackages(result.metafile), "nhi-steward's App (server.mjs)"));
    renameSync(staging, file);
  } finally {
    rmSync(staging, { force: true });
  }
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = await buildApp(process.argv[2]);
  console.error(`built ${file}`);
}
