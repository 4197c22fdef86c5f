/**
 * The container image (Dockerfile) runs `node src/app/server.ts` with `npm ci --omit=dev` and only
 * package*.json and src/ copied in. Docker need not be here to check that this is enough: the
 * entry point's import graph must stay inside src/ and use only production dependencies.
 * (scripts/smoke-app.ts --dir DIR runs the app from such an install against the sandbox.)
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const dockerfile = readFileSync("Dockerfile", "utf8");
const dockerignore = readFileSync(".dockerignore", "utf8");
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Every module the entry point loads at run time (type-only imports are erased, as Node's type stripping does). */
async function runtimeImports(entry: string): Promise<{ files: string[]; packages: string[] }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    packages: "external",
    logLevel: "silent",
  });
  const files = Object.keys(result.metafile.inputs);
  const packages = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const i of input.imports) {
      if (!i.external || i.path.startsWith("node:") || builtinModules.includes(i.path)) continue;
      packages.add(i.path.startsWith("@") ? i.path.split("/").slice(0, 2).join("/") : i.path.split("/")[0]!);
    }
  }
  return { files, packages: [...packages].sort() };
}

describe("the container image", () => {
  it("runs the production entry point on Node 24, as an unprivileged user, with a health check", () => {
    const instructions = dockerfile
      .replace(/\\\n/g, " ")
      .split("\n")
      .filter((l) => l.trim() && !l.trim().startsWith("#"));
    expect(instructions[0]).toBe("FROM node:24-slim");
    expect(instructions).toContain("RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force");
    expect(instructions).toContain("COPY package.json package-lock.json ./");
    expect(instructions).toContain("COPY src ./src");
    expect(instructions).toContain("USER node");
    expect(instructions.find((l) => l.startsWith("HEALTHCHECK"))).toMatch(/\/healthz/);
    expect(instructions.at(-1)).toBe('CMD ["node", "src/app/server.ts"]');
    // The same file `npm run app` starts, which test/app/production-server.test.ts and scripts/smoke-app.ts run.
    expect((pkg as unknown as { scripts: Record<string, string> }).scripts.app).toBe("node src/app/server.ts");
  });

  it("sends Docker only package*.json and src/ (never keys, .env files or node_modules)", () => {
    const lines = dockerignore.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(lines).toEqual(["*", "!package.json", "!package-lock.json", "!src/"]);
  });

  it("needs nothing beyond src/ and the production dependencies at run time", async () => {
    const { files, packages } = await runtimeImports("src/app/server.ts");
    expect(files.filter((f) => !f.startsWith("src/"))).toEqual([]);
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([]);
    expect(packages).toEqual(expect.arrayContaining(["probot", "prom-client", "ioredis"]));
  });
});
