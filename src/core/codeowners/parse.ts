/**
 * Reading a CODEOWNERS file, in two phases so that a large file is cheap to load:
 *   1. the constructor of RuleTable reads each line's pattern only (what an index needs) and hands
 *      it to a sink; a line whose pattern is invalid is reported and skipped;
 *   2. owners, rule objects and owner errors are read from the kept line offsets when first asked for.
 */
import { compilePattern, type CompiledPattern, type Segment } from "./pattern.ts";
import type { CodeownersError, CodeownersRule, ParseOptions } from "./types.ts";

export const DEFAULT_CODEOWNERS_PATH = ".github/CODEOWNERS";

/**
 * Receives each usable line in file order (index 0, 1, ...; later lines take precedence).
 * `compiled` is null when the pattern is plain literal text: no `*`, `?`, `\`, `[`, `]` or leading `!`,
 * and not only slashes (compilePattern(pattern) would succeed; an index may take a shortcut).
 */
export type PatternSink = (index: number, pattern: string, compiled: CompiledPattern | null) => void;

// Permissive on hyphens: older GitHub accounts may end in one (`@tobias-` owns code in esphome).
const USER = /^@[A-Za-z0-9][A-Za-z0-9_-]*$/;
const TEAM = /^@[A-Za-z0-9][A-Za-z0-9_-]*\/[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The same owner forms, matched in place in a longer text (sticky) up to the next blank. */
const OWNER_AT_SOURCE = `(?:${USER.source.slice(1, -1)}|${TEAM.source.slice(1, -1)}|${EMAIL.source.slice(1, -1)})(?=[ \t\r\n]|$)`;
/** What follows a pattern when every owner is valid: owners, then perhaps an inline comment. */
const VALID_OWNERS = new RegExp(`(?:[ \t]+${OWNER_AT_SOURCE})*[ \t]*(?:#[^\r\n]*)?`, "y");
/** Text without whitespace, `\\`, wildcards or brackets: a plain pattern, up to where it ends. */
const PLAIN_RUN = /[^ \t\r\n\\*?[\]]*/y;
const SLASHES = /^\/*$/;

/** True for the owner forms GitHub accepts: `@user`, `@org/team`, or an email address. */
export function isValidOwner(owner: string): boolean {
  if (owner.charCodeAt(0) === 64 /* @ */) return USER.test(owner) || TEAM.test(owner);
  return EMAIL.test(owner);
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
}

/** The lines of a CODEOWNERS file that hold rules, with their rules and errors built on demand. */
export class RuleTable {
  readonly path: string;
  readonly #text: string;
  readonly #isKnownOwner: ((owner: string) => boolean) | undefined;
  // Per rule: 1-based line number, where the line and its pattern start and end in #text.
  readonly #lineNo: number[] = [];
  readonly #patternStart: number[] = [];
  readonly #patternEnd: number[] = [];
  readonly #lineEnd: number[] = [];
  readonly #rule: (CodeownersRule | undefined)[] = [];
  readonly #patternErrors: CodeownersError[] = [];
  #rules: CodeownersRule[] | undefined;
  #errors: CodeownersError[] | undefined;

  constructor(text: string, options: ParseOptions, sink: PatternSink) {
    this.path = options.path ?? DEFAULT_CODEOWNERS_PATH;
    this.#isKnownOwner = options.isKnownOwner;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.#text = text;

    const len = text.length;
    const shared = new Map<string, Segment>();
    let lineStart = 0;
    let lineNo = 0;
    while (lineStart <= len) {
      lineNo++;
      let lineEnd = text.indexOf("\n", lineStart);
      if (lineEnd < 0) lineEnd = len;
      const next = lineEnd + 1;
      while (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;

      let i = lineStart;
      while (i < lineEnd && isBlank(text.charCodeAt(i))) i++;
      if (i < lineEnd && text.charCodeAt(i) !== 35 /* # */) {
        // The pattern runs to the first whitespace that is not escaped. Most patterns are plain
        // text, found by one regular expression; the others are scanned for escapes.
        const patternStart = i;
        PLAIN_RUN.lastIndex = i;
        PLAIN_RUN.test(text);
        i = PLAIN_RUN.lastIndex;
        let plain = i >= lineEnd || text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9;
        if (!plain) {
          while (i < lineEnd) {
            const c = text.charCodeAt(i);
            if (c === 32 || c === 9) break;
            i += c === 92 /* \ */ ? 2 : 1;
          }
          if (i > lineEnd) i = lineEnd;
        }
        const pattern = text.slice(patternStart, i);
        if (plain && (text.charCodeAt(patternStart) === 33 /* ! */ || SLASHES.test(pattern))) plain = false;
        const compiled = plain ? null : compilePattern(pattern, shared);
        if (compiled === null || compiled.ok) {
          const index = this.#lineNo.length;
          this.#lineNo.push(lineNo);
          this.#patternStart.push(patternStart);
          this.#patternEnd.push(i);
          this.#lineEnd.push(lineEnd);
          this.#rule.push(undefined);
          sink(index, pattern, compiled === null ? null : compiled.pattern);
        } else {
          const p = compiled.problem;
          const line = text.slice(lineStart, lineEnd);
          const message = `Invalid pattern \`${pattern}\` on line ${lineNo}: ${p.message}.`;
          this.#patternErrors.push(
            error(this.path, lineNo, line, patternStart - lineStart + p.offset + 1, "Invalid pattern", message, p.suggestion),
          );
        }
      }
      lineStart = next;
    }
  }

  /** The rule at an index (file order), built when first asked for. */
  rule(index: number): CodeownersRule {
    return this.#rule[index] ?? this.#build(index, undefined);
  }

  get rules(): CodeownersRule[] {
    if (this.#rules === undefined) {
      const all: CodeownersRule[] = [];
      for (let i = 0; i < this.#lineNo.length; i++) all.push(this.rule(i));
      this.#rules = all;
    }
    return this.#rules;
  }

  /** Every error, in line and column order: invalid patterns, and invalid or unknown owners. */
  get errors(): CodeownersError[] {
    if (this.#errors === undefined) {
      const all = this.#patternErrors.slice();
      for (let i = 0; i < this.#lineNo.length; i++) if (this.#isKnownOwner !== undefined || this.#hasInvalidOwner(i)) this.#build(i, all);
      all.sort((a, b) => a.line - b.line || a.column - b.column);
      this.#errors = all;
    }
    return this.#errors;
  }

  /** Does a line have an invalid owner? Tests its owners in place, without building strings. */
  #hasInvalidOwner(index: number): boolean {
    VALID_OWNERS.lastIndex = this.#patternEnd[index]!;
    VALID_OWNERS.test(this.#text);
    return VALID_OWNERS.lastIndex !== this.#lineEnd[index]!;
  }

  /** Reads the owners of rule `index`; reports their errors into `errors` when given. */
  #build(index: number, errors: CodeownersError[] | undefined): CodeownersRule {
    const text = this.#text;
    const lineNo = this.#lineNo[index]!;
    const patternStart = this.#patternStart[index]!;
    const lineEnd = this.#lineEnd[index]!;
    let i = this.#patternEnd[index]!;
    let textEnd = i;
    const owners: string[] = [];
    // Owners: whitespace-separated tokens up to one that starts an inline comment.
    while (i < lineEnd) {
      while (i < lineEnd && isBlank(text.charCodeAt(i))) i++;
      if (i === lineEnd || text.charCodeAt(i) === 35 /* # */) break;
      const start = i;
      while (i < lineEnd && !isBlank(text.charCodeAt(i))) i++;
      const owner = text.slice(start, i);
      textEnd = i;
      let kind: string | undefined;
      let message = "";
      let suggestion: string | null = null;
      if (!isValidOwner(owner)) {
        kind = "Invalid owner";
        message = `Invalid owner \`${owner}\` on line ${lineNo}: an owner must be a @username, an @org/team-name or an email address; fix or remove it (the line's other owners still apply).`;
        suggestion = ownerSuggestion(owner);
      } else if (this.#isKnownOwner !== undefined && !this.#isKnownOwner(owner)) {
        kind = "Unknown owner";
        message = `Unknown owner \`${owner}\` on line ${lineNo}: make sure it exists and has write access to the repository, or remove it from the line.`;
      } else if (!hasOwner(owners, owner)) {
        owners.push(owner);
      }
      if (kind !== undefined && errors !== undefined) {
        const lineStart = text.lastIndexOf("\n", patternStart) + 1;
        errors.push(error(this.path, lineNo, text.slice(lineStart, lineEnd), start - lineStart + 1, kind, message, suggestion));
      }
    }
    let rule = this.#rule[index];
    if (rule === undefined) {
      rule = { line: lineNo, pattern: text.slice(patternStart, this.#patternEnd[index]!), owners, text: text.slice(patternStart, textEnd) };
      this.#rule[index] = rule;
    }
    return rule;
  }
}

function error(
  path: string,
  line: number,
  source: string,
  column: number,
  kind: string,
  message: string,
  suggestion: string | null,
): CodeownersError {
  return { line, column, kind, source: trimEnd(source), suggestion, message, path };
}

/** Owners are names and addresses, compared without case. */
function hasOwner(owners: string[], owner: string): boolean {
  if (owners.length === 0) return false;
  if (owners.includes(owner)) return true;
  const lower = owner.toLowerCase();
  for (const o of owners) if (o.length === owner.length && o.toLowerCase() === lower) return true;
  return false;
}

function trimEnd(s: string): string {
  let e = s.length;
  while (e > 0 && isBlank(s.charCodeAt(e - 1))) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** A corrected owner when a small, safe edit makes the token valid. */
function ownerSuggestion(owner: string): string | null {
  const candidates: string[] = [];
  const trimmed = owner.replace(/^[,;"'(<]+|[,;"')>.:]+$/g, "");
  if (trimmed && trimmed !== owner) candidates.push(trimmed);
  if (!owner.includes("@")) candidates.push(`@${owner}`, `@${trimmed}`);
  if (owner.startsWith("@@")) candidates.push(owner.replace(/^@+/, "@"));
  const fix = candidates.find((c) => c !== "@" && isValidOwner(c));
  return fix ? `Did you mean \`${fix}\`?` : null;
}
