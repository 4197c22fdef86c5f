/**
 * The matchers against a plain backtracking matcher, on random patterns rich in `**` and `*`.
 *
 * The engine (src/core/glob.ts: one pass, leftmost placement of the blocks between stars) and the
 * reference (src/core/codeowners/reference.ts: a recursion with a memo) are both polynomial. The
 * matcher below is the obvious exponential recursion, the semantics of pattern.ts written out with
 * no cleverness at all; it is only run on small inputs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileWildcard,
  MODE_ANY,
  MODE_DIR,
  MODE_EXACT,
  segmentsMatch,
  wildcardMatches,
  GLOBSTAR_TEST,
  globSegmentTest,
  literalTest,
  type WildPart,
} from "../../../src/core/glob.ts";
import { parseCodeowners, parseCodeownersReference } from "../../../src/core/codeowners/index.ts";
import { compilePattern, type CompiledPattern, type GlobPart, type Segment } from "../../../src/core/codeowners/pattern.ts";
import { globMatches, patternMatches } from "../../../src/core/codeowners/reference.ts";

/** `*` any run of code points, `?` one code point, text itself: tries every split. */
function naiveGlob(parts: readonly GlobPart[], text: string): boolean {
  const toks: (string | 1 | 2)[] = [];
  for (const p of parts) {
    if (p.kind === "text") toks.push(...Array.from(p.text));
    else toks.push(p.kind === "star" ? 1 : 2);
  }
  const chars = Array.from(text);
  const go = (t: number, c: number): boolean => {
    if (t === toks.length) return c === chars.length;
    const tok = toks[t]!;
    if (tok === 1) {
      for (let k = c; k <= chars.length; k++) if (go(t + 1, k)) return true;
      return false;
    }
    return c < chars.length && (tok === 2 || tok === chars[c]) && go(t + 1, c + 1);
  };
  return go(0, 0);
}

/** The segments match the first k path segments, k >= 1 and as the mode says; `**` is zero or more segments. */
function naivePattern(p: CompiledPattern, segs: readonly string[]): boolean {
  const n = segs.length;
  const go = (si: number, pi: number): boolean => {
    if (si === p.segments.length) return pi >= 1 && (p.mode === "any" ? pi <= n : p.mode === "dir" ? pi < n : pi === n);
    const s = p.segments[si]!;
    if (s.kind === "globstar") {
      for (let k = pi; k <= n; k++) if (go(si + 1, k)) return true;
      return false;
    }
    const ok = s.kind === "literal" ? s.text === segs[pi] : pi < n && naiveGlob(s.parts, segs[pi]!);
    return pi < n && ok && go(si + 1, pi + 1);
  };
  return go(0, 0);
}

// Small alphabets, so that patterns and paths meet; a surrogate pair and an accented letter check
// that `?` is one code point.
const CHARS = ["a", "a", "b", ".", "😀", "é"];
const textArb = (max: number) => fc.array(fc.constantFrom(...CHARS), { maxLength: max }).map((cs) => cs.join(""));
const partArb: fc.Arbitrary<GlobPart> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<GlobPart>({ kind: "star" }) },
  { weight: 2, arbitrary: fc.constant<GlobPart>({ kind: "one" }) },
  {
    weight: 4,
    arbitrary: textArb(3)
      .filter((t) => t.length > 0)
      .map((text): GlobPart => ({ kind: "text", text })),
  },
);
/** As compilePattern makes them: no two stars in a row, no two texts in a row. */
const partsArb = fc.array(partArb, { minLength: 1, maxLength: 9 }).map((parts) => {
  const out: GlobPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === "star" && prev?.kind === "star") continue;
    if (p.kind === "text" && prev?.kind === "text") out[out.length - 1] = { kind: "text", text: prev.text + p.text };
    else out.push(p);
  }
  return out;
});

describe("one segment: `*`, `?` and text", () => {
  it("the engine's and the reference's segment matchers agree with the backtracking matcher", () => {
    fc.assert(
      fc.property(partsArb, textArb(9), (parts, text) => {
        const want = naiveGlob(parts, text);
        expect([parts, text, wildcardMatches(compileWildcard(parts, true), text)]).toEqual([parts, text, want]);
        expect([parts, text, globMatches(parts, text)]).toEqual([parts, text, want]);
      }),
      { numRuns: 20_000 },
    );
  });

  it("the generator reaches both answers often", () => {
    let yes = 0;
    fc.assert(
      fc.property(partsArb, textArb(9), (parts, text) => {
        if (naiveGlob(parts, text)) yes++;
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(yes).toBeGreaterThan(150);
    expect(yes).toBeLessThan(1850);
  });

  it("counts `?` in code points and `*.x` by its suffix, with surrogate pairs anywhere", () => {
    const w = (parts: WildPart[], text: string) => wildcardMatches(compileWildcard(parts, true), text);
    expect(w([{ kind: "one" }, { kind: "star" }, { kind: "text", text: "😀" }], "😀😀")).toBe(true);
    expect(w([{ kind: "one" }, { kind: "one" }], "😀")).toBe(false);
    expect(w([{ kind: "star" }, { kind: "one" }, { kind: "star" }, { kind: "text", text: "a" }], "😀a")).toBe(true);
    // A lone high surrogate in a pattern never matches half of a pair.
    expect(w([{ kind: "star" }, { kind: "text", text: "\ud83d" }, { kind: "star" }], "😀")).toBe(false);
    expect(globMatches([{ kind: "star" }, { kind: "text", text: "\ud83d" }, { kind: "star" }], "😀")).toBe(false);
  });
});

// Pattern segments rich in `**` and `*`.
const SEGMENTS = ["**", "**", "**", "*", "*", "a", "b", "a*", "*a", "*a*", "a*b", "*a*b*", "?", "?*", "*?a*?", "a?", "😀*", "*.b"];
const patternArb = fc
  .tuple(fc.constantFrom("", "/"), fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 7 }), fc.constantFrom("", "", "/"))
  .map(([lead, segs, trail]) => `${lead}${segs.join("/")}${trail}`);
const PATH_SEGMENTS = ["a", "a", "b", "ab", "aab", "ba", "a.b", "😀a", "x", ""];
const pathArb = fc
  .array(fc.constantFrom(...PATH_SEGMENTS), { minLength: 1, maxLength: 7 })
  .map((s) => s.join("/"))
  .filter((p) => p !== "");

describe("whole patterns: `**`, `*` and the modes", () => {
  it("parseCodeowners and parseCodeownersReference answer as the backtracking matcher does", () => {
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        const compiled = compilePattern(pattern);
        if (!compiled.ok) return;
        const want = naivePattern(compiled.pattern, path.split("/"));
        const expected = want ? { kind: "owned", line: 1 } : { kind: "unmatched", line: undefined };
        for (const co of [parseCodeowners(`${pattern} @o`), parseCodeownersReference(`${pattern} @o`)]) {
          const m = co.match(path);
          expect([pattern, path, { kind: m.kind, line: m.kind === "unmatched" ? undefined : m.rule.line }]).toEqual([
            pattern,
            path,
            expected,
          ]);
        }
        expect([pattern, path, patternMatches(compiled.pattern, path.split("/"))]).toEqual([pattern, path, want]);
      }),
      { numRuns: 20_000 },
    );
  });

  it("segmentsMatch agrees with the backtracking matcher in every mode and from every start", () => {
    const testOf = (s: Segment) =>
      s.kind === "literal" ? literalTest(s.text) : s.kind === "globstar" ? GLOBSTAR_TEST : globSegmentTest(s.parts, true);
    const modes = [
      ["any", MODE_ANY],
      ["dir", MODE_DIR],
      ["exact", MODE_EXACT],
    ] as const;
    fc.assert(
      fc.property(patternArb, pathArb, fc.nat(3), (pattern, path, start) => {
        const compiled = compilePattern(pattern);
        if (!compiled.ok) return;
        const segs = path.split("/");
        const tests = compiled.pattern.segments.map(testOf);
        for (const [mode, code] of modes) {
          const p: CompiledPattern = { segments: compiled.pattern.segments, mode };
          expect([pattern, path, mode, segmentsMatch(tests, 0, segs, 0, segs.length, code)]).toEqual([
            pattern,
            path,
            mode,
            naivePattern(p, segs),
          ]);
          // From a start after a prefix the caller already matched (the index's trie does this).
          const from = Math.min(start, segs.length, tests.length);
          const prefix: CompiledPattern = {
            segments: [
              ...segs.slice(0, from).map((text): Segment => ({ kind: "literal", text })),
              ...compiled.pattern.segments.slice(from),
            ],
            mode,
          };
          const fromTests = [...segs.slice(0, from).map(literalTest), ...tests.slice(from)];
          expect([pattern, path, mode, from, segmentsMatch(fromTests, from, segs, from, segs.length, code)]).toEqual([
            pattern,
            path,
            mode,
            from,
            naivePattern(prefix, segs),
          ]);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it("the generator reaches both answers often", () => {
    let yes = 0;
    let all = 0;
    fc.assert(
      fc.property(patternArb, pathArb, (pattern, path) => {
        const compiled = compilePattern(pattern);
        if (!compiled.ok) return;
        all++;
        if (naivePattern(compiled.pattern, path.split("/"))) yes++;
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(yes).toBeGreaterThan(all / 10);
    expect(yes).toBeLessThan((all * 9) / 10);
  });
});
