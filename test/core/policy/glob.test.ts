/**
 * The policy's globs (`repositories`, `paths`, `apps`; src/core/glob.ts compileGlob): the answers
 * picomatch (`dot: true`) gave when it matched them, and a plain backtracking matcher on random
 * globs rich in `**`, `*`, classes and braces.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, expandBraces, globProblem, MAX_ALTERNATIVES } from "../../../src/core/glob.ts";
import { repoMatches, selectorMatches, type AlertFacts } from "../../../src/core/policy/select.ts";

// Recorded from picomatch 4.0 with { dot: true } (and nocase where marked), which select.ts used
// until its matching was found to be exponential. Only inputs GitHub can produce: no `.` or `..`
// segments, no empty segments, no trailing `/` (see src/core/glob.ts for where picomatch differs).
const PICOMATCH: [pattern: string, text: string, matches: boolean][] = [
  ["payments-*", "payments-api", true],
  ["payments-*", "payments-", true],
  ["payments-*", "payments", false],
  ["payments-*", "acme/payments-api", false],
  ["payments-*", "Payments-api", false],
  ["acme/payments-*", "acme/payments-api", true],
  ["acme/payments-*", "other/payments-api", false],
  ["acme/payments-*", "payments-api", false],
  ["deploy/**", "deploy", true],
  ["deploy/**", "deploy/x", true],
  ["deploy/**", "deploy/x/y.ts", true],
  ["deploy/**", "src/deploy/x", false],
  ["deploy/**", "deployx", false],
  ["**", "a", true],
  ["**", "a/b/c", true],
  ["**", ".github/x", true],
  ["**/*.pem", "key.pem", true],
  ["**/*.pem", "a/b/key.pem", true],
  ["**/*.pem", "a/b/key.pem.bak", false],
  ["**/secrets/**", "secrets", true],
  ["**/secrets/**", "secrets/a", true],
  ["**/secrets/**", "x/secrets/a/b", true],
  ["**/secrets/**", "x/secretsy/a", false],
  ["src/**/test/**/*.spec.ts", "src/test/a.spec.ts", true],
  ["src/**/test/**/*.spec.ts", "src/x/test/y/z/a.spec.ts", true],
  ["src/**/test/**/*.spec.ts", "src/a.spec.ts", false],
  ["src/**/test/**/*.spec.ts", "src/test/a.ts", false],
  ["*", "a", true],
  ["*", "a/b", false],
  ["*", ".env", true],
  ["*/", "a", false],
  ["a/*/b", "a/x/b", true],
  ["a/*/b", "a/x/y/b", false],
  ["a/*/b", "a/b", false],
  // A trailing `/**` after a segment that ends with `*` needs one more segment.
  ["src/*/**", "src/x", false],
  ["src/*/**", "src/x/y", true],
  ["src/*/**", "src/x/y/z", true],
  ["a*/**", "ab", false],
  ["a*/**", "ab/c", true],
  ["a?/**", "ab", true],
  ["a?/**", "ab/c", true],
  ["*.{yml,yaml}", "a.yml", true],
  ["*.{yml,yaml}", "a.yaml", true],
  ["*.{yml,yaml}", "a.json", false],
  ["*.{yml,yaml}", "x/a.yml", false],
  ["{src,lib}/**/*.{js,ts}", "src/a.js", true],
  ["{src,lib}/**/*.{js,ts}", "lib/x/y.ts", true],
  ["{src,lib}/**/*.{js,ts}", "test/a.js", false],
  ["a/{b,c/d}/e", "a/b/e", true],
  ["a/{b,c/d}/e", "a/c/d/e", true],
  ["a/{b,c/d}/e", "a/c/e", false],
  ["x{a,}", "x", true],
  ["x{a,}", "xa", true],
  ["x{a,}", "xb", false],
  ["{a}", "a", false],
  ["{a}", "{a}", true],
  ["svc-{1..3}", "svc-1", true],
  ["svc-{1..3}", "svc-3", true],
  ["svc-{1..3}", "svc-4", false],
  ["?.txt", "a.txt", true],
  ["?.txt", "ab.txt", false],
  ["?.txt", ".txt", false],
  ["file[0-9].txt", "file1.txt", true],
  ["file[0-9].txt", "filex.txt", false],
  ["file[^0-9].txt", "file1.txt", false],
  ["file[^0-9].txt", "filex.txt", true],
  // `!` does not negate a class in picomatch.
  ["[!a]", "a", true],
  ["[!a]", "!", true],
  ["[!a]", "b", false],
  ["a\\*b", "a*b", true],
  ["a\\*b", "axb", false],
  ["./a", "a", true],
  ["a**b", "axyb", true],
  ["a**b", "ax/yb", false],
  ["**a", "ba", true],
  ["**a", "x/ba", false],
  ["(a|b)", "(a|b)", true],
];
const PICOMATCH_NOCASE: [string, string, boolean][] = [
  ["shady*", "Shady CRM", true],
  ["DATADOG", "datadog", true],
  ["[a-c]*", "Beta", true],
  ["é*", "É", true],
  ["datadog", "datadog-ci", false],
];

describe("policy globs keep picomatch's answers", () => {
  it.each(PICOMATCH)("%j on %j: %s", (pattern, text, matches) => {
    expect(compileGlob(pattern)(text)).toBe(matches);
  });
  it.each(PICOMATCH_NOCASE)("without case, %j on %j: %s", (pattern, text, matches) => {
    expect(compileGlob(pattern, { nocase: true })(text)).toBe(matches);
  });
  it("never matches an empty text", () => {
    expect(compileGlob("**")("")).toBe(false);
    expect(compileGlob("*")("")).toBe(false);
  });
  it("repositories: a glob with `/` is matched on owner/name, one without on the name", () => {
    expect(repoMatches(["payments-*"], "acme/payments-api")).toBe(true);
    expect(repoMatches(["acme/pay*"], "acme/payments-api")).toBe(true);
    expect(repoMatches(["*/pay*"], "other/payments-api")).toBe(true);
    expect(repoMatches(["pay*/x"], "acme/payments-api")).toBe(false);
  });
});

describe("braces", () => {
  it("expand into alternatives, nested, escaped and literal as picomatch reads them", () => {
    expect(expandBraces("{a,b}/{c,d}")).toEqual(["a/c", "a/d", "b/c", "b/d"]);
    expect(expandBraces("{a,{b,c}}x")).toEqual(["ax", "bx", "cx"]);
    expect(expandBraces("{a}{b,c}")).toEqual(["{a}b", "{a}c"]);
    expect(expandBraces("\\{a,b}")).toEqual(["\\{a,b}"]);
    expect(expandBraces("{a\\,b,c}")).toEqual(["a\\,b", "c"]);
    expect(expandBraces("{a,b")).toEqual(["{a,b"]);
    expect(expandBraces("{a..c}")).toEqual(["[\\a-\\c]"]);
  });

  it(`a glob with more than ${MAX_ALTERNATIVES} alternatives is reported and matches nothing, without expanding it`, () => {
    const many = "{a,b}".repeat(11); // 2,048 alternatives
    expect(globProblem(many)).toMatch(/more than 1024 alternatives/);
    expect(expandBraces(many)).toBeNull();
    expect(compileGlob(many)("a".repeat(11))).toBe(false);
    // Counting is linear: 10,000 groups (2^10000 alternatives) are refused at once.
    expect(globProblem("{a,b}".repeat(10_000))).not.toBeNull();
    expect(globProblem("{a,b}".repeat(10))).toBeNull();
    expect(globProblem("deploy/**")).toBeNull();
  });
});

// A plain backtracking matcher for the same syntax, on patterns built from tokens whose brace
// expansions are known, so that it needs no brace parser of its own.
type Token = { src: string; alts: string[] };
const T = (src: string, alts = [src]): Token => ({ src, alts });
const TOKENS: Token[] = [
  T("a"),
  T("b"),
  T("ab"),
  T("."),
  T("*"),
  T("*"),
  T("**"),
  T("**"),
  T("/"),
  T("/"),
  T("/"),
  T("?"),
  T("[ab]"),
  T("[^a]"),
  T("\\*"),
  T("{a,b}", ["a", "b"]),
  T("{a,bb,}", ["a", "bb", ""]),
  T("{a/*,b}", ["a/*", "b"]),
  T("{a..c}", ["a", "b", "c"]),
];

function naive(tokens: Token[], text: string, nocase: boolean): boolean {
  let patterns = [""];
  for (const t of tokens) patterns = patterns.flatMap((p) => t.alts.map((a) => p + a));
  const fold = (s: string) => (nocase ? s.toUpperCase() : s);
  return text !== "" && patterns.some((p) => naiveOne(p, fold(text), nocase));
}

/** One brace-free glob: split at `/`, `**` segments, then characters. */
function naiveOne(pattern: string, text: string, nocase: boolean): boolean {
  while (pattern.startsWith("./")) pattern = pattern.slice(2);
  // Characters with their escapes resolved: [char, escaped].
  const chars: [string, boolean][] = [];
  for (let i = 0; i < pattern.length; i++)
    chars.push(pattern[i] === "\\" && i + 1 < pattern.length ? [pattern[++i]!, true] : [pattern[i]!, false]);
  const segs: [string, boolean][][] = [[]];
  for (const c of chars) {
    if (c[0] === "/") segs.push([]);
    else segs[segs.length - 1]!.push(c);
  }
  // `**`; "+": a segment of only `*` (one or more characters); "any": any one segment; else characters.
  type Seg = "**" | "+" | "any" | [string, boolean][];
  const pat: Seg[] = [];
  for (const s of segs) {
    const isGlobstar = s.length === 2 && s.every(([c, e]) => c === "*" && !e);
    if (isGlobstar) {
      if (pat[pat.length - 1] !== "**") pat.push("**");
      continue;
    }
    pat.push(s.length > 0 && s.every(([c, e]) => c === "*" && !e) ? "+" : s);
  }
  // A trailing `**` after a segment that ends with an unescaped `*` needs one more segment.
  if (pat.length >= 2 && pat[pat.length - 1] === "**") {
    let j = pat.length - 2;
    while (j >= 0 && pat[j] === "**") j--;
    const before = pat[j];
    const last = before === "+" ? ["*", false] : Array.isArray(before) ? before[before.length - 1] : undefined;
    if (last && last[0] === "*" && !last[1]) pat.splice(pat.length - 1, 0, "any");
  }
  const path = text.split("/");
  const segMatch = (s: Seg, t: string): boolean => {
    if (s === "+") return t.length > 0;
    if (s === "any") return true;
    if (s === "**") throw new Error("unreachable");
    const go = (i: number, j: number): boolean => {
      if (i === s.length) return j === t.length;
      const [c, e] = s[i]!;
      if (!e && c === "*") {
        for (let k = j; k <= t.length; k++) if (go(i + 1, k)) return true;
        return false;
      }
      if (j >= t.length) return false;
      if (!e && c === "?") return go(i + 1, j + 1);
      if (!e && c === "[") {
        const close = s.findIndex(([x, ex], k) => k > i + 1 && x === "]" && !ex);
        const body = s.slice(i + 1, close).map(([x]) => x);
        const neg = body[0] === "^";
        const members = (neg ? body.slice(1) : body).map(nocase ? (x) => x.toUpperCase() : (x) => x);
        return members.includes(t[j]!) !== neg && go(close + 1, j + 1);
      }
      return (nocase ? c.toUpperCase() : c) === t[j] && go(i + 1, j + 1);
    };
    return go(0, 0);
  };
  const walk = (i: number, j: number): boolean => {
    if (i === pat.length) return j === path.length;
    const s = pat[i]!;
    if (s === "**") {
      for (let k = j; k <= path.length; k++) if (walk(i + 1, k)) return true;
      return false;
    }
    return j < path.length && segMatch(s, path[j]!) && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}

const globArb = fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 8 });
const TEXT_SEGMENTS = ["a", "b", "ab", "bb", "ba", "c", "a.b", "*", "A", "x"];
const textArb = fc.array(fc.constantFrom(...TEXT_SEGMENTS), { minLength: 1, maxLength: 5 }).map((s) => s.join("/"));

describe("policy globs against a plain backtracking matcher", () => {
  it("agree on random globs and texts", () => {
    let yes = 0;
    fc.assert(
      fc.property(globArb, textArb, fc.boolean(), (tokens, text, nocase) => {
        const pattern = tokens.map((t) => t.src).join("");
        const want = naive(tokens, text, nocase);
        if (want) yes++;
        expect([pattern, text, nocase, compileGlob(pattern, { nocase })(text)]).toEqual([pattern, text, nocase, want]);
      }),
      { numRuns: 20_000 },
    );
    // Both answers are common enough to mean something (about 4 % match).
    expect(yes).toBeGreaterThan(400);
  });

  it("select.ts uses them for paths, repositories and apps", () => {
    const facts: AlertFacts = {
      source: "secret_scanning",
      secretType: "x",
      provider: null,
      identityClass: "unknown" as never,
      repo: "acme/payments-api",
      path: "deploy/prod/key.pem",
      visibility: "private",
      properties: null,
      app: "Shady CRM",
    };
    expect(selectorMatches({ paths: ["deploy/**/*.pem"] }, facts)).toBe(true);
    expect(selectorMatches({ paths: ["deploy/*.pem"] }, facts)).toBe(false);
    expect(selectorMatches({ repositories: ["payments-{api,web}"] }, facts)).toBe(true);
    expect(selectorMatches({ apps: ["shady*"] }, facts)).toBe(true);
    expect(selectorMatches({ apps: ["shady"] }, facts)).toBe(false);
  });
});
