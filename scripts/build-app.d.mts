// Types of scripts/build-app.mjs (plain JavaScript, run by Node without type stripping), for the TypeScript that imports it.
import type { BuildOptions } from "esbuild";

/** esbuild's options for the App bundle, written to `outfile`. */
export function appBuildOptions(outfile: string): BuildOptions & { metafile: true };
/** Builds the App into `outdir` (default build/app/), with THIRD-PARTY-NOTICES.md next to it, and resolves with the bundle's path (`server.mjs` in it). */
export function buildApp(outdir?: string): Promise<string>;
