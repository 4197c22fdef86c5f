#!/usr/bin/env node
// Runs the CLI from its TypeScript sources; Node 24 strips the types itself.
import { main } from "../src/cli/main.ts";

process.exitCode = await main(process.argv.slice(2));
