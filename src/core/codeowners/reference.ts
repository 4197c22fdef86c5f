/**
 * The plain reference: the semantics of pattern.ts written out directly, segment by segment, and
 * a linear scan from the last line up. Slow on large files, but simple enough to check by reading;
 * tests and the benchmark compare the indexed engine with it.
 */
import { RuleTable } from "./parse.ts";
import { compilePattern } from "./pattern.ts";
import type { CompiledPattern, GlobPart, Segment } from "./pattern.ts";
import type { Codeowners, CodeownersError, CodeownersMatch, CodeownersRule, ParseOptions } from "./types.ts";

export const UNMATCHED: CodeownersMatch = Object.freeze({ kind: "unmatched" });

export function matchResult(rule: CodeownersRule): CodeownersMatch {
  return rule.owners.length > 0 ? { kind: "owned", rule, owners: rule.owners.slice() } : { kind: "no-owners", rule };
}

/** Does one glob segment match one path segment? Works on code points. */
export function globMatches(parts: readonly GlobPart[], text: string): boolean {
  // One token per code point of literal text (kind 0), per `*` (kind 1) and per `?` (kind 2).
  const kinds: number[] = [];
  const chars: string[] = [];
  for (const p of parts) {
    if (p.kind === "text") {
      for (const ch of p.text) {
        kinds.push(0);
        chars.push(ch);
      }
    } else {
      kinds.push(p.kind === "star" ? 1 : 2);
      chars.push("");
    }
  }
  return wild(kinds, chars, 0, Array.from(text), 0);
}

function wild(kinds: number[], lits: string[], ti: number, chars: string[], ci: number): boolean {
  while (ti < kinds.length) {
    const kind = kinds[ti]!;
    if (kind === 1) {
      for (let k = ci; k <= chars.length; k++) if (wild(kinds, lits, ti + 1, chars, k)) return true;
      return false;
    }
    if (ci >= chars.length) return false;
    if (kind === 0 && lits[ti] !== chars[ci]) return false;
    ti++;
    ci++;
  }
  return ci === chars.length;
}

function segmentMatches(seg: Segment, text: string): boolean {
  if (seg.kind === "literal") return seg.text === text;
  if (seg.kind === "glob") return globMatches(seg.parts, text);
  throw new Error("globstar is not a single segment");
}

/** Does the pattern own the file whose path has these segments? */
export function patternMatches(p: CompiledPattern, pathSegments: readonly string[]): boolean {
  const n = pathSegments.length;
  // The segments must match the first k path segments, for a k the mode allows.
  const accept = (k: number): boolean => k >= 1 && (p.mode === "any" ? k <= n : p.mode === "dir" ? k < n : k === n);
  const go = (si: number, pi: number): boolean => {
    if (si === p.segments.length) return accept(pi);
    const seg = p.segments[si]!;
    if (seg.kind === "globstar") {
      // Zero or more whole segments (a pattern that is only `**` needs at least one).
      for (let k = pi; k <= n; k++) if (go(si + 1, k)) return true;
      return false;
    }
    return pi < n && segmentMatches(seg, pathSegments[pi]!) && go(si + 1, pi + 1);
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
