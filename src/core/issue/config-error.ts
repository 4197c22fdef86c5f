import { repoName, type RepoRef } from "../alert/types.ts";
import type { Change, ExistingIssue } from "../plan.ts";
import { LABELS } from "./labels.ts";
import { fragment, inlineCode, title as issueTitle } from "./markdown.ts";
import { encodeKeyMarker } from "./marker.ts";

export function configErrorKey(repo: RepoRef, path: string): string {
  return `config-error:${repoName(repo)}:${path}`;
}

/**
 * Plans the one issue that tells a policy's owners their file is invalid: opened on the first
 * failing load, updated (and reopened) on later ones, never duplicated.
 */
export function planConfigError(repo: RepoRef, path: string, problems: string[], existing: ExistingIssue | null): Change {
  const key = configErrorKey(repo, path);
  const title = issueTitle(`nhi-steward: ${path} is invalid, so the default policy applies`);
  // The problems quote the file (keys, values, `_extends` targets): our Markdown around outside text.
  const body = [
    "> [!WARNING]",
    `> nhi-steward could not use ${inlineCode(path)} in ${inlineCode(repoName(repo))}. Alerts still reach people under the default policy, but the rules in this file (systems, owner rules, fallback owner, severity) are **not in force** until it is fixed.`,
    "",
    "## Problems",
    "",
    ...problems.map((p) => `- ${fragment(p)}`),
    "",
    "## How to fix",
    "",
    `Fix ${inlineCode(path)} on the default branch. Check it locally first with ${inlineCode(`npx nhi-steward validate ${path}`)}; add \`# yaml-language-server: $schema=…/policies/schema.json\` at the top for completion in your editor.`,
    "",
    "<sub>This issue is updated each time the policy fails to load. Close it once the file is fixed.</sub>",
    "",
    // The last line, the only place the marker is read from (see marker.ts).
    encodeKeyMarker(key, "config-error"),
  ].join("\n");
  const base = { key, repo: repoName(repo), assignees: [], why: "invalid policy file" };
  if (!existing) {
    return {
      ...base,
      action: "open",
      issue: null,
      summary: `report the invalid policy ${repoName(repo)}:${path}`,
      labels: [LABELS.configError],
      ops: [{ op: "create-issue", title, body, labels: [LABELS.configError.name], assignees: [] }],
    };
  }
  const changed = existing.body !== body || existing.title !== title || existing.state === "closed";
  return {
    ...base,
    action: changed ? "update" : "none",
    issue: existing.number,
    summary: changed
      ? `update the config-error issue #${existing.number} for ${repoName(repo)}:${path}`
      : `config-error issue #${existing.number} is up to date`,
    labels: [],
    ops: changed
      ? [{ op: "update-issue", issue: existing.number, title, body, ...(existing.state === "closed" ? { state: "open" as const } : {}) }]
      : [],
  };
}
