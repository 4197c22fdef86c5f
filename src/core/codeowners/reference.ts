/**
 * The plain reference: the semantics of pattern.ts written out directly, segment by segment, and
 * a linear scan from the last line up. Slow on large files, but simple enough to check by reading;
 * tests and the benchmark compare the indexed engine with it. Matching is the plain recursion
 * with a memo of where the rest of a pattern has failed, so a line costs O(|pattern| × |path|)
 * whatever its wildcards, by a different method from the engine's (src/core/glob.ts).
 */
import { spend } from "../glob.ts";
import { RuleTable } from "./parse.ts";
import { compilePattern } from "./pattern.ts";
import type { CompiledPattern, GlobPart, Segment } from "./pattern.ts";
import type { Codeowners, CodeownersError, CodeownersMatch, CodeownersRule, ParseOptions } from "./types.ts";

export const UNMATCHED: CodeownersMatch = Object.freeze({ kind: "unmatched" });

export function matchResult(rule: CodeownersRule): CodeownersMatch {
  return rule.owners.length > 0 ? { kind: "owned", rule, owners: rule.owners.slice() } : { kind: "no-owners", rule };
}

/**
 * Does one glob segment match one path segment? Works on code points. A plain recursion at each
 * `*`, with one memo: once the rest of the glob after a `*` has failed from every character from c
 * on, a later try from c or beyond fails at once. Each `*` so tries each character once: at most
 * O(tokens × characters) steps, and no deeper than the number of `*`.
 */
export function globMatches(parts: readonly GlobPart[], text: string): boolean {
  // One token per code point of literal text (kind 0), per `*` (kind 1) and per `?` (kind 2).
  const kinds: number[] = [];
  const want: string[] = [];
  for (const p of parts) {
    if (p.kind === "text") {
      for (const ch of p.text) {
        kinds.push(0);
        want.push(ch);
      }
    } else {
      kinds.push(p.kind === "star" ? 1 : 2);
      want.push("");
    }
  }
  const have = Array.from(text);
  const n = have.length;
  // failedFrom[t], for a `*` token t: wild(t, c) is false for every c >= failedFrom[t] (unset: none known).
  let failedFrom: number[] | undefined;
  const wild = (ti: number, ci: number): boolean => {
    while (ti < kinds.length) {
      spend(1);
      const kind = kinds[ti]!;
      if (kind === 1) {
        failedFrom ??= [];
        const stop = Math.min(n, (failedFrom[ti] ?? n + 1) - 1);
        for (let k = ci; k <= stop; k++) if (wild(ti + 1, k)) return true;
        failedFrom[ti] = Math.min(ci, stop + 1);
        return false;
      }
      if (ci >= n) return false;
      if (kind === 0 && want[ti] !== have[ci]) return false;
      ti++;
      ci++;
    }
    return ci === n;
  };
  return wild(0, 0);
}

function segmentMatches(seg: Segment, text: string): boolean {
  if (seg.kind === "literal") return seg.text === text;
  if (seg.kind === "glob") return globMatches(seg.parts, text);
  throw new Error("globstar is not a single segment");
}

/** Does the pattern own the file whose path has these segments? The same recursion and memo, over segments and `**`. */
export function patternMatches(p: CompiledPattern, pathSegments: readonly string[]): boolean {
  const n = pathSegments.length;
  // The segments must match the first k path segments, for a k the mode allows.
  const accept = (k: number): boolean => k >= 1 && (p.mode === "any" ? k <= n : p.mode === "dir" ? k < n : k === n);
  // failedFrom[s], for a `**` segment s: go(s, k) is false for every k >= failedFrom[s] (unset: none known).
  let failedFrom: number[] | undefined;
  const go = (si: number, pi: number): boolean => {
    while (si < p.segments.length) {
      spend(1);
      const seg = p.segments[si]!;
      if (seg.kind === "globstar") {
        // Zero or more whole segments (a pattern that is only `**` needs at least one: accept()).
        failedFrom ??= [];
        const stop = Math.min(n, (failedFrom[si] ?? n + 1) - 1);
        for (let k = pi; k <= stop; k++) if (go(si + 1, k)) return true;
        failedFrom[si] = Math.min(pi, stop + 1);
        return false;
      }
      if (pi >= n || !segmentMatches(seg, pathSegments[pi]!)) return false;
      si++;
      pi++;
    }
    return accept(pi);
  };
  return go(0, 0);
}

class ReferenceCodeowners implements Codeowners {
  readonly path: string;
  readonly #table: RuleTable;
  readonly #patterns: CompiledPattern[] = [];

  constructor(text: string, options: ParseOptions) {
    this.#table = new RuleTable(text, options, (_index, pattern, compiled) => {
      this.#patterns.push(compiled ?? (compilePattern(pattern) as { pattern: CompiledPattern }).pattern);
    });
    this.path = this.#table.path;
  }

  get rules(): readonly CodeownersRule[] {
    return this.#table.rules;
  }

  get errors(): readonly CodeownersError[] {
    return this.#table.errors;
  }

  match(filePath: string): CodeownersMatch {
    if (filePath === "") return UNMATCHED;
    const segments = filePath.split("/");
    for (let i = this.#patterns.length - 1; i >= 0; i--) {
      if (patternMatches(this.#patterns[i]!, segments)) return matchResult(this.#table.rule(i));
    }
    return UNMATCHED;
  }
}

/** The linear-scan reference: same parser and answers as parseCodeowners, no index. */
export function parseCodeownersReference(text: string, options: ParseOptions = {}): Codeowners {
  return new ReferenceCodeowners(text, options);
}
