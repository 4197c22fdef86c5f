import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCodeowners, parseCodeownersReference } from "../../../src/core/codeowners/index.ts";
import { compilePattern, patternRegexSource } from "../../../src/core/codeowners/pattern.ts";
import { patternMatches } from "../../../src/core/codeowners/reference.ts";
import { answer } from "./helpers.ts";

// A small alphabet, so that generated patterns and paths actually meet.
const NAMES = ["a", "b", "ab", "a.js", "ba.js", "b.md", "x y", "a+b", "A", "lib", ".js"];
const PATTERN_SEGMENTS = [
  ...NAMES,
  "x\\ y",
  "*",
  "*",
  "**",
  "**",
  "?",
  "*.js",
  "*a.js",
  "*.md",
  "a*",
  "*b",
  "*a*",
  "a*b",
  "a*a",
  "?.md",
  "a?",
  "*.*",
  "l*b",
  "\\*",
  "\\?",
];
const OWNERS = ["@u1", "@org/t", "me@x.io", "bad-owner"];

const segmentsArb = fc.oneof(
  fc.array(fc.constantFrom(...PATTERN_SEGMENTS), { minLength: 1, maxLength: 4 }),
  // Plain directory paths (`/a/ab/`) take the index's literal shortcut; make them common.
  fc.array(fc.constantFrom("a", "ab", "b", "lib", "a.js"), { minLength: 1, maxLength: 4 }),
  // An empty segment writes `a//b`.
  fc.array(fc.constantFrom("a", "b", "", "*"), { minLength: 2, maxLength: 4 }),
);
const patternArb = fc
  .tuple(fc.boolean(), segmentsArb, fc.boolean())
  .map(([lead, segs, trail]) => `${lead ? "/" : ""}${segs.join("/")}${trail ? "/" : ""}`);
// Now and then a line GitHub rejects, to check that skipped lines do not shift answers.
const lineArb = fc
  .tuple(
    fc.oneof({ weight: 12, arbitrary: patternArb }, { weight: 1, arbitrary: fc.constantFrom("!a", "[ab]", "/", "\\#a", "# comment") }),
    fc.subarray(OWNERS),
  )
  .map(([pattern, owners]) => [pattern, ...owners].join(" "));
const fileArb = fc.array(lineArb, { maxLength: 14 }).map((lines) => lines.join("\n"));
const pathArb = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 5 }).map((segs) => segs.join("/"));

describe("the index never changes an answer", () => {
  it("agrees with the linear reference on generated files and paths", () => {
    fc.assert(
      fc.property(fileArb, fc.array(pathArb, { minLength: 1, maxLength: 25 }), (file, paths) => {
        const fast = parseCodeowners(file);
        const slow = parseCodeownersReference(file);
        for (const path of paths) expect([path, fast.match(path)]).toEqual([path, slow.match(path)]);
        expect(fast.rules).toEqual(slow.rules);
        expect(fast.errors).toEqual(slow.errors);
      }),
      { numRuns: 1500 },
    );
  });

  it("agrees with the reference on files of plain directory patterns (the trie's shortcuts)", () => {
    const literalLine = fc
      .tuple(
        fc.constantFrom("", "/"),
        fc.array(fc.constantFrom("a", "b", "ab", ""), { minLength: 1, maxLength: 4 }),
        fc.constantFrom("", "/"),
        fc.subarray(["@u1", "@u2"]),
      )
      .map(([lead, segs, trail, owners]) => [`${lead}${segs.join("/")}${trail}`, ...owners].join(" "));
    const smallPath = fc.array(fc.constantFrom("a", "b", "ab"), { minLength: 1, maxLength: 4 }).map((s) => s.join("/"));
    fc.assert(
      fc.property(fc.array(literalLine, { maxLength: 10 }), fc.array(smallPath, { minLength: 1, maxLength: 20 }), (lines, paths) => {
        const file = lines.join("\n");
        const fast = parseCodeowners(file);
        const slow = parseCodeownersReference(file);
        for (const path of paths) expect([path, fast.match(path)]).toEqual([path, slow.match(path)]);
      }),
      { numRuns: 1000 },
    );
  });

  it("the generator exercises owned, no-owner and unmatched answers alike", () => {
    // Guards the property above against an alphabet that never matches anything.
    const seen = { owned: 0, "no-owners": 0, unmatched: 0 };
    fc.assert(
      fc.property(fileArb, pathArb, (file, path) => {
        seen[parseCodeowners(file).match(path).kind]++;
      }),
      { numRuns: 2000, seed: 42 },
    );
    expect(seen.owned).toBeGreaterThan(200);
    expect(seen["no-owners"]).toBeGreaterThan(50);
    expect(seen.unmatched).toBeGreaterThan(200);
  });

  it("the reference's segment matcher agrees with an independent regular-expression translation", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        const compiled = compilePattern(pattern);
        if (!compiled.ok) return;
        const re = new RegExp(patternRegexSource(compiled.pattern), "u");
        expect([pattern, path, patternMatches(compiled.pattern, path.split("/"))]).toEqual([pattern, path, re.test(path)]);
      }),
      { numRuns: 5000 },
    );
  });
});

// The benchmark corpora (see its README): real CODEOWNERS files with the paths of their repositories.
const CORPUS = process.env.NHI_BENCH_CORPUS ?? fileURLToPath(new URL("../../../../shared/bench-corpus", import.meta.url));
const corpora = existsSync(CORPUS)
  ? readdirSync(CORPUS)
      .filter((f) => f.endsWith("-CODEOWNERS"))
      .map((f) => f.slice(0, -"-CODEOWNERS".length))
  : [];

describe.skipIf(corpora.length === 0)(`every path of every corpus in ${CORPUS}`, () => {
  it("finds the corpora", () => {
    expect(corpora.length).toBeGreaterThanOrEqual(6);
  });

  it.each(corpora)(
    "%s: the indexed engine and the reference give the same answer for every path",
    (name) => {
      const text = readFileSync(join(CORPUS, `${name}-CODEOWNERS`), "utf8");
      const paths = readFileSync(join(CORPUS, `${name}-paths.txt`), "utf8")
        .split("\n")
        .filter(Boolean);
      const fast = parseCodeowners(text);
      const slow = parseCodeownersReference(text);
      const differences: string[] = [];
      let owned = 0;
      for (const path of paths) {
        const a = answer(fast, path);
        const b = answer(slow, path);
        if (a.line !== null && a.owners.length > 0) owned++;
        if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
      expect(differences.slice(0, 10)).toEqual([]);
      // The corpus is not trivially unowned: the comparison covered real matches.
      expect(owned).toBeGreaterThan(paths.length / 10);
    },
    120_000,
  );
});
