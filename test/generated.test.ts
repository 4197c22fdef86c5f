import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatedFiles, ROOT } from "../scripts/generate.ts";
// @ts-expect-error - plain JavaScript build script
import { bundleAction } from "../scripts/build.mjs";

describe("generated files are up to date (run `npm run generate` / `npm run bundle`)", () => {
  for (const [path, expected] of generatedFiles()) {
    it(`${path} matches its source`, () => {
      expect(readFileSync(join(ROOT, path), "utf8") === expected, `${path} is stale: run \`npm run generate\``).toBe(true);
    });
  }

  it("dist/index.js matches the sources", async () => {
    const out = mkdtempSync(join(tmpdir(), "nhi-dist-"));
    await bundleAction(out);
    const fresh = readFileSync(join(out, "index.js"), "utf8");
    const committed = readFileSync(join(ROOT, "dist/index.js"), "utf8");
    expect(committed === fresh, "dist/index.js is stale: run `npm run bundle` and commit dist/").toBe(true);
  }, 60_000);
});
