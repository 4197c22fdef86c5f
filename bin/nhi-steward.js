#!/usr/bin/env node
// In a clone, runs the CLI from its TypeScript sources (Node 24 strips the types itself), so a
// stale lib/ never shadows them. The npm package ships no src/ but the compiled CLI in lib/
// (`npm run build:package`): Node does not strip types under node_modules.
import { existsSync } from "node:fs";

const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(`nhi-steward needs Node 24 or later; this is Node ${process.versions.node}.\n`);
  process.exit(1);
}

const sources = new URL("../src/cli/main.ts", import.meta.url);
const compiled = new URL("../lib/cli.js", import.meta.url);
const installed = /[\\/]node_modules[\\/]/.test(decodeURIComponent(import.meta.url));
const fromSources = existsSync(sources) && !(installed && existsSync(compiled));
const { main } = await import((fromSources ? sources : compiled).href);

process.exitCode = await main(process.argv.slice(2));
