/**
 * The container image (Dockerfile): a build stage installs every dependency and bundles
 * src/app/server.ts with scripts/build-app.mjs; the runtime stage holds Node and that one file, run
 * with the flags and environment of src/app/runtime.ts. Docker need not be here to check that they
 * agree, and that the bundle needs nothing beside itself: test/app/production-server.test.ts and
 * scripts/smoke-app.ts run it alone in a temporary folder, with the same flags, against the sandbox.
 */
import { builtinModules } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { APP_BUNDLE, ENV, NODE_FLAGS, productionCommand } from "../../src/app/runtime.ts";
import { appBuildOptions, buildApp } from "../../scripts/build-app.mjs";

const dockerfile = readFileSync("Dockerfile", "utf8");
const dockerignore = readFileSync(".dockerignore", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };

/** The Dockerfile's instructions, continuation lines joined, comments left out. */
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .filter((l) => l.trim() && !l.trim().startsWith("#"));
/** The runtime stage: from the last FROM on. */
const runtime = instructions.slice(instructions.findLastIndex((l) => l.startsWith("FROM ")));

/** `ENV A=1 B=2` instructions of a stage, as one record. */
function envOf(stage: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stage.filter((l) => l.startsWith("ENV ")))
    for (const m of line.slice(4).matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S+)/g)) env[m[1]!] = m[2]!;
  return env;
}

describe("the container image", () => {
  it("builds the App bundle in a stage with every dependency, and runs only that bundle on Node 24", () => {
    const stages = instructions.filter((l) => l.startsWith("FROM "));
    expect(stages).toEqual(["FROM node:24-slim AS build", "FROM node:24-slim"]);
    const buildStage = instructions.slice(0, instructions.indexOf("FROM node:24-slim"));
    expect(buildStage).toContain("COPY package.json package-lock.json LICENSE ./");
    expect(buildStage).toContain("RUN npm ci --ignore-scripts --no-audit --no-fund");
    expect(buildStage).toContain("RUN node scripts/build-app.mjs");
    // The runtime stage installs nothing: it copies the bundle out of the build stage, with the
    // licenses of what is bundled in it and nhi-steward's own.
    expect(runtime.filter((l) => l.startsWith("RUN ") || l.startsWith("COPY "))).toEqual([
      `COPY --from=build /src/${APP_BUNDLE} /src/${dirname(APP_BUNDLE)}/THIRD-PARTY-NOTICES.md /src/LICENSE ./`,
    ]);
    expect(runtime).toContain("USER node");
    expect(runtime.find((l) => l.startsWith("HEALTHCHECK"))).toMatch(/\/healthz/);
  });

  it("runs the bundle with src/app/runtime.ts's flags and environment (one definition)", () => {
    const cmd = runtime.at(-1)!;
    expect(cmd.startsWith("CMD [")).toBe(true);
    expect(JSON.parse(cmd.slice("CMD ".length))).toEqual(["node", ...productionCommand(basename(APP_BUNDLE))]);
    expect(productionCommand()).toEqual([...NODE_FLAGS, APP_BUNDLE]);
    expect(envOf(runtime)).toMatchObject(ENV);
    // Flags that NODE_OPTIONS would refuse are why they are on the command line; the image sets none there.
    expect(envOf(runtime).NODE_OPTIONS).toBeUndefined();
    // `npm run app` is the development entry (the sources, Node's defaults); build:app makes the bundle.
    expect(pkg.scripts.app).toBe("node src/app/server.ts");
    expect(pkg.scripts["build:app"]).toBe("node scripts/build-app.mjs");
  });

  it("sends Docker only what the build stage needs (never keys, .env files or node_modules)", () => {
    const lines = dockerignore.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(lines).toEqual([
      "*",
      "!package.json",
      "!package-lock.json",
      "!src/",
      "!scripts/build-app.mjs",
      "!scripts/build-package.mjs",
      "!LICENSE",
    ]);
  });

  it("bundles everything the App imports: nothing is left to resolve from node_modules at run time", async () => {
    const result = await build({ ...appBuildOptions("server.mjs"), write: false });
    const outputs = Object.values(result.metafile!.outputs);
    expect(outputs).toHaveLength(1);
    // `debug` (ioredis's) tries `require("supports-color")` inside a try/catch: optional, absent in the image.
    const optional = ["supports-color"];
    const external = outputs[0]!.imports.filter((i) => i.external).map((i) => i.path);
    expect(external.filter((p) => !p.startsWith("node:") && !builtinModules.includes(p) && !optional.includes(p))).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    for (const p of ["probot", "prom-client", "ioredis", "pino"]) expect(inputs.some((i) => i.includes(`node_modules/${p}/`))).toBe(true);
  });

  it("ships the licenses of everything bundled into the App next to it", async () => {
    const out = mkdtempSync(join(tmpdir(), "nhi-app-notices-"));
    try {
      await buildApp(out);
      const notices = readFileSync(join(out, "THIRD-PARTY-NOTICES.md"), "utf8");
      for (const p of ["probot", "prom-client", "ioredis", "pino", "zod"]) expect(notices).toMatch(new RegExp(`^## ${p} \\d`, "m"));
      expect(existsSync(join(out, "server.mjs"))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
