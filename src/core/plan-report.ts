import { cell, fragment, inlineCode, link, owner as ownerMention, text } from "./issue/markdown.ts";
import type { Change, Op } from "./plan.ts";

export interface ChangeOutcome {
  change: Change;
  status: string;
  issue: number | null;
  url: string | null;
  error?: string;
}

/** The plan as JSON for people and scripts. Bodies are left out unless asked for (they are long). */
export function planJson(outcomes: ChangeOutcome[], options: { bodies?: boolean; dryRun?: boolean } = {}): object {
  return {
    dryRun: options.dryRun ?? false,
    changes: outcomes.map(({ change, status, issue, url, error }) => ({
      alert: change.key,
      repository: change.repo,
      action: change.action,
      status,
      issue,
      ...(url ? { url } : {}),
      summary: change.summary,
      assignees: change.assignees,
      why: change.why,
      ...(error ? { error } : {}),
      labelsToEnsure: change.labels.map((l) => l.name),
      operations: change.ops.map((op) => describeOp(op, options.bodies ?? false)),
    })),
  };
}

function describeOp(op: Op, bodies: boolean): object {
  if (bodies) return op;
  if ("body" in op && op.body !== undefined) {
    const { body, ...rest } = op;
    return { ...rest, bodyLength: body.length };
  }
  return op;
}

/** A Markdown table of what a run did, for the Action's job summary. Keys, reasons and errors quote outside text: escaped. */
export function summaryMarkdown(outcomes: ChangeOutcome[], heading: string): string {
  const rows = outcomes.map(({ change, status, issue, url, error }) => {
    const issueCell = issue ? (url ? link(`#${issue}`, url) : text(`${change.repo}#${issue}`)) : "—";
    const owner = change.assignees.length ? change.assignees.map(ownerMention).join(" ") : "—";
    const what = error
      ? `${text(status)}: ${text(error)}`
      : status === "unchanged"
        ? "up to date"
        : `${text(status)}: ${text(change.action)}`;
    return `| ${cell(inlineCode(change.key))} | ${cell(issueCell)} | ${cell(what)} | ${cell(owner)} | ${cell(fragment(change.why))} |`;
  });
  return [
    `### ${heading}`,
    "",
    "| Alert | Issue | Result | Assigned | Why |",
    "|---|---|---|---|---|",
    ...(rows.length ? rows : ["| — | — | no open alerts | — | — |"]),
    "",
  ].join("\n");
}
