import {
  alertLabel,
  isCommitLocation,
  isContentLocation,
  isGrant,
  isWikiLocation,
  leakedFile,
  repoName,
  type Alert,
  type AlertLocation,
} from "../alert/types.ts";
import { htmlBaseOf, locationPageUrl, locationTypeText } from "../alert/locations.ts";
import type { Decision } from "../decide.ts";
import { encodeMarker, type Marker } from "./marker.ts";
import { cell, closeBlocks, fragment, inlineCode, link, owner, plain, safeUrl, text, title } from "./markdown.ts";
import { locationId } from "../alert/secret-scanning.ts";
import { formatDeadline } from "../sla/format.ts";

export interface RenderedIssue {
  title: string;
  body: string;
  marker: Marker;
}

const VALIDITY_TEXT: Record<Alert["validity"], string> = {
  active: "**Yes.** GitHub checked with the provider: the secret still works. Treat it as compromised.",
  inactive: "No. The provider reports it inactive. Confirm it was revoked, then close this issue.",
  unknown: "**Unknown.** GitHub could not check it with the provider. Assume it still works.",
};

/** Most characters of an alert's name in a title (the rest of the title names where and which alert). */
const TITLE_NAME_MAX = 120;

/** The title: plain text on GitHub, one line, its outside parts (names, reporters) capped. */
export function issueTitle(alert: Alert): string {
  const name = plain(alert.secretTypeDisplayName, TITLE_NAME_MAX);
  const label = plain(alertLabel(alert), TITLE_NAME_MAX);
  if (isGrant(alert)) return title(`Risky ${name} (${label})`);
  return title(`Leaked ${name} in ${repoName(alert.repo)} (${label})`);
}

/** What the precedence step that applied is called in "Why you?". */
const STEP_TEXT: Record<string, string> = {
  system: "the system's steward",
  "owner-rule": "an owner rule",
  bypasser: "who pushed past push protection",
  codeowners: "CODEOWNERS",
  author: "who posted the content",
  property: "the repository's owner property",
  fallback: "the fallback owner",
};

/**
 * One location, linked to its page: the file at its commit, the wiki page, the issue, pull request,
 * comment, review or discussion. Every outside string goes through `inlineCode`, `text` or `link`.
 */
function describeLocation(alert: Alert, base: string | null, l: AlertLocation): string {
  const page = locationPageUrl(l, base, alert.repo);
  if (isCommitLocation(l)) {
    const line = l.startLine ? ` line ${l.startLine}` : "";
    const commit = l.commitSha ? ` in commit ${inlineCode(l.commitSha.slice(0, 12))}` : "";
    const view = safeUrl(page) ? ` (${link("view", page)})` : "";
    return `${inlineCode(l.path)}${line}${commit}${view}`;
  }
  if (isWikiLocation(l)) {
    const line = l.startLine ? ` line ${l.startLine}` : "";
    const view = safeUrl(page) ? ` (${link("view page", page)})` : alert.htmlUrl ? ` (${link("see the alert", alert.htmlUrl)})` : "";
    return `wiki page ${inlineCode(l.path)}${line}${view}`;
  }
  const where = locationTypeText(l.type);
  const by = isContentLocation(l) && l.author ? ` by ${inlineCode(`@${l.author}`)}` : "";
  if (safeUrl(page)) return `${link(where, page)}${by}`;
  return `${text(where)}${by}${alert.htmlUrl ? ` (${link("see the alert", alert.htmlUrl)})` : ""}`;
}

/** Our deliberate mentions: the owners routing chose (never text from outside). */
function ownerOrNull(decision: Decision): string | null {
  const r = decision.routing;
  return r.assignees.length ? r.assignees.map(owner).join(", ") : r.mentions[0] ? owner(r.mentions[0]) : null;
}

function ownerLine(decision: Decision): string {
  const r = decision.routing;
  const people = [...r.assignees.map(owner), ...r.mentions.filter((m) => !r.assignees.includes(m.slice(1))).map(owner)];
  const who = people.length ? people.join(", ") : "nobody yet";
  return `${who} (${fragment(r.why)})`;
}

/** The whole issue for a decision: title, Markdown body for a developer, and the hidden marker. */
export function renderIssue(decision: Decision): RenderedIssue {
  const { alert, routing, classification } = decision;
  const file = leakedFile(alert);
  const marker: Marker = {
    v: 1,
    key: alert.key,
    repo: repoName(alert.repo),
    alert: alert.number,
    identityClass: classification.identityClass,
    secretType: alert.secretType,
    validity: alert.validity,
    publiclyLeaked: alert.publiclyLeaked,
    severity: decision.severity.severity,
    system: decision.system?.name ?? null,
    locations: alert.locations.map(locationId),
    routing,
    openedAt: decision.openedAt,
    sla: decision.sla,
    ...decision.state,
    inputs: decision.inputs,
    group: null,
  };

  const sev = decision.severity.severity;
  const name = text(alert.secretTypeDisplayName);
  const headline = isGrant(alert)
    ? `**${sev.toUpperCase()}**: a ${name}, with more access than the policy allows. **Review it now**: deny or restrict the grant, then close this issue.`
    : alert.validity === "inactive"
      ? `A ${name} leaked in ${inlineCode(repoName(alert.repo))}. The provider reports it inactive: confirm, then close this issue.`
      : `**${sev.toUpperCase()}**: a ${name} leaked in ${inlineCode(repoName(alert.repo))}. **Revoke or rotate it now**, then close this issue.`;

  const hidden = "Not shown here because this repository is public; open the alert (visible to people with security access).";
  const where = decision.publicSafe
    ? hidden
    : alert.locations.length
      ? alert.locations
          .slice(0, 10)
          .map((l) => describeLocation(alert, htmlBaseOf(alert.htmlUrl, alert.repo), l))
          .join("<br>") + (alert.locations.length > 10 ? `<br>…and ${alert.locations.length - 10} more (see the alert)` : "")
      : "not reported yet (see the alert)";
  const exposure = [
    alert.publiclyLeaked ? "**found in public sources**" : "no public leak reported",
    alert.multiRepo ? "**also in other repositories**" : null,
    alert.pushProtectionBypassed
      ? `pushed past push protection${alert.pushProtectionBypassedBy ? ` by ${inlineCode(`@${alert.pushProtectionBypassedBy}`)}` : ""}`
      : null,
    alert.visibility ? `${alert.visibility} repository` : null,
  ]
    .filter(Boolean)
    .join("; ");
  const system = decision.system;
  const escalation = [ownerOrNull(decision), system?.manager ? owner(system.manager) : null].filter((x): x is string => Boolean(x));

  // Every value is Markdown made safe: outside text through text/inlineCode/link, our own
  // composed reasons through fragment; `details` are built with the same helpers by their source.
  const rows: [string, string][] = [
    ["Identity", `${name} (${inlineCode(alert.secretType)}), class ${text(classification.identityClass.replace(/-/g, " "))}`],
    ...(alert.details ?? []),
    ["Severity", `**${sev}** (${fragment(decision.severity.reason)})`],
    ["Where", where],
    ["Still active?", decision.publicSafe ? hidden : VALIDITY_TEXT[alert.validity]],
    ["Exposure", decision.publicSafe ? hidden : exposure],
    ...(system
      ? ([
          [
            "Owning system",
            `**${text(system.name)}**${system.description ? ` (${fragment(system.description)})` : ""}, steward ${owner(system.steward)}${system.manager ? `, manager ${owner(system.manager)}` : ""}`,
          ],
          ["Revoking this affects", system.dependents.length ? system.dependents.map(text).join(", ") : "no dependents declared"],
          ...(system.depends_on.length ? ([["Depends on", system.depends_on.map(text).join(", ")]] as [string, string][]) : []),
          ["Revocation method", system.revocation ? fragment(system.revocation) : "not declared for this system; follow the runbook below"],
        ] as [string, string][])
      : []),
    [
      "Acknowledge by",
      `${formatDeadline(new Date(decision.sla.acknowledgeBy), decision.sla.timeZone, new Date(decision.sla.startedAt))}${decision.sla.calendar === "business" ? " (business hours)" : ""}: comment \`/ack\``,
    ],
    [
      "Remediate by",
      `${formatDeadline(new Date(decision.sla.remediateBy), decision.sla.timeZone, new Date(decision.sla.startedAt))}${decision.sla.calendar === "business" ? " (business hours)" : ""}`,
    ],
    ["Alert", link(`${repoName(alert.repo)} ${alertLabel(alert)}`, alert.htmlUrl)],
    ...((alert.links ?? []).length > 1
      ? ([["Links", (alert.links ?? []).map((l) => link(l.title, l.url)).join(", ")]] as [string, string][])
      : []),
    ["Owner", ownerLine(decision)],
    ...(escalation.length > 1 ? ([["Escalation path", escalation.join(" → ")]] as [string, string][]) : []),
  ];

  const why = [
    `- Owner: ${fragment(routing.why)}${file && routing.source === "codeowners" && !decision.publicSafe ? ` for ${inlineCode(file.path)}` : ""}${STEP_TEXT[routing.source] ? ` (precedence step: ${STEP_TEXT[routing.source]})` : ""}.`,
    `- Identity class: ${text(classification.identityClass)}, from ${fragment(classification.reason)}.`,
    `- Runbook: ${fragment(decision.runbookSource)}.`,
    ...routing.notes.map((n) => `- ${fragment(n)}`),
  ];

  const body = [
    alert.validity === "inactive" ? "> [!NOTE]" : "> [!CAUTION]",
    `> ${headline}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([k, v]) => `| **${k}** | ${cell(v)} |`),
    "",
    "## What to do",
    "",
    closeBlocks(demoteHeadings(decision.runbook).trim()),
    "",
    "<details><summary>Why you? How nhi-steward routed this alert</summary>",
    "",
    ...why,
    "",
    "</details>",
    "",
    `<sub>Opened by nhi-steward for ${inlineCode(alert.key)}. Close this issue when the credential is revoked or rotated. The secret itself is never copied here. Answers to: ${decision.standards.map(text).join("; ")}.</sub>`,
    "",
    // The marker is the body's last line, the only place it is read from (see marker.ts).
    encodeMarker(marker),
  ].join("\n");

  return { title: issueTitle(alert), body, marker };
}

/** Runbooks start at `#`; inside the issue they sit under "What to do". */
function demoteHeadings(markdown: string): string {
  return markdown.replace(/^(#{1,5}) /gm, "#$1# ");
}
