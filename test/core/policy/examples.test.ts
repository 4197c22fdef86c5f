/**
 * Policies people start from must be valid: the starter files in policies/examples/, and every
 * policy shown in the README and docs/ (a ```yaml block that starts with a policy key, names the
 * policy schema, or is marked ```yaml policy).
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { policySchema } from "../../../src/core/policy/schema.ts";
import { formatProblem, validatePolicyText } from "../../../src/core/policy/validate.ts";

const EXAMPLES = "policies/examples";
const POLICY_KEYS = new Set([...Object.keys(policySchema.shape), "_extends"]);

interface Block {
  file: string;
  /** The line of the block's first line of YAML in its file (1-based). */
  line: number;
  text: string;
}

/** The fenced ```yaml / ```yml blocks of a Markdown file, dedented to their fence, that hold a policy. */
function policyBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`).test(lines[j]!); j++)
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!.trimStart());
    const text = body.join("\n") + "\n";
    if (isPolicy(text, info)) blocks.push({ file, line: i + 2, text });
    i = j;
  }
  return blocks;
}

function isPolicy(text: string, info: string): boolean {
  if (/\bpolicy\b/.test(info)) return true;
  if (/\$schema=\S*policies\/schema\.json/.test(text)) return true;
  const first = text.split("\n").find((l) => l.trim() && !l.trimStart().startsWith("#"));
  const key = first && /^([A-Za-z_][\w-]*)\s*:/.exec(first)?.[1];
  return key !== undefined && POLICY_KEYS.has(key);
}

/** Problems as `FILE:LINE:COL: message`, with lines counted in the Markdown file. */
function problemsOf(block: Block): string[] {
  return validatePolicyText(block.text, block.file).problems.map((p) => formatProblem({ ...p, line: p.line + block.line - 1 }));
}

const examples = readdirSync(EXAMPLES)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe("policies/examples: starter policies", () => {
  it("has the three starters", () => {
    expect(examples).toEqual(["after-hours-and-auto-revoke.yml", "minimal.yml", "systems-and-stewards.yml"]);
  });

  it.each(examples)("%s is valid", (name) => {
    const path = `${EXAMPLES}/${name}`;
    expect(validatePolicyText(readFileSync(path, "utf8"), path).problems.map(formatProblem)).toEqual([]);
  });

  it.each(examples)("%s explains itself to a new user: schema for the editor, comments, how to check it", (name) => {
    const text = readFileSync(`${EXAMPLES}/${name}`, "utf8");
    expect(text.split("\n")[0]).toMatch(/^# yaml-language-server: \$schema=\S+\/policies\/schema\.json$/);
    expect(text).toContain("npx nhi-steward validate .github/nhi-steward.yml");
    const comments = text.split("\n").filter((l) => /^\s*#|\s#\s/.test(l)).length;
    expect(comments).toBeGreaterThanOrEqual(8);
  });

  it("say what they show", () => {
    const load = (name: string) => validatePolicyText(readFileSync(`${EXAMPLES}/${name}`, "utf8"), name).policy!;
    const minimal = load("minimal.yml");
    expect(minimal).toMatchObject({
      fallback_owner: "@acme/security",
      response_repository: "acme/security-response",
      systems: [],
      owners: [],
    });

    const systems = load("systems-and-stewards.yml");
    expect(systems.systems.map((s) => [s.name, s.steward])).toEqual([
      ["payments", "@acme/payments"],
      ["deploy pipeline", "@acme/platform"],
    ]);
    expect(systems.owners).toHaveLength(2);
    expect(systems.repository_overrides).toEqual(["owners", "systems"]);

    const afterHours = load("after-hours-and-auto-revoke.yml");
    expect(afterHours.escalation.on_call).toBe("@acme/oncall");
    expect(afterHours.sla.targets.high).toMatchObject({ calendar: "business" });
    expect(afterHours.auto_revoke.rules).toHaveLength(1);
    // A starter never revokes by itself until someone has read its dry runs.
    expect(afterHours.auto_revoke.dry_run).toBe(true);
  });
});

describe("policies shown in the README and docs/", () => {
  const files = [
    "README.md",
    ...readdirSync("docs")
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
    "policies/README.md",
  ];
  const blocks = files.flatMap((f) => policyBlocks(f, readFileSync(f, "utf8")));

  it("finds them (the README's full example and its grant-owners fragment at least)", () => {
    expect(blocks.filter((b) => b.file === "README.md").length).toBeGreaterThanOrEqual(2);
    expect(blocks.some((b) => b.text.includes("fallback_owner:") && b.text.includes("systems:"))).toBe(true);
  });

  it("are all valid", () => {
    expect(blocks.flatMap(problemsOf)).toEqual([]);
  });

  it("tells a policy block from a workflow, and reports a problem at its line in the Markdown file", () => {
    const markdown = [
      "# Doc",
      "",
      "```yaml",
      "jobs:",
      "  sweep: {}",
      "```",
      "",
      "  ```yaml",
      "  fallback_owner: alice",
      "  ```",
      "",
      "```yaml policy",
      "nope: 1",
      "```",
      "",
    ].join("\n");
    const found = policyBlocks("doc.md", markdown);
    expect(found.map((b) => [b.line, b.text])).toEqual([
      [9, "fallback_owner: alice\n"],
      [13, "nope: 1\n"],
    ]);
    expect(found.flatMap(problemsOf)).toEqual([
      "doc.md:9:17: fallback_owner: must be a user (`@login`) or a team (`@org/team`).",
      expect.stringMatching(/^doc\.md:13:1: unknown key "nope"\./),
    ]);
  });
});
