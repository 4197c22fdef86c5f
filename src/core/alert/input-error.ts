import type { z } from "zod";

/** Bad input, told to the person who can fix it: what is wrong, where, and how to fix it. */
export class InputError extends Error {
  readonly problems: string[];

  constructor(what: string, problems: string[], hint: string) {
    super(`${what}: ${problems.join("; ")}. ${hint}`);
    this.name = "InputError";
    this.problems = problems;
  }
}

/** Turns zod issues into `alert.number: expected number, received string` lines. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], prefix = ""): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return `${path || "(root)"}: ${issue.message}`;
  });
}
