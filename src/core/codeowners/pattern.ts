/**
 * CODEOWNERS patterns: from the text of a line to a list of path segments to match.
 *
 * The semantics, in terms of the path's `/`-separated segments:
 * - A pattern is a list of segments. A literal segment equals one path segment; a glob segment
 *   (`*` any run of characters, `?` one character, neither crossing `/`) matches one path segment;
 *   `**` matches zero or more whole segments.
 * - A pattern without a `/` except at its end floats: it is matched as if written `**\/pattern`.
 *   Otherwise it is anchored to the repository root (a leading `/` is dropped).
 * - A pattern owns a file when it matches the file's path or one of the directories above it
 *   (mode "any"). A trailing `/` (or a trailing `/**`) keeps only the directories (mode "dir").
 *   A last segment that is exactly `*`, without a trailing `/`, owns only the files directly in
 *   that directory (mode "exact"): GitHub's documented break from gitignore (`docs/*`).
 */

export type GlobPart = { kind: "text"; text: string } | { kind: "star" } | { kind: "one" };

export type Segment = { kind: "literal"; text: string } | { kind: "globstar" } | { kind: "glob"; parts: GlobPart[] };

/** "any": the path or a directory above it; "dir": a directory above it; "exact": the path itself. */
export type MatchMode = "any" | "dir" | "exact";

export interface CompiledPattern {
  segments: Segment[];
  mode: MatchMode;
}

export interface PatternProblem {
  /** 0-based offset in the pattern text of the offending character. */
  offset: number;
  /** What is wrong and how to fix it. */
  message: string;
  suggestion: string | null;
}

export type PatternResult = { ok: true; pattern: CompiledPattern } | { ok: false; problem: PatternProblem };

const GLOBSTAR: Segment = { kind: "globstar" };

/**
 * Compiles one pattern as written in CODEOWNERS (escapes still in place). `shared` lets the lines of
 * one file share equal wildcard segments (`*.ts` in 3,000 lines is one object); segments are never
 * changed after they are made.
 */
export function compilePattern(raw: string, shared?: Map<string, Segment>): PatternResult {
  if (raw.startsWith("!")) {
    const rest = raw.slice(1);
    return fail(
      0,
      "negation with `!` is not supported in CODEOWNERS, so the line is ignored; to take paths away from a broader rule, add a line with their pattern and no owners after it",
      rest ? `Write \`${rest}\` with no owners on a line after the broader rule.` : null,
    );
  }
  if (raw.startsWith("\\#")) {
    const name = raw.slice(1);
    const fixed = stripTrailingSlashes(name).includes("/") ? `/${name}` : `**/${name}`;
    return fail(
      0,
      "escaping a leading `#` with `\\` is not supported in CODEOWNERS, so the line is ignored; start the pattern with `/` or `**/` so the line is not read as a comment",
      `Did you mean \`${fixed}\`?`,
    );
  }

  return raw.includes("\\") ? compileEscaped(raw) : compilePlain(raw, shared);
}

type Tok = { ch: string; escaped: boolean };

/** A pattern with `\\` escapes: unescape character by character, remembering what was escaped. */
function compileEscaped(raw: string): PatternResult {
  const toks: Tok[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === "\\") {
      if (i + 1 >= raw.length) {
        const fixed = raw.slice(0, -1);
        return fail(
          i,
          "the pattern ends with a lone `\\`, which escapes nothing, so the line is ignored; remove it, or write `\\\\` to match a backslash",
          fixed ? `Did you mean \`${fixed}\`?` : null,
        );
      }
      // Escape one code point (a surrogate pair counts as one).
      const next = String.fromCodePoint(raw.codePointAt(i + 1)!);
      toks.push({ ch: next, escaped: true });
      i += next.length;
      continue;
    }
    if (ch === "[" || ch === "]") return bracketProblem(raw, i);
    toks.push({ ch, escaped: false });
  }

  const isSlash = (i: number): boolean => toks[i]!.ch === "/";
  const len = toks.length;
  const leadingSlash = len > 0 && isSlash(0);
  let lastNonSlash = len - 1;
  while (lastNonSlash >= 0 && isSlash(lastNonSlash)) lastNonSlash--;
  if (lastNonSlash < 0) return lonePatternSlash();
  const trailingSlash = lastNonSlash < len - 1;
  // Anchored when a `/` appears anywhere but at the end.
  let anchored = leadingSlash;
  for (let i = 0; i < lastNonSlash && !anchored; i++) if (isSlash(i)) anchored = true;

  const segments: Segment[] = [];
  if (!anchored) segments.push(GLOBSTAR);
  let current: Tok[] = [];
  for (let i = 0; i <= lastNonSlash; i++) {
    const t = toks[i]!;
    if (t.ch !== "/") current.push(t);
    else if (current.length > 0) {
      addSegment(segments, tokSegment(current));
      current = [];
    }
  }
  if (current.length > 0) addSegment(segments, tokSegment(current));
  return finish(segments, trailingSlash);
}

/** The usual case: a pattern with no `\\` escapes and no leading `!`. */
function compilePlain(raw: string, shared: Map<string, Segment> | undefined): PatternResult {
  const bracket = BRACKET.exec(raw);
  if (bracket) return bracketProblem(raw, bracket.index);
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 47) end--;
  if (end === 0) return lonePatternSlash();
  const trailingSlash = end < raw.length;
  // Anchored when a `/` appears anywhere but at the end.
  const firstSlash = raw.indexOf("/");
  const anchored = firstSlash >= 0 && firstSlash < end;
  const segments: Segment[] = anchored ? [] : [GLOBSTAR];
  const texts = (end < raw.length ? raw.slice(0, end) : raw).split("/");
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    // Empty segments (`a//b`, the leading `/`) collapse.
    if (text.length === 0) continue;
    let segment = shared?.get(text);
    if (segment === undefined) {
      segment = textSegment(text);
      if (shared !== undefined && segment.kind === "glob") shared.set(text, segment);
    }
    addSegment(segments, segment);
  }
  return finish(segments, trailingSlash);
}

function finish(segments: Segment[], trailingSlash: boolean): PatternResult {
  let mode: MatchMode = trailingSlash ? "dir" : "any";
  const last = segments[segments.length - 1]!;
  if (last.kind === "globstar" && segments.length > 1) {
    // A trailing `/**` matches everything inside: the same as a trailing `/`.
    segments.pop();
    mode = "dir";
  } else if (!trailingSlash && isLoneStar(last)) {
    mode = "exact";
  }
  return { ok: true, pattern: { segments, mode } };
}

function lonePatternSlash(): PatternResult {
  return fail(
    0,
    "the pattern `/` will never match anything, so the line is ignored; use `*` to give owners to every file",
    "The pattern `/` will never match anything, did you mean `*` instead?",
  );
}

const BRACKET = /[[\]]/;
const WILDCARD = /[*?]/;

function bracketProblem(raw: string, offset: number): PatternResult {
  const escapedAll = raw.replace(/(\\.)|([[\]])/g, (m, esc: string | undefined) => (esc ? m : `\\${m}`));
  return fail(
    offset,
    "character ranges with `[ ]` are not supported in CODEOWNERS, so the line is ignored; list each path on its own line or use `?` or `*`, or escape the bracket as `\\[` to match it literally",
    `To match the brackets literally, write \`${escapedAll}\`.`,
  );
}

/** Appends a segment; `**` right after `**` adds nothing. */
function addSegment(segments: Segment[], s: Segment): void {
  if (s.kind === "globstar" && segments.length > 0 && segments[segments.length - 1]!.kind === "globstar") return;
  segments.push(s);
}

/** A segment written without escapes. */
function textSegment(text: string): Segment {
  if (text === "**") return GLOBSTAR;
  if (!WILDCARD.test(text)) return { kind: "literal", text };
  const parts: GlobPart[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 42 /* * */ && c !== 63 /* ? */) continue;
    if (i > from) parts.push({ kind: "text", text: text.slice(from, i) });
    from = i + 1;
    if (c === 63) parts.push(ONE);
    // Consecutive `*` inside a segment are one `*`.
    else if (parts.length === 0 || parts[parts.length - 1]!.kind !== "star") parts.push(STAR);
  }
  if (from < text.length) parts.push({ kind: "text", text: text.slice(from) });
  return { kind: "glob", parts };
}

const STAR: GlobPart = { kind: "star" };
const ONE: GlobPart = { kind: "one" };

function tokSegment(toks: Tok[]): Segment {
  if (toks.length === 2 && toks.every((t) => t.ch === "*" && !t.escaped)) return GLOBSTAR;
  const parts: GlobPart[] = [];
  let text = "";
  let wild = false;
  for (const t of toks) {
    if (!t.escaped && (t.ch === "*" || t.ch === "?")) {
      wild = true;
      if (text) parts.push({ kind: "text", text });
      text = "";
      if (t.ch === "?") parts.push(ONE);
      // Consecutive `*` inside a segment are one `*`.
      else if (parts.length === 0 || parts[parts.length - 1]!.kind !== "star") parts.push(STAR);
    } else {
      text += t.ch;
    }
  }
  if (!wild) return { kind: "literal", text };
  if (text) parts.push({ kind: "text", text });
  return { kind: "glob", parts };
}

export function isLoneStar(s: Segment): boolean {
  return s.kind === "glob" && s.parts.length === 1 && s.parts[0]!.kind === "star";
}

/** Without its trailing `/`s (a loop: `/\/+$/` would be quadratic on a long run of `/`). */
function stripTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(0, end);
}

function fail(offset: number, message: string, suggestion: string | null): PatternResult {
  return { ok: false, problem: { offset, message, suggestion } };
}

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

function escapeRegex(s: string): string {
  return s.replace(REGEX_SPECIAL, "\\$&");
}

/** Regular expression source for one non-`**` segment (flag `u`), unanchored. */
export function globSegmentSource(seg: Segment): string {
  switch (seg.kind) {
    case "literal":
      return escapeRegex(seg.text);
    case "globstar":
      throw new Error("globstar has no single-segment form");
    case "glob":
      return seg.parts.map((p) => (p.kind === "text" ? escapeRegex(p.text) : p.kind === "star" ? "[^/]*" : "[^/]")).join("");
  }
}

/**
 * The source of a regular expression (flag `u`) equivalent to the pattern on a whole path. Not used
 * to match (the engines match segment by segment); tests use it as an independent statement of the
 * same semantics:
 * the segments match the first k segments of the path, then the mode decides what may follow.
 */
export function patternRegexSource(p: CompiledPattern): string {
  const segs = p.segments;
  let body = "";
  if (segs.length === 1 && segs[0]!.kind === "globstar") {
    // One or more segments of anything.
    body = "[^/]*(?:/[^/]*)*";
  } else {
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i]!;
      if (s.kind === "globstar") {
        // Leading: zero or more segments, each followed by `/`. Middle: zero or more `/segment`.
        body += i === 0 ? "(?:[^/]*/)*" : "(?:/[^/]*)*";
        continue;
      }
      if (i > 0 && !(i === 1 && segs[0]!.kind === "globstar")) body += "/";
      body += globSegmentSource(s);
    }
  }
  const tail = p.mode === "exact" ? "$" : p.mode === "dir" ? "/" : "(?:/|$)";
  return `^${body}${tail}`;
}
