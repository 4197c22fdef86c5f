import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { generatedFiles, ROOT } from "../scripts/generate.ts";
// @ts-expect-error - plain JavaScript build script
import { bundleAction } from "../scripts/build.mjs";

/** index.js, every chunk and the third-party notices, relative to the bundle's directory. */
function bundleFiles(dir: string): string[] {
  const chunks = join(dir, "chunks");
  return ["index.js", "THIRD-PARTY-NOTICES.md", ...(existsSync(chunks) ? readdirSync(chunks).map((f) => `chunks/${f}`) : [])].sort();
}

describe("generated files are up to date (run `npm run generate` / `npm run bundle`)", () => {
  for (const [path, expected] of generatedFiles()) {
    it(`${path} matches its source`, () => {
      expect(readFileSync(join(ROOT, path), "utf8") === expected, `${path} is stale: run \`npm run generate\``).toBe(true);
    });
  }

  it("dist/ (index.js, its chunks and the third-party notices) matches the sources", async () => {
    const out = mkdtempSync(join(tmpdir(), "nhi-dist-"));
    await bundleAction(out);
    const fresh = bundleFiles(out);
    // The work is in chunks, imported only when there is some (src/action/main.ts).
    expect(fresh.some((f) => f.startsWith("chunks/"))).toBe(true);
    expect(bundleFiles(join(ROOT, "dist")), "dist/ has missing or stale chunks: run `npm run bundle` and commit dist/").toEqual(fresh);
    for (const f of fresh) {
      expect(
        readFileSync(join(ROOT, "dist", f), "utf8") === readFileSync(join(out, f), "utf8"),
        `dist/${f} is stale: run \`npm run bundle\` and commit dist/`,
      ).toBe(true);
    }
  }, 60_000);

  it("action.yml runs dist/index.js, which imports its chunks by relative path", () => {
    expect(parse(readFileSync(join(ROOT, "action.yml"), "utf8")).runs).toEqual({ using: "node24", main: "dist/index.js" });
    const index = readFileSync(join(ROOT, "dist/index.js"), "utf8");
    for (const f of bundleFiles(join(ROOT, "dist")).filter((f) => f.startsWith("chunks/"))) {
      // Every chunk is reachable from index.js, directly or through another chunk.
      const referenced = [
        index,
        ...bundleFiles(join(ROOT, "dist"))
          .filter((g) => g !== f && g !== "index.js")
          .map((g) => readFileSync(join(ROOT, "dist", g), "utf8")),
      ].some((text) => text.includes(f.slice("chunks/".length)));
      expect(referenced, `${f} is imported by nothing`).toBe(true);
    }
  });
});
