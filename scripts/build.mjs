// Bundles the Action into dist/index.js (committed: GitHub runs it as is). `npm run bundle`.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Builds the Action bundle into `outdir` (default dist/). Deterministic: same sources, same bytes. */
export async function bundleAction(outdir = join(root, "dist")) {
  await build({
    absWorkingDir: root,
    entryPoints: { index: "src/action/index.ts" },
    outdir,
    bundle: true,
    platform: "node",
    target: "node24",
    format: "esm",
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "warning",
    // Some CommonJS dependencies call require() for Node built-ins.
    banner: { js: "import { createRequire as __nhiCreateRequire } from 'node:module';\nconst require = __nhiCreateRequire(import.meta.url);" },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleAction(process.argv[2]);
}
