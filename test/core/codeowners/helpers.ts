import { parseCodeowners, parseCodeownersReference, type Codeowners, type CodeownersMatch } from "../../../src/core/codeowners/index.ts";

/** Both engines: every table test must hold for the indexed engine and for the linear reference. */
export const ENGINES = [
  { name: "indexed", parse: parseCodeowners },
  { name: "reference", parse: parseCodeownersReference },
] as const;

/** The answer a user sees: owners and deciding line (null when no line matched), as `owners --json` prints it. */
export interface Answer {
  owners: string[];
  line: number | null;
}

export function answerOf(m: CodeownersMatch): Answer {
  if (m.kind === "owned") return { owners: m.owners, line: m.rule.line };
  if (m.kind === "no-owners") return { owners: [], line: m.rule.line };
  return { owners: [], line: null };
}

export function answer(co: Codeowners, path: string): Answer {
  return answerOf(co.match(path));
}

export const owned = (line: number, ...owners: string[]): Answer => ({ owners, line });
export const noOwners = (line: number): Answer => ({ owners: [], line });
export const unmatched: Answer = { owners: [], line: null };
