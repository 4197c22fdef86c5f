/** Where GitHub looks for a CODEOWNERS file, in order; the first one present is used. */
export const CODEOWNERS_LOCATIONS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** GitHub does not load a CODEOWNERS file of this many bytes or more. */
export const CODEOWNERS_MAX_BYTES = 3 * 1024 * 1024;

/** One usable line of a CODEOWNERS file. */
export interface CodeownersRule {
  /** 1-based line number in the file. */
  line: number;
  /** The pattern as written (escapes kept). */
  pattern: string;
  /** Valid owners of the line, in the order written, duplicates removed. Empty: the line leaves paths unowned. */
  owners: string[];
  /** The line as written, trimmed, without its inline comment. */
  text: string;
}

/** One problem in a CODEOWNERS file, shaped like an item of GitHub's `GET /repos/{owner}/{repo}/codeowners/errors`. */
export interface CodeownersError {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the offending text. */
  column: number;
  /** "Invalid pattern", "Invalid owner" or "Unknown owner". */
  kind: string;
  /** The line as written (trailing whitespace and `\r` removed). */
  source: string;
  /** A replacement that would fix the problem, when one is obvious. */
  suggestion: string | null;
  /** What is wrong and how to fix it, on one line. */
  message: string;
  /** The CODEOWNERS file the error is in. */
  path: string;
}

export type CodeownersMatch =
  { kind: "owned"; rule: CodeownersRule; owners: string[] } | { kind: "no-owners"; rule: CodeownersRule } | { kind: "unmatched" };

export interface Codeowners {
  /** Which file this came from, e.g. ".github/CODEOWNERS". */
  readonly path: string;
  readonly rules: readonly CodeownersRule[];
  readonly errors: readonly CodeownersError[];
  /** Who owns a file; `filePath` is repository-relative, without a leading slash. */
  match(filePath: string): CodeownersMatch;
}

export interface ParseOptions {
  /** Reported as the file of every rule and error; defaults to ".github/CODEOWNERS". */
  path?: string;
  /**
   * Optional check that an owner exists and may own code (GitHub checks this; a parser cannot).
   * Owners it rejects are reported as "Unknown owner" and dropped from their line.
   */
  isKnownOwner?: (owner: string) => boolean;
}
