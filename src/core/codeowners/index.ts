/**
 * CODEOWNERS: which owners GitHub would name for a path. Parse once with parseCodeowners, then
 * call match() for each path. Semantics: docs/codeowners.md.
 */
import { parseIndexed } from "./engine.ts";
import { CODEOWNERS_LOCATIONS, CODEOWNERS_MAX_BYTES, type Codeowners, type ParseOptions } from "./types.ts";

export { CODEOWNERS_LOCATIONS, CODEOWNERS_MAX_BYTES };
export type { Codeowners, CodeownersError, CodeownersMatch, CodeownersRule, ParseOptions } from "./types.ts";
export { parseCodeownersReference } from "./reference.ts";
export { isValidOwner } from "./parse.ts";

/** Parses a CODEOWNERS file (indexed: fast for many paths). Invalid lines are reported in `errors` and skipped. */
export function parseCodeowners(text: string, options?: ParseOptions): Codeowners {
  return parseIndexed(text, options);
}

export type CodeownersLocation = (typeof CODEOWNERS_LOCATIONS)[number];

/** What a repository's CODEOWNERS lookup found. */
export type CodeownersLookup =
  { kind: "found"; codeowners: Codeowners } | { kind: "too-large"; path: CodeownersLocation; bytes: number } | { kind: "missing" };

/**
 * Finds and parses a repository's CODEOWNERS the way GitHub does: the first of CODEOWNERS_LOCATIONS
 * that exists is used, and it is not loaded at all when it has CODEOWNERS_MAX_BYTES bytes or more.
 * `stat` says whether a location exists and how many bytes it has; `read` returns its text.
 */
export function findCodeowners(
  stat: (path: CodeownersLocation) => { bytes: number } | undefined,
  read: (path: CodeownersLocation) => string,
  options: Omit<ParseOptions, "path"> = {},
): CodeownersLookup {
  for (const path of CODEOWNERS_LOCATIONS) {
    const info = stat(path);
    if (!info) continue;
    if (info.bytes >= CODEOWNERS_MAX_BYTES) return { kind: "too-large", path, bytes: info.bytes };
    return { kind: "found", codeowners: parseCodeowners(read(path), { ...options, path }) };
  }
  return { kind: "missing" };
}

/** Human-readable reason a CODEOWNERS was not used, for the too-large case. */
export function tooLargeMessage(path: string, bytes: number): string {
  return `${path} is ${bytes} bytes; GitHub does not load a CODEOWNERS file of ${CODEOWNERS_MAX_BYTES} bytes (3 MB) or more, so it names no owners. Shrink it, for example with wildcard patterns.`;
}
