/**
 * The indexed engine. Each rule goes into exactly one bucket chosen from what any path it matches
 * must contain:
 *   - rules whose pattern starts with literal segments (`/types/pkg/`, `docs/*`, `src/**\/x`) are keyed
 *     by those segments (a trie kept as one map of prefixes), reached by walking the path's leading
 *     segments;
 *   - other rules with a literal segment anywhere (`**\/logs`, `apps/`, `**\/mod7/**\/*.ts`) are keyed by
 *     that segment, looked up for every segment of the path;
 *   - other rules with a glob ending in a literal extension (`*.js`, `**\/*metadata.csv`) are keyed by
 *     that extension, looked up for the extension of every segment of the path;
 *   - the rest (`*`, `**`, `a*`) are checked for every path.
 * A path gathers the buckets it reaches; each bucket is scanned from its last line up, only until its
 * first match or until it reaches the best line found so far.
 * The winner is the highest line that matches: the same answer as the linear scan (reference.ts),
 * which tests check on generated files and on every benchmark corpus.
 * A candidate is tested in time O(|pattern| × |path|), however many `*` and `**` it has: the
 * shortcuts below are direct, and the general case is segmentsMatch (src/core/glob.ts), which
 * matches without backtracking.
 */
import { RuleTable } from "./parse.ts";
import { GLOBSTAR_TEST, globSegmentTest, literalTest, MODE_ANY, MODE_DIR, MODE_EXACT, segmentsMatch, type SegmentTest } from "../glob.ts";
import { compilePattern, isLoneStar, type CompiledPattern, type MatchMode, type Segment } from "./pattern.ts";
import { matchResult, UNMATCHED } from "./reference.ts";
import type { Codeowners, CodeownersError, CodeownersMatch, CodeownersRule, ParseOptions } from "./types.ts";

// How a candidate rule is tested once its bucket is reached.
const T_ALWAYS = 0; // reaching the bucket is enough
const T_DEEPER = 1; // trie, fully literal, trailing `/`: the path must go deeper than the rule
const T_COUNT_EXACT = 2; // trie, literal prefix + lone `*` segments: exactly that many more segments
const T_COUNT_DEEPER = 3; // ... more than that many
const T_COUNT_ATLEAST = 4; // ... at least that many
const T_SEGMENT_NOT_LAST = 5; // `**/lit/`: the literal segment was found before the last segment
const T_SUFFIX = 6; // `**/*.ext`: the segment ends with the suffix
const T_SUFFIX_NOT_LAST = 7; // `**/*.ext/`: ... and is not the last segment
const T_SEGMENTS = 8; // anything else: match the segments one by one

const MODES: Record<MatchMode, number> = { any: MODE_ANY, dir: MODE_DIR, exact: MODE_EXACT };

/** The test for one segment of a CODEOWNERS pattern (`?` is one code point). */
function segmentTest(s: Segment): SegmentTest {
  if (s.kind === "literal") return literalTest(s.text);
  if (s.kind === "globstar") return GLOBSTAR_TEST;
  return globSegmentTest(s.parts, true);
}

class IndexedCodeowners implements Codeowners {
  readonly path: string;
  readonly #table: RuleTable;

  // Per rule, by index. Buckets are chains: a bucket holds its highest rule, and #next links each
  // rule to the next lower one in the same bucket (-1 ends the chain). Flat arrays of small
  // integers keep a 10,000-rule file cheap to build and to garbage-collect.
  readonly #next: number[] = [];
  readonly #test: number[] = [];
  readonly #count: number[] = [];
  readonly #mode: number[] = [];
  /** T_SUFFIX*: the suffix; T_SEGMENTS: the pattern's segments, turned into tests when first used. */
  readonly #extra: (string | Segment[] | SegmentTest[] | undefined)[] = [];
  /** Glob tests made so far, by segment: lines share equal glob segments (see compilePattern). */
  readonly #segmentTests = new Map<Segment, SegmentTest>();
  /** 1 once #extra holds SegmentTest[] rather than Segment[]. */
  readonly #compiled: number[] = [];

  /** Literal leading segments joined with `/` (e.g. "types/pkg") -> trie node. */
  readonly #trie = new Map<string, number>();
  /** Per trie node: its highest rule (-1: none), and whether any longer prefix is in the trie. */
  readonly #nodeTop: number[] = [];
  readonly #nodeDeeper: number[] = [];
  /** A literal segment -> highest rule that needs it. */
  readonly #bySegment = new Map<string, number>();
  /** An extension -> highest rule that needs a segment ending in `.extension`. */
  readonly #byExtension = new Map<string, number>();
  /** Highest rule checked for every path. */
  #always = -1;

  constructor(text: string, options: ParseOptions) {
    this.#table = new RuleTable(text, options, (index, pattern, compiled) => {
      this.#next.push(-1);
      this.#test.push(T_ALWAYS);
      this.#count.push(0);
      this.#mode.push(MODE_ANY);
      this.#extra.push(undefined);
      this.#compiled.push(0);
      if (compiled !== null || !this.#placeLiteral(index, pattern))
        this.#place(index, compiled ?? (compilePattern(pattern) as { pattern: CompiledPattern }).pattern);
    });
    this.path = this.#table.path;
  }

  get rules(): readonly CodeownersRule[] {
    return this.#table.rules;
  }

  get errors(): readonly CodeownersError[] {
    return this.#table.errors;
  }

  /** The directory prefixes of the last literal pattern placed, by depth, and their nodes. */
  readonly #recentKeys: (string | undefined)[] = [];
  readonly #recentNodes: number[] = [];

  /** Trie node for a prefix ("a/b"), created when missing; the node above it is marked as having deeper nodes. */
  #node(key: string, above: number): number {
    let node = this.#trie.get(key);
    if (node === undefined) {
      node = this.#nodeTop.length;
      this.#trie.set(key, node);
      this.#nodeTop.push(-1);
      this.#nodeDeeper.push(0);
    }
    if (above >= 0) this.#nodeDeeper[above] = 1;
    return node;
  }

  /**
   * Places a pattern of plain literal text (`/types/pkg/`, `Makefile`, `docs/`) without compiling
   * it; the result is the same as #place would give. False when it needs the general route.
   */
  #placeLiteral(i: number, pattern: string): boolean {
    let end = pattern.length;
    while (pattern.charCodeAt(end - 1) === 47) end--;
    let start = 0;
    while (pattern.charCodeAt(start) === 47) start++;
    const body = start === 0 && end === pattern.length ? pattern : pattern.slice(start, end);
    if (body.includes("//")) return false;
    const dir = end < pattern.length;
    const firstSlash = pattern.indexOf("/");
    if (firstSlash < 0 || firstSlash >= end) {
      // Floating: one literal segment anywhere in the path.
      this.#next[i] = this.#bySegment.get(body) ?? -1;
      this.#bySegment.set(body, i);
      this.#test[i] = dir ? T_SEGMENT_NOT_LAST : T_ALWAYS;
      return true;
    }
    let node = -1;
    let depth = 1;
    for (let slash = body.indexOf("/"); slash >= 0; slash = body.indexOf("/", slash + 1)) {
      // Neighbouring lines often share leading directories: reuse the last line's nodes.
      const recent = this.#recentKeys[depth - 1];
      if (recent !== undefined && recent.length === slash && body.startsWith(recent)) node = this.#recentNodes[depth - 1]!;
      else {
        const key = body.slice(0, slash);
        node = this.#node(key, node);
        this.#recentKeys[depth - 1] = key;
        this.#recentNodes[depth - 1] = node;
      }
      depth++;
    }
    node = this.#node(body, node);
    this.#next[i] = this.#nodeTop[node]!;
    this.#nodeTop[node] = i;
    this.#test[i] = dir ? T_DEEPER : T_ALWAYS;
    this.#count[i] = depth;
    return true;
  }

  #place(i: number, p: CompiledPattern): void {
    const segs = p.segments;
    let lead = 0;
    while (lead < segs.length && segs[lead]!.kind === "literal") lead++;

    if (lead > 0) {
      let key = "";
      let node = -1;
      for (let k = 0; k < lead; k++) {
        const text = (segs[k] as { text: string }).text;
        key = k === 0 ? text : `${key}/${text}`;
        node = this.#node(key, node);
      }
      this.#next[i] = this.#nodeTop[node]!;
      this.#nodeTop[node] = i;
      const rest = segs.length - lead;
      if (rest === 0) {
        this.#test[i] = p.mode === "dir" ? T_DEEPER : T_ALWAYS;
        this.#count[i] = lead;
      } else if (segs.slice(lead).every(isLoneStar)) {
        this.#test[i] = p.mode === "exact" ? T_COUNT_EXACT : p.mode === "dir" ? T_COUNT_DEEPER : T_COUNT_ATLEAST;
        this.#count[i] = lead + rest;
      } else {
        // The trie already matched the literal prefix: start after it.
        this.#useSegments(i, p, lead);
      }
      return;
    }

    const floatingOne = segs.length === 2 && segs[0]!.kind === "globstar" ? segs[1]! : undefined;

    let literal: string | undefined;
    for (const s of segs) if (s.kind === "literal") literal = s.text;
    if (literal !== undefined) {
      this.#next[i] = this.#bySegment.get(literal) ?? -1;
      this.#bySegment.set(literal, i);
      if (floatingOne?.kind === "literal") this.#test[i] = p.mode === "dir" ? T_SEGMENT_NOT_LAST : T_ALWAYS;
      else this.#useSegments(i, p, 0);
      return;
    }

    let ext: string | undefined;
    for (const s of segs) ext = extensionOf(s) ?? ext;
    if (ext !== undefined) {
      this.#next[i] = this.#byExtension.get(ext) ?? -1;
      this.#byExtension.set(ext, i);
      const suffix = floatingOne ? starSuffix(floatingOne) : undefined;
      if (suffix !== undefined && p.mode !== "exact") {
        this.#test[i] = p.mode === "dir" ? T_SUFFIX_NOT_LAST : T_SUFFIX;
        this.#extra[i] = suffix;
      } else {
        this.#useSegments(i, p, 0);
      }
      return;
    }

    this.#next[i] = this.#always;
    this.#always = i;
    const everything =
      (segs.length === 1 && segs[0]!.kind === "globstar" && p.mode === "any") ||
      (floatingOne !== undefined && isLoneStar(floatingOne) && p.mode === "exact");
    if (!everything) this.#useSegments(i, p, 0);
  }

  #useSegments(i: number, p: CompiledPattern, start: number): void {
    this.#test[i] = T_SEGMENTS;
    this.#count[i] = start;
    this.#mode[i] = MODES[p.mode];
    this.#extra[i] = p.segments;
  }

  /** Tests a candidate. `at` is the index of the path segment that led to it (trie: the depth). */
  #passes(i: number, segs: string[], n: number, at: number): boolean {
    switch (this.#test[i]) {
      case T_ALWAYS:
        return true;
      case T_DEEPER:
        return n > this.#count[i]!;
      case T_COUNT_EXACT:
        return n === this.#count[i]!;
      case T_COUNT_DEEPER:
        return n > this.#count[i]!;
      case T_COUNT_ATLEAST:
        return n >= this.#count[i]!;
      case T_SEGMENT_NOT_LAST:
        return at < n - 1;
      case T_SUFFIX:
        return segs[at]!.endsWith(this.#extra[i] as string);
      case T_SUFFIX_NOT_LAST:
        return at < n - 1 && segs[at]!.endsWith(this.#extra[i] as string);
      default: {
        const start = this.#count[i]!;
        let tests = this.#extra[i] as SegmentTest[];
        if (this.#compiled[i] !== 1) {
          tests = this.#extra[i] = (this.#extra[i] as Segment[]).map((seg) => {
            // Literal tests are cheap to make; glob tests are shared between lines.
            if (seg.kind !== "glob") return segmentTest(seg);
            let t = this.#segmentTests.get(seg);
            if (t === undefined) this.#segmentTests.set(seg, (t = segmentTest(seg)));
            return t;
          });
          this.#compiled[i] = 1;
        }
        return segmentsMatch(tests, start, segs, start, n, this.#mode[i]!);
      }
    }
  }

  /** Follows a bucket's chain from `top` down: the first rule above `best` that passes, or `best`. */
  #scan(top: number, best: number, segs: string[], n: number, at: number): number {
    const next = this.#next;
    for (let r = top; r > best; r = next[r]!) {
      if (this.#passes(r, segs, n, at)) return r;
    }
    return best;
  }

  match(filePath: string): CodeownersMatch {
    if (filePath === "") return UNMATCHED;
    const segs = filePath.split("/");
    const n = segs.length;
    let best = -1;

    // Walk the trie along the path's leading segments.
    let end = -1;
    for (let d = 0; d < n; d++) {
      end += segs[d]!.length + 1;
      const node = this.#trie.get(d === n - 1 ? filePath : filePath.slice(0, end));
      if (node === undefined) break;
      best = this.#scan(this.#nodeTop[node]!, best, segs, n, d + 1);
      if (this.#nodeDeeper[node] === 0) break;
    }

    const bySegment = this.#bySegment.size > 0 ? this.#bySegment : undefined;
    const byExtension = this.#byExtension.size > 0 ? this.#byExtension : undefined;
    if (bySegment !== undefined || byExtension !== undefined) {
      for (let j = 0; j < n; j++) {
        const seg = segs[j]!;
        if (bySegment !== undefined) {
          const top = bySegment.get(seg);
          if (top !== undefined) best = this.#scan(top, best, segs, n, j);
        }
        if (byExtension !== undefined) {
          const dot = seg.lastIndexOf(".");
          if (dot >= 0) {
            const top = byExtension.get(seg.slice(dot + 1));
            if (top !== undefined) best = this.#scan(top, best, segs, n, j);
          }
        }
      }
    }

    if (this.#always > best) best = this.#scan(this.#always, best, segs, n, 0);

    return best < 0 ? UNMATCHED : matchResult(this.#table.rule(best));
  }
}

/** For a glob segment ending in literal text with a dot: the text after that dot. */
function extensionOf(s: Segment): string | undefined {
  if (s.kind !== "glob") return undefined;
  const last = s.parts[s.parts.length - 1]!;
  if (last.kind !== "text") return undefined;
  const dot = last.text.lastIndexOf(".");
  return dot < 0 ? undefined : last.text.slice(dot + 1);
}

/** For a glob segment that is `*` followed by literal text: that text. */
function starSuffix(s: Segment): string | undefined {
  if (s.kind !== "glob" || s.parts.length !== 2) return undefined;
  const [a, b] = s.parts;
  return a?.kind === "star" && b?.kind === "text" ? b.text : undefined;
}

/** Parses a CODEOWNERS file once, for resolving many paths. */
export function parseIndexed(text: string, options: ParseOptions = {}): Codeowners {
  return new IndexedCodeowners(text, options);
}
