/**
 * Glob matching in time polynomial in pattern × text, shared by the CODEOWNERS engine
 * (src/core/codeowners/engine.ts) and the policy's selectors (src/core/policy/select.ts).
 *
 * Why. A backtracking matcher (a recursion that tries every split for each `*` or `**`, or a regular
 * expression with several `[^/]*`) takes time exponential in the number of wildcards: a 45-character
 * CODEOWNERS line with a few `**` took 15 s on a 145-character path, blocking the event loop.
 *
 * How. Both levels are matched the same way, in one left-to-right pass with no backtracking.
 *   - A path is a list of segments; a pattern is a list of segment tests and `**`s (zero or more
 *     whole segments). A segment is a list of characters; a segment glob is a list of tokens (text,
 *     `?`, `[...]`) and `*`s (any run of characters). Outside the stars, every test consumes exactly
 *     one element: one path segment, or one character.
 *   - Cut the pattern at its stars into blocks of fixed width. The first block must match at the
 *     start, the last one at the end (or, for a CODEOWNERS pattern that may end at a directory, at
 *     the first place it fits), and those in between in order, anywhere between. Placing each middle
 *     block at its leftmost occurrence is never worse than any other placement: it ends first, so it
 *     leaves the most room for the rest. Hence one pass decides.
 *   - Bound. A block search tries each start position once, and each (token, position) pair is
 *     tested at most once per match, so a segment-level match makes at most |pattern segments| ×
 *     |path segments| segment tests, and a segment test makes at most |segment glob| × |segment|
 *     character comparisons: O(|pattern| × |path|) character steps for a whole path, whatever the
 *     pattern (literal text in a middle block is found with String#indexOf, within the same bound).
 *     A policy glob with braces is matched once per alternative: O(A × |pattern| × |text|), with A at
 *     most MAX_ALTERNATIVES.
 *   - `matchWork` counts that work (segment tests and characters compared), and stops a match that
 *     exceeds `matchWork.limit` (tests set it, through withMatchBudget; by default there is no limit),
 *     so that tests can prove the bound without timing anything.
 *
 * Policy globs (compileGlob) keep picomatch's answers with `dot: true` (what select.ts used before)
 * for this syntax:
 *   - `**` as a whole segment: zero or more segments (`a/**` also matches `a`, `**\/a` matches `a`);
 *     elsewhere (`a**`) it is `*`. As in picomatch, a trailing `/**` after a segment that ends with
 *     `*` needs one more segment: `src/*\/**` does not match `src/x`.
 *   - `*`: any run of characters within a segment; a segment that is only `*` needs one character.
 *   - `?`: one character (a UTF-16 unit, as picomatch).
 *   - `[...]`: one character of a class: ranges `a-z`, `[^...]` negates, `]` first is literal, `\`
 *     escapes. `!` does not negate (picomatch reads `[!a]` as `!` or `a`).
 *   - `{a,b}`: alternatives, nested, empty ones allowed (`x{a,}`); `{a}` is literal text; `{a..e}` is
 *     a range of single characters. Braces are expanded (counted first, in linear time); a glob
 *     whose braces give more than MAX_ALTERNATIVES alternatives matches nothing (globProblem).
 *   - `\x` is `x`; a leading `./` is dropped; `nocase` folds case as a regular expression's `i` does.
 *   - Everything else is literal. picomatch read `(a|b)`, a leading `!` and the extglobs `+(…)`,
 *     `@(…)` as regular-expression syntax, and `[[:alpha:]]` as a POSIX class: none is used by the
 *     policies or documented, so none is kept.
 * Where the answers differ from picomatch, on texts GitHub never produces: picomatch also accepts a
 * trailing `/` after `*` or `**`, never lets `*` or `**` match a `.` or `..` segment, lets a class
 * contain `/`, lets `[ab]` and `{a,b}` match their own text, lets a segment of three or more `*`
 * match nothing, and reads a `**` next to braces (`{a,}**`) as `*`.
 */

/** Matching work done so far (segment tests and characters compared), and the most allowed. */
export const matchWork = { steps: 0, limit: Number.POSITIVE_INFINITY };

export class MatchBudgetExceeded extends Error {
  constructor(limit: number) {
    super(`glob matching exceeded its budget of ${limit} steps`);
    this.name = "MatchBudgetExceeded";
  }
}

/**
 * Runs `fn` allowing it at most `limit` more steps of matching work (beyond them a match throws
 * MatchBudgetExceeded); returns what it returned and the steps it took. Nests.
 */
export function withMatchBudget<T>(limit: number, fn: () => T): { value: T; steps: number } {
  const outer = matchWork.limit;
  const start = matchWork.steps;
  matchWork.limit = Math.min(outer, start + limit);
  try {
    const value = fn();
    return { value, steps: matchWork.steps - start };
  } finally {
    matchWork.limit = outer;
  }
}

/** Counts `n` steps of matching work. */
export function spend(n: number): void {
  if ((matchWork.steps += n) > matchWork.limit) throw new MatchBudgetExceeded(matchWork.limit);
}

// ---------------------------------------------------------------------------------------------
// One segment: text, `?`, `[...]` and `*`.

/** A class of characters: `[a-z_]`, `[^/]`. `ranges` holds inclusive [from, to] pairs of code units (or points). */
export interface CharClass {
  negated: boolean;
  ranges: number[];
  /** Also try the character's lower case (the input is folded to upper case). */
  nocase: boolean;
}

export type WildPart = { kind: "text"; text: string } | { kind: "star" } | { kind: "one" } | { kind: "class"; cls: CharClass };

/** Consecutive tokens between two stars: every token is one character. */
interface Block {
  toks: WildPart[];
  /** The block's text when it is only text (found with indexOf). */
  lit: string | null;
  /** Code units when every character is one unit; the least the block can consume. */
  units: number;
  /** Characters (code points) the block consumes. */
  points: number;
}

/** A compiled segment glob: blocks between stars. */
export interface Wildcard {
  /** Before the first star; with no star, the whole glob. */
  head: Block | null;
  mids: Block[];
  /** After the last star. */
  tail: Block | null;
  star: boolean;
  /** The fewest code units a matching text has. */
  min: number;
  /** `?` and classes take one code point (CODEOWNERS) rather than one UTF-16 unit (picomatch). */
  codePoints: boolean;
}

function block(toks: WildPart[]): Block | null {
  if (toks.length === 0) return null;
  let units = 0;
  let points = 0;
  let lit: string | null = "";
  for (const t of toks) {
    if (t.kind === "text") {
      units += t.text.length;
      for (const _ of t.text) points++;
      if (lit !== null) lit += t.text;
    } else {
      units++;
      points++;
      lit = null;
    }
  }
  return { toks, lit, units, points };
}

export function compileWildcard(parts: readonly WildPart[], codePoints: boolean): Wildcard {
  const blocks: (Block | null)[] = [];
  let current: WildPart[] = [];
  let star = false;
  for (const p of parts) {
    if (p.kind === "star") {
      star = true;
      blocks.push(block(current));
      current = [];
    } else if (p.kind === "text" && current.length > 0 && current[current.length - 1]!.kind === "text") {
      // Adjacent text (from escapes) is one token.
      const prev = current.pop() as { text: string };
      current.push({ kind: "text", text: prev.text + p.text });
    } else {
      current.push(p);
    }
  }
  blocks.push(block(current));
  const head = blocks[0]!;
  const tail = star ? blocks[blocks.length - 1]! : null;
  const mids = star ? (blocks.slice(1, -1).filter((b) => b !== null) as Block[]) : [];
  let min = 0;
  for (const b of blocks) min += b?.units ?? 0;
  return { head, mids, tail, star, min, codePoints };
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Is `i` between the two halves of a surrogate pair? */
function splitsPair(s: string, i: number): boolean {
  return i > 0 && i < s.length && isLow(s.charCodeAt(i)) && isHigh(s.charCodeAt(i - 1));
}

function classHas(cls: CharClass, c: number): boolean {
  let has = inRanges(cls.ranges, c);
  if (!has && cls.nocase) {
    const lower = String.fromCodePoint(c).toLowerCase();
    if (lower.length === 1) has = inRanges(cls.ranges, lower.charCodeAt(0));
  }
  return has !== cls.negated;
}

function inRanges(ranges: number[], c: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (c >= ranges[i]! && c <= ranges[i + 1]!) return true;
  return false;
}

/** Where block `b` ends when it starts at `i` in `s`, or -1. */
function matchAt(b: Block, s: string, i: number, cp: boolean): number {
  const toks = b.toks;
  spend(toks.length);
  for (let t = 0; t < toks.length; t++) {
    const p = toks[t]!;
    if (p.kind === "text") {
      if (!s.startsWith(p.text, i)) return -1;
      spend(p.text.length);
      i += p.text.length;
      if (cp && splitsPair(s, i)) return -1;
    } else {
      if (i >= s.length) return -1;
      let c = s.charCodeAt(i);
      let w = 1;
      if (cp && isHigh(c) && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (isLow(d)) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          w = 2;
        }
      }
      if (p.kind === "class" && !classHas(p.cls, c)) return -1;
      i += w;
    }
  }
  return i;
}

/** Leftmost placement of `b` in `s` starting at or after `from` and ending at or before `limit`: its end, or -1. */
function findFrom(b: Block, s: string, from: number, limit: number, cp: boolean): number {
  const last = limit - b.units;
  if (from > last) return -1;
  if (b.lit !== null) {
    const lit = b.lit;
    let j = s.indexOf(lit, from);
    while (cp && j >= 0 && (splitsPair(s, j) || splitsPair(s, j + lit.length))) j = s.indexOf(lit, j + 1);
    spend((j < 0 ? s.length - from : j - from) + lit.length);
    return j >= 0 && j <= last ? j + lit.length : -1;
  }
  for (let j = from; j <= last;) {
    const e = matchAt(b, s, j, cp);
    if (e >= 0) return e <= limit ? e : -1;
    j += cp && isHigh(s.charCodeAt(j)) && isLow(s.charCodeAt(j + 1)) ? 2 : 1;
  }
  return -1;
}

/** Does the segment glob match all of `s`? O(|glob| × |s|). */
export function wildcardMatches(w: Wildcard, s: string): boolean {
  const len = s.length;
  spend(1);
  if (len < w.min) return false;
  const cp = w.codePoints;
  if (!w.star) return matchAt(w.head!, s, 0, cp) === len;
  let pos = 0;
  if (w.head !== null) {
    pos = matchAt(w.head, s, 0, cp);
    if (pos < 0) return false;
  }
  let end = len;
  const tail = w.tail;
  if (tail !== null) {
    // The tail ends at the end of the text: it starts `points` characters before it.
    let start = len - tail.units;
    if (cp) {
      start = len;
      for (let k = 0; k < tail.points; k++)
        start -= start >= 2 && isLow(s.charCodeAt(start - 1)) && isHigh(s.charCodeAt(start - 2)) ? 2 : 1;
      spend(tail.points);
    }
    if (start < pos || matchAt(tail, s, start, cp) !== len) return false;
    end = start;
  }
  for (const m of w.mids) {
    pos = findFrom(m, s, pos, end, cp);
    if (pos < 0) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// A path: segment tests and `**`.

// How one segment of a pattern is tested against one segment of a path.
export const S_LITERAL = 0;
export const S_GLOBSTAR = 1;
export const S_ANY = 2; // `*`
export const S_SUFFIX = 3; // `*a`
export const S_PREFIX = 4; // `a*`
export const S_PREFIX_SUFFIX = 5; // `a*b`
export const S_CONTAINS = 6; // `*a*`
export const S_WILD = 7; // anything else (`?`, classes, several `*`)
export const S_NONEMPTY = 8; // a policy segment that is only `*`: any non-empty segment

export interface SegmentTest {
  k: number;
  a: string;
  b: string;
  w: Wildcard | undefined;
}

export const GLOBSTAR_TEST: SegmentTest = { k: S_GLOBSTAR, a: "", b: "", w: undefined };

export function literalTest(text: string): SegmentTest {
  return { k: S_LITERAL, a: text, b: "", w: undefined };
}

/** The test for one segment glob; common shapes get a direct test. */
export function globSegmentTest(parts: readonly WildPart[], codePoints: boolean): SegmentTest {
  const t: SegmentTest = { k: S_WILD, a: "", b: "", w: undefined };
  const [p0, p1, p2] = parts;
  const len = parts.length;
  if (len === 1 && p0!.kind === "star") t.k = S_ANY;
  else if (len === 2 && p0!.kind === "star" && p1!.kind === "text") [t.k, t.a] = [S_SUFFIX, p1!.text];
  else if (len === 2 && p0!.kind === "text" && p1!.kind === "star") [t.k, t.a] = [S_PREFIX, p0!.text];
  else if (len === 3 && p0!.kind === "text" && p1!.kind === "star" && p2!.kind === "text")
    [t.k, t.a, t.b] = [S_PREFIX_SUFFIX, p0!.text, p2!.text];
  else if (len === 3 && p0!.kind === "star" && p1!.kind === "text" && p2!.kind === "star") [t.k, t.a] = [S_CONTAINS, p1!.text];
  else t.w = compileWildcard(parts, codePoints);
  return t;
}

export function segmentPasses(t: SegmentTest, seg: string): boolean {
  spend(1);
  switch (t.k) {
    case S_LITERAL:
      return seg === t.a;
    case S_ANY:
      return true;
    case S_SUFFIX:
      return seg.endsWith(t.a);
    case S_PREFIX:
      return seg.startsWith(t.a);
    case S_PREFIX_SUFFIX:
      return seg.length >= t.a.length + t.b.length && seg.startsWith(t.a) && seg.endsWith(t.b);
    case S_CONTAINS:
      return seg.includes(t.a);
    case S_NONEMPTY:
      return seg.length > 0;
    default:
      return wildcardMatches(t.w!, seg);
  }
}

/** Where the segments a pattern covers may end: anywhere (at least one), before the last segment, or at the last. */
export const MODE_ANY = 0;
export const MODE_DIR = 1;
export const MODE_EXACT = 2;

/** Leftmost q in [lo, hi] where tests[from..to) pass on segs[q..]: q, or -1. */
function findBlock(tests: readonly SegmentTest[], from: number, to: number, segs: readonly string[], lo: number, hi: number): number {
  for (let q = lo; q <= hi; q++) {
    let j = from;
    while (j < to && segmentPasses(tests[j]!, segs[q + j - from]!)) j++;
    if (j === to) return q;
  }
  return -1;
}

/**
 * Do `tests[si..]` match the path segments from `pi` on (`n` of them), covering k segments in all,
 * with 1 <= k, and k <= n (MODE_ANY), k < n (MODE_DIR) or k === n (MODE_EXACT)? No backtracking:
 * O(|tests| × n) segment tests (see the top of this file).
 */
export function segmentsMatch(
  tests: readonly SegmentTest[],
  si: number,
  segs: readonly string[],
  pi: number,
  n: number,
  mode: number,
): boolean {
  const m = tests.length;
  // The first block, up to the first `**`, at pi.
  while (si < m) {
    const t = tests[si]!;
    if (t.k === S_GLOBSTAR) break;
    if (pi >= n || !segmentPasses(t, segs[pi]!)) return false;
    si++;
    pi++;
  }
  // The most segments the pattern may cover.
  const hi = mode === MODE_DIR ? n - 1 : n;
  if (si === m) return pi >= 1 && (mode === MODE_EXACT ? pi === n : pi <= hi);

  let last = m - 1;
  while (tests[last]!.k !== S_GLOBSTAR) last--;
  const tail = m - 1 - last;
  // The middle blocks must end by `end`.
  let end = hi;
  if (tail > 0 && mode === MODE_EXACT) {
    // The last block covers the last `tail` segments.
    end = n - tail;
    if (end < pi) return false;
    for (let j = 0; j < tail; j++) if (!segmentPasses(tests[last + 1 + j]!, segs[end + j]!)) return false;
  }
  for (si++; si <= last;) {
    let to = si;
    while (tests[to]!.k !== S_GLOBSTAR) to++;
    const width = to - si;
    if (width > 0) {
      const q = findBlock(tests, si, to, segs, pi, end - width);
      if (q < 0) return false;
      pi = q + width;
    }
    si = to + 1;
  }
  // A trailing `**` covers what is left: any k from max(pi, 1) to hi.
  if (tail === 0) return Math.max(pi, 1) <= hi;
  if (mode === MODE_EXACT) return true;
  // The last block, at the first place it fits.
  return findBlock(tests, last + 1, m, segs, pi, hi - tail) >= 0;
}

// ---------------------------------------------------------------------------------------------
// Policy globs.

/** A pattern whose braces give more alternatives than this matches nothing. */
export const MAX_ALTERNATIVES = 1024;

export interface GlobOptions {
  /** Compare without case, as a regular expression with the `i` flag does. */
  nocase?: boolean;
}

/** A brace-free pattern, compiled. */
type Alternative = SegmentTest[];

/** Compiles a policy glob (syntax at the top of this file) into a test of a whole text. */
export function compileGlob(pattern: string, options: GlobOptions = {}): (text: string) => boolean {
  const nocase = options.nocase === true;
  const expanded = expandBraces(pattern);
  if (expanded === null) return () => false;
  const alternatives: Alternative[] = expanded.map((p) => compileAlternative(p, nocase));
  return (text: string): boolean => {
    if (text === "") return false;
    const segs = (nocase ? fold(text) : text).split("/");
    for (const a of alternatives) if (segmentsMatch(a, 0, segs, 0, segs.length, MODE_EXACT)) return true;
    return false;
  };
}

/** Why a policy glob cannot be used as written, or null. */
export function globProblem(pattern: string): string | null {
  return expandBraces(pattern) === null ? `its braces give more than ${MAX_ALTERNATIVES} alternatives; list fewer, or use \`*\`` : null;
}

/** Upper case, one UTF-16 unit at a time, as a regular expression with the `i` flag (and no `u`) compares. */
export function fold(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) if (s.charCodeAt(i) > 127) ascii = false;
  if (ascii) return s.toUpperCase();
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const up = ch.toUpperCase();
    out += up.length === 1 && !(ch.charCodeAt(0) > 127 && up.charCodeAt(0) < 128) ? up : ch;
  }
  return out;
}

type Tok = { ch: string; escaped: boolean };

function compileAlternative(pattern: string, nocase: boolean): Alternative {
  let p = pattern;
  while (p.startsWith("./")) p = p.slice(2);
  const toks: Tok[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === "\\" && i + 1 < p.length) toks.push({ ch: p[++i]!, escaped: true });
    else toks.push({ ch, escaped: false });
  }
  const tests: SegmentTest[] = [];
  let start = 0;
  let starEnded = false;
  for (let i = 0; i <= toks.length; i++) {
    if (i < toks.length && toks[i]!.ch !== "/") continue;
    const seg = toks.slice(start, i);
    start = i + 1;
    const t = segmentOf(seg, nocase);
    if (t.k === S_GLOBSTAR && tests.length > 0 && tests[tests.length - 1]!.k === S_GLOBSTAR) continue;
    if (t.k !== S_GLOBSTAR) {
      const last = seg[seg.length - 1];
      starEnded = last !== undefined && last.ch === "*" && !last.escaped;
    }
    tests.push(t);
  }
  // picomatch: a trailing `/**` after a segment that ends with `*` (`src/*/**`) needs one more segment.
  if (starEnded && tests.length >= 2 && tests[tests.length - 1]!.k === S_GLOBSTAR)
    tests.splice(tests.length - 1, 0, { k: S_ANY, a: "", b: "", w: undefined });
  return tests;
}

function segmentOf(toks: Tok[], nocase: boolean): SegmentTest {
  if (toks.length === 2 && toks.every((t) => t.ch === "*" && !t.escaped)) return GLOBSTAR_TEST;
  const parts: WildPart[] = [];
  let text = "";
  const flush = () => {
    if (text) parts.push({ kind: "text", text: nocase ? fold(text) : text });
    text = "";
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (!t.escaped && t.ch === "*") {
      flush();
      if (parts.length === 0 || parts[parts.length - 1]!.kind !== "star") parts.push({ kind: "star" });
    } else if (!t.escaped && t.ch === "?") {
      flush();
      parts.push({ kind: "one" });
    } else if (!t.escaped && t.ch === "[") {
      const cls = parseClass(toks, i, nocase);
      if (cls === null) text += "[";
      else {
        flush();
        parts.push({ kind: "class", cls: cls.cls });
        i = cls.end;
      }
    } else {
      text += t.ch;
    }
  }
  flush();
  if (parts.length === 0) return literalTest("");
  const only = parts.length === 1 ? parts[0]! : undefined;
  if (only?.kind === "text") return literalTest(only.text);
  if (parts.every((p) => p.kind === "star")) return { k: S_NONEMPTY, a: "", b: "", w: undefined };
  return globSegmentTest(parts, false);
}

/** A class starting at toks[open] (`[`): its ranges and the index of its `]`, or null when it is not closed. */
function parseClass(toks: Tok[], open: number, nocase: boolean): { cls: CharClass; end: number } | null {
  let i = open + 1;
  let negated = false;
  if (i < toks.length && !toks[i]!.escaped && toks[i]!.ch === "^") {
    negated = true;
    i++;
  }
  const ranges: number[] = [];
  let first = true;
  for (; i < toks.length; i++) {
    const t = toks[i]!;
    if (!t.escaped && t.ch === "]" && !first) return { cls: { negated, ranges, nocase }, end: i };
    first = false;
    const from = t.ch.charCodeAt(0);
    const dash = toks[i + 1];
    const to = toks[i + 2];
    if (dash && to && !dash.escaped && dash.ch === "-" && !(to.ch === "]" && !to.escaped)) {
      ranges.push(from, to.ch.charCodeAt(0));
      i += 2;
    } else {
      ranges.push(from, from);
    }
  }
  return null;
}

// Braces: parsed into a tree (in one pass), counted, then expanded.
type BraceNode = string | BraceNode[][]; // text, or a group: its alternatives, each a sequence

/** The brace-free patterns a pattern stands for, or null when there would be more than MAX_ALTERNATIVES. */
export function expandBraces(pattern: string): string[] | null {
  if (!pattern.includes("{")) return [pattern];
  const seq = new BraceParser(pattern).sequence(0, pattern.length);
  if (countSequence(seq) > MAX_ALTERNATIVES) return null;
  return expandSequence(seq);
}

class BraceParser {
  readonly s: string;
  /** For each `{`, the index of its `}` (-1 when it is not closed). */
  readonly close: Int32Array;

  constructor(s: string) {
    this.s = s;
    this.close = new Int32Array(s.length).fill(-1);
    const open: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const ch = s[i];
      if (ch === "\\") i++;
      else if (ch === "{") open.push(i);
      else if (ch === "}" && open.length > 0) this.close[open.pop()!] = i;
    }
  }

  /** s[from..to) as text and groups. A `{` that is not closed, or closes a group with neither `,` nor `..` (`{a}`), is text. */
  sequence(from: number, to: number): BraceNode[] {
    const s = this.s;
    const seq: BraceNode[] = [];
    let text = "";
    for (let i = from; i < to;) {
      const ch = s[i]!;
      if (ch === "\\") {
        text += s.slice(i, i + 2);
        i += 2;
        continue;
      }
      const close = ch === "{" ? this.close[i]! : -1;
      if (close > i) {
        const group = this.group(i, close);
        if (group !== null) {
          if (text) seq.push(text);
          text = "";
          seq.push(group);
          i = close + 1;
          continue;
        }
      }
      text += ch;
      i++;
    }
    if (text) seq.push(text);
    return seq;
  }

  /** The group s[open..close], or null when it is literal text. */
  group(open: number, close: number): BraceNode[][] | null {
    const s = this.s;
    // Split at the commas of this group (not those of groups inside it).
    const cuts = [open];
    for (let i = open + 1; i < close; i++) {
      const ch = s[i];
      if (ch === "\\") i++;
      else if (ch === "{" && this.close[i]! > i) i = this.close[i]!;
      else if (ch === ",") cuts.push(i);
    }
    if (cuts.length > 1) {
      cuts.push(close);
      const alternatives: BraceNode[][] = [];
      for (let k = 0; k + 1 < cuts.length; k++) alternatives.push(this.sequence(cuts[k]! + 1, cuts[k + 1]!));
      return alternatives;
    }
    // `{a..e}`: one character between two others, either way round: a class.
    if (close - open !== 5 || s[open + 2] !== "." || s[open + 3] !== ".") return null;
    const a = s.charCodeAt(open + 1);
    const b = s.charCodeAt(open + 4);
    const esc = (c: number) => `\\${String.fromCharCode(c)}`;
    return [[`[${esc(Math.min(a, b))}-${esc(Math.max(a, b))}]`]];
  }
}

function countSequence(seq: BraceNode[]): number {
  let n = 1;
  for (const node of seq) {
    if (typeof node === "string") continue;
    let alts = 0;
    for (const alt of node) alts = Math.min(alts + countSequence(alt), MAX_ALTERNATIVES + 1);
    n = Math.min(n * alts, MAX_ALTERNATIVES + 1);
  }
  return n;
}

function expandSequence(seq: BraceNode[]): string[] {
  let out = [""];
  for (const node of seq) {
    if (typeof node === "string") {
      out = out.map((o) => o + node);
      continue;
    }
    const alts = node.flatMap(expandSequence);
    out = out.flatMap((o) => alts.map((a) => o + a));
  }
  return out;
}
