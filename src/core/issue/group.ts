import { leakedFile, repoName, type Alert } from "../alert/types.ts";
import { emptyState, stateLabels, type Decision } from "../decide.ts";
import { RUNBOOKS } from "../policy/default-pack.generated.ts";
import { autoRevokeRule } from "../policy/auto-revoke-rule.ts";
import type { Policy } from "../policy/schema.ts";
import type { Routing } from "../routing/types.ts";
import { workingLength } from "../sla/calendar.ts";
import type { Severity } from "../sla/deadlines.ts";
import { formatDeadline } from "../sla/format.ts";
import type { SlaClock } from "../sla/targets.ts";
import type { Change, ExistingIssue, Op } from "../plan.ts";
import type { GroupMember } from "./group-schema.ts";
import { isManagedStateLabel, labelSpec } from "./labels.ts";
import { carryCheckedBoxes, cell, closeBlocks, fragment, inlineCode, link, owner, plain, text, title as issueTitle } from "./markdown.ts";
import { encodeMarker, replaceMarker, type Marker } from "./marker.ts";
import { renderIssue } from "./render.ts";

/**
 * Grouping (`grouping` in the policy): a backfill's alerts for one owner in one repository share
 * one issue with a checklist row per alert, instead of one issue (and one notification) each.
 * Pure: the handlers find the candidate groups and apply the plans.
 *
 * - The group's marker lists every member; the issue index maps each member's key to the group,
 *   so a redelivery updates the member's row and never opens a second issue.
 * - The group's SLA clock is the earliest deadline of its open members and its severity the
 *   highest a member had, so the escalation planner runs on the group's marker unchanged.
 * - A group takes new alerts while it is open, unacknowledged, not snoozed, younger than
 *   `grouping.window`, below `grouping.max_alerts` and below GROUP_BODY_LIMIT characters.
 */

/**
 * A group takes no new alert once its body would pass this. The rest of GitHub's 65,536 characters
 * is room for its timeline, which a group's marker caps at MAX_GROUP_TIMELINE entries.
 */
export const GROUP_BODY_LIMIT = 56_000;

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };
const maxSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b);

/** Who an alert is routed to, as a group compares it: assignees and mentions, order and case aside. */
export function ownerSignature(routing: Pick<Routing, "assignees" | "mentions">): string {
  const people = [...routing.assignees.map((a) => `@${a}`), ...routing.mentions].map((p) => p.toLowerCase());
  return [...new Set(people)].sort().join(" ");
}

/** A group's own key: its first alert's, prefixed, e.g. `group:acme/api#12`. Deterministic, so two runs opening it agree. */
export function groupKey(alert: Pick<Alert, "repo" | "number">): string {
  return `group:${repoName(alert.repo)}#${alert.number}`;
}

/** The lock that serialises changes to a repository's groups (held around planning and writing). */
export function groupLockKey(alert: Pick<Alert, "repo">): string {
  return `group:${repoName(alert.repo)}`;
}

export function isGroupKey(key: string): boolean {
  return key.startsWith("group:");
}

/**
 * Whether a new alert may join (or open) a group. Only GitHub's secret scanning alerts are grouped;
 * an alert whose issue would be public keeps its own redacted issue, and an alert the policy may
 * revoke automatically keeps its own issue so its revocation gates stay per alert.
 */
export function groupable(decision: Decision, policy: Policy): boolean {
  if (!policy.grouping.enabled || decision.alert.source !== "secret-scanning" || decision.publicSafe) return false;
  return (
    autoRevokeRule(policy, {
      identityClass: decision.classification.identityClass,
      secretType: decision.alert.secretType,
      system: decision.system?.name ?? null,
    }) === null
  );
}

export function windowMs(policy: Policy): number {
  const w = policy.grouping.window;
  return w.kind === "elapsed" ? w.ms : workingLength({ kind: "24x7" }, w);
}

/** Why a group cannot take a new alert for `owner` in `repo` now; null when it can. */
export function closedToNewAlerts(
  issue: ExistingIssue,
  marker: Marker,
  ctx: { policy: Policy; now: Date; repo: string; owner: string },
): string | null {
  const group = marker.group;
  if (!group) return "not a group";
  if (group.repo !== ctx.repo) return "another repository";
  if (ownerSignature(marker.routing) !== ctx.owner) return "another owner";
  if (issue.state !== "open" || marker.resolution || marker.pending) return "closed";
  if (marker.acknowledged) return "acknowledged";
  if (marker.snooze && new Date(marker.snooze.until) > ctx.now) return "snoozed";
  if (group.members.length >= ctx.policy.grouping.max_alerts) return "full";
  if (group.members.every((m) => m.resolution)) return "resolved";
  if (ctx.now.getTime() - new Date(marker.openedAt).getTime() >= windowMs(ctx.policy)) return "older than the window";
  return null;
}

/** The file and line (or location type) where an alert leaked first. */
function firstWhere(alert: Alert): string | null {
  const file = leakedFile(alert);
  if (file) return file.startLine ? `${file.path}:${file.startLine}` : file.path;
  const first = alert.locations[0];
  return first ? first.type.replace(/_/g, " ") : null;
}

/** A member row's record from an alert's decision; `previous` keeps its resolution. */
export function memberOf(decision: Decision, previous: GroupMember | null = null): GroupMember {
  const { alert } = decision;
  const sla = decision.sla;
  return {
    key: alert.key,
    alert: alert.number,
    url: alert.htmlUrl,
    type: alert.secretTypeDisplayName,
    secretType: alert.secretType,
    identityClass: decision.classification.identityClass,
    validity: alert.validity,
    publiclyLeaked: alert.publiclyLeaked,
    severity: decision.severity.severity,
    system: decision.system?.name ?? null,
    where: firstWhere(alert) ?? previous?.where ?? null,
    locs: Math.max(alert.locations.length, previous?.locs ?? 0),
    sla: {
      acknowledgeBy: sla.acknowledgeBy,
      remediateBy: sla.remediateBy,
      calendar: sla.calendar,
      timeZone: sla.timeZone,
      startedAt: sla.startedAt,
    },
    resolution: previous?.resolution ?? null,
    inputs: decision.inputs ?? null,
  };
}

/** The fields a member and a single issue's marker share about the alert itself. */
function alertFieldsOf(
  member: GroupMember,
): Pick<Marker, "identityClass" | "secretType" | "validity" | "publiclyLeaked" | "severity" | "system"> {
  const { identityClass, secretType, validity, publiclyLeaked, severity, system } = member;
  return { identityClass, secretType, validity, publiclyLeaked, severity, system };
}

/** A member seen as a single issue's marker, so `decide` keeps (or tightens) its own clock. */
export function memberAsPrevious(group: Marker, member: GroupMember): Marker {
  return {
    ...group,
    key: member.key,
    alert: member.alert,
    ...alertFieldsOf(member),
    openedAt: member.sla.startedAt,
    sla: member.sla,
    acknowledged: null,
    escalation: { level: 0, at: null },
    snooze: null,
    resolution: null,
    pending: null,
    autoRevoked: null,
    timeline: [],
    inputs: member.inputs,
    group: null,
  };
}

/** Recomputes what a group's marker says about the whole from its members. */
export function summarize(marker: Marker): Marker {
  const members = marker.group?.members ?? [];
  if (!members.length) return marker;
  const open = members.filter((m) => !m.resolution);
  const live = open.length ? open : members;
  const one = <T>(values: T[], mixed: T): T => (new Set(values).size === 1 ? values[0]! : mixed);
  const earliest = live.reduce((a, b) => (new Date(b.sla.remediateBy) < new Date(a.sla.remediateBy) ? b : a));
  const acknowledgeBy = live.map((m) => m.sla.acknowledgeBy).reduce((a, b) => (new Date(b) < new Date(a) ? b : a));
  return {
    ...marker,
    identityClass: one(
      live.map((m) => m.identityClass),
      "mixed",
    ),
    secretType: one(
      live.map((m) => m.secretType),
      "",
    ),
    validity: live.some((m) => m.validity === "active") ? "active" : live.some((m) => m.validity === "unknown") ? "unknown" : "inactive",
    publiclyLeaked: live.some((m) => m.publiclyLeaked),
    // The highest any member had (or an escalation raised it to): it never drops.
    severity: members.reduce<Severity>((s, m) => maxSeverity(s, m.severity), marker.severity as Severity),
    system: one(
      live.map((m) => m.system),
      null,
    ),
    sla: { ...earliest.sla, acknowledgeBy },
  };
}

/** A new group for an alert that found none to join. */
export function openGroup(decision: Decision, now: Date): Marker {
  const { alert } = decision;
  const member = memberOf(decision);
  return summarize({
    v: 1,
    key: groupKey(alert),
    repo: repoName(alert.repo),
    alert: 0,
    ...alertFieldsOf(member),
    locations: [],
    routing: decision.routing,
    openedAt: now.toISOString(),
    sla: decision.sla,
    ...emptyState(),
    timeline: [{ at: now.toISOString(), event: "opened", by: null, detail: decision.routing.why }],
    inputs: null,
    group: { repo: repoName(alert.repo), members: [member] },
  });
}

/** The group with a member added, or replaced when its key is already there. */
export function withMember(marker: Marker, member: GroupMember): Marker {
  const members = marker.group?.members ?? [];
  const at = members.findIndex((m) => m.key === member.key);
  const next = at < 0 ? [...members, member] : members.map((m, i) => (i === at ? member : m));
  return summarize({ ...marker, group: { repo: marker.group?.repo ?? marker.repo, members: next } });
}

/** The news a member's update brings, for a comment on the group. */
export function memberNews(before: GroupMember, after: GroupMember): string[] {
  const name = `#${after.alert} (${text(after.type)})`;
  const news: string[] = [];
  if (before.validity !== after.validity) {
    news.push(
      after.validity === "active"
        ? `**${name} is active**: GitHub now reports it works (was ${before.validity}). Revoke it now.`
        : `${name}: validity changed from ${before.validity} to **${after.validity}**.`,
    );
  }
  if (before.severity !== after.severity) news.push(`${name}: severity is now **${after.severity}** (was ${before.severity}).`);
  if (!before.publiclyLeaked && after.publiclyLeaked)
    news.push(`**${name} was found in a public source.** Treat it as compromised and revoke it now.`);
  if (after.locs > before.locs)
    news.push(`${name} was found in ${after.locs - before.locs} more location${after.locs - before.locs > 1 ? "s" : ""}; see the alert.`);
  return news;
}

// ------------------------------------------------------------------------------------ rendering

const CLASS_NAME = (cls: string) => cls.replace(/-/g, " ");

/** The runbook for a member: its system's, the policy's for its class, or the shipped one. */
function runbookFor(policy: Policy, m: GroupMember): { text: string; source: string } {
  const system = m.system ? policy.systems.find((s) => s.name === m.system) : undefined;
  if (system?.runbook) return { text: system.runbook, source: `the runbook of system ${text(system.name)}` };
  const cls = m.identityClass as keyof typeof RUNBOOKS;
  if (policy.runbooks[cls]) return { text: policy.runbooks[cls]!, source: `the policy's runbook for ${text(m.identityClass)}` };
  return { text: RUNBOOKS[cls] ?? RUNBOOKS.generic, source: `the default runbook for ${text(m.identityClass)}` };
}

function demoteHeadings(markdown: string): string {
  return closeBlocks(markdown.replace(/^(#{1,5}) /gm, "#$1# "));
}

/** Who a group is for, in its title (plain text: titles never mention). */
function ownerName(routing: Routing): string {
  const team = routing.mentions.find((m) => m.includes("/"));
  if (team) return team;
  const people = routing.assignees.map((a) => `@${a}`);
  if (!people.length) return routing.mentions[0] ?? "nobody";
  return people.length > 2 ? `${people.slice(0, 2).join(", ")} and ${people.length - 2} more` : people.join(" and ");
}

/** Our deliberate mentions of the owners routing chose, and why (escaped: it quotes paths and rules). */
function ownerLine(routing: Routing): string {
  const people = [...routing.assignees.map(owner), ...routing.mentions.filter((m) => !routing.assignees.includes(m.slice(1))).map(owner)];
  return `${people.length ? people.join(", ") : "nobody yet"} (${fragment(routing.why)})`;
}

const ROW = /^(\s*)- \[([ xX])\] \*\*#(\d+)\*\*/;

/** Alert numbers whose row someone ticked in a body. */
function tickedRows(body: string): Set<number> {
  const out = new Set<number>();
  for (const line of body.split("\n")) {
    const m = ROW.exec(line);
    if (m && m[2] !== " ") out.add(Number(m[3]));
  }
  return out;
}

function memberRow(m: GroupMember, ticked: boolean): string {
  const deadline = formatDeadline(new Date(m.sla.remediateBy), m.sla.timeZone, new Date(m.sla.startedAt)).replace(/, [^,]*$/, "");
  const validity = m.validity === "active" ? "**active**" : m.validity === "unknown" ? "validity unknown" : "inactive";
  const parts = [
    `${link(m.type, m.url)} (${inlineCode(m.secretType)})`,
    validity + (m.publiclyLeaked ? ", **found in public sources**" : ""),
    m.where ? `${inlineCode(m.where)}${m.locs > 1 ? ` and ${m.locs - 1} more` : ""}` : "location not reported yet",
    text(m.severity),
    m.resolution ? `resolved as ${text(m.resolution.resolution)} by ${owner(m.resolution.by)}` : `remediate by ${deadline}`,
  ];
  return `- [${ticked ? "x" : " "}] **#${m.alert}** ${parts.join(" · ")}`;
}

/** The checklist layout of a group with two or more alerts. */
function renderChecklist(
  marker: Marker,
  policy: Policy,
  oldBody: string | null,
  untick: ReadonlySet<string>,
): { title: string; body: string } {
  const group = marker.group!;
  const members = group.members;
  const open = members.filter((m) => !m.resolution);
  const sla = marker.sla as SlaClock;
  const sev = marker.severity as Severity;
  const ticked = oldBody ? tickedRows(oldBody) : new Set<number>();
  const title = issueTitle(`${members.length} leaked credentials for ${plain(ownerName(marker.routing), 100)} in ${group.repo}`);
  const active = open.filter((m) => m.validity === "active").length;
  const headline = open.length
    ? `> **${sev.toUpperCase()}**: ${members.length} credentials leaked in ${inlineCode(group.repo)} and were found together, so they share this issue (${open.length} still open${active ? `, **${active} known to work**` : ""}). **Revoke or rotate each one** and tick its row, then close this issue with a resolution.`
    : `> Every credential in this issue is resolved.`;

  const sections = new Map<string, { source: string; text: string; members: GroupMember[] }>();
  for (const m of members) {
    const rb = runbookFor(policy, m);
    const s = sections.get(rb.text) ?? { ...rb, members: [] };
    s.members.push(m);
    sections.set(rb.text, s);
  }
  const classes = [...new Set(members.map((m) => text(CLASS_NAME(m.identityClass))))];

  const rows: [string, string][] = [
    [
      "Alerts",
      `${members.length} in ${inlineCode(group.repo)}: ${open.length} open, ${members.length - open.length} resolved; ${classes.join(", ")}`,
    ],
    ["Severity", `**${sev}** (the highest of its alerts)`],
    [
      "Acknowledge by",
      `${formatDeadline(new Date(sla.acknowledgeBy), sla.timeZone, new Date(sla.startedAt))}${sla.calendar === "business" ? " (business hours)" : ""}: comment \`/ack\``,
    ],
    [
      "Remediate by",
      `${formatDeadline(new Date(sla.remediateBy), sla.timeZone, new Date(sla.startedAt))}${sla.calendar === "business" ? " (business hours)" : ""}, the earliest deadline of its open alerts`,
    ],
    ["Owner", ownerLine(marker.routing)],
  ];

  const body = [
    open.length ? "> [!CAUTION]" : "> [!NOTE]",
    headline,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([k, v]) => `| **${k}** | ${cell(v)} |`),
    "",
    "## Alerts",
    "",
    ...members.map((m) => memberRow(m, m.resolution !== null || (ticked.has(m.alert) && !untick.has(m.key)))),
    "",
    "## What to do",
    "",
    ...[...sections.values()].flatMap((s) => [
      `**For ${s.members.map((m) => `#${m.alert}`).join(", ")}:**`,
      "",
      demoteHeadings(s.text).trim(),
      "",
    ]),
    "<details><summary>Why you? How nhi-steward routed these alerts</summary>",
    "",
    `- Owner: ${fragment(marker.routing.why)} (for the first alert; every alert here went to the same people).`,
    `- Grouped: the policy's \`grouping\` puts alerts for the same owner in the same repository that arrive within ${policy.grouping.window.kind === "elapsed" ? `${Math.round(policy.grouping.window.ms / 60_000)} minutes` : `${policy.grouping.window.days} working days`} into one issue (at most ${policy.grouping.max_alerts}).`,
    ...[...sections.values()].map((s) => `- Runbook for ${s.members.map((m) => `#${m.alert}`).join(", ")}: ${s.source}.`),
    ...marker.routing.notes.map((n) => `- ${fragment(n)}`),
    "",
    "</details>",
    "",
    `<sub>Opened by nhi-steward for ${members.length} alerts (${inlineCode(marker.key)}). To resolve one alert differently, resolve it on GitHub: its row is ticked at the next sweep. Closing this issue with a resolution resolves every alert still open. The secrets themselves are never copied here. Answers to: ${policy.standards.map(text).join("; ")}.</sub>`,
    "",
    // The last line, the only place the marker is read from (see marker.ts).
    encodeMarker(marker),
  ].join("\n");
  // Ticks people made in the runbook survive; the rows' own ticks were set above.
  const carried = oldBody ? carryCheckedBoxes(oldBody, body) : body;
  const rowsFixed = carried
    .split("\n")
    .map((line) => {
      const m = ROW.exec(line);
      if (!m) return line;
      const member = members.find((x) => x.alert === Number(m[3]));
      const tick = member ? member.resolution !== null || (ticked.has(member.alert) && !untick.has(member.key)) : m[2] !== " ";
      return line.replace(/- \[[ xX]\]/, tick ? "- [x]" : "- [ ]");
    })
    .join("\n");
  return { title, body: rowsFixed };
}

export interface GroupRenderOptions {
  /** The lone member's decision: a group of one renders exactly as a single alert's issue. */
  decision?: Decision | null;
  /** The body as it is on GitHub: ticks are carried over; kept with a new marker when it cannot be rendered again. */
  oldBody?: string | null;
  /** Members whose rows must be unticked (reopened on GitHub). */
  untick?: ReadonlySet<string>;
}

/**
 * The issue for a group. With one alert it is that alert's ordinary issue (title, table, runbook)
 * carrying the group's marker, so a group that never grows looks like any other issue; from the
 * second alert on it is the checklist layout.
 */
export function renderGroup(marker: Marker, policy: Policy, options: GroupRenderOptions = {}): { title: string; body: string } | null {
  const members = marker.group?.members ?? [];
  if (members.length >= 2) return renderChecklist(marker, policy, options.oldBody ?? null, options.untick ?? new Set());
  const decision = options.decision;
  if (decision && members[0]?.key === decision.alert.key) {
    const rendered = renderIssue({
      ...decision,
      routing: marker.routing,
      sla: marker.sla as SlaClock,
      state: {
        acknowledged: marker.acknowledged,
        escalation: marker.escalation,
        snooze: marker.snooze,
        resolution: marker.resolution,
        pending: marker.pending,
        autoRevoked: marker.autoRevoked,
        timeline: marker.timeline,
        comments: marker.comments,
      },
    });
    const body = replaceMarker(rendered.body, marker);
    return { title: rendered.title, body: options.oldBody ? carryCheckedBoxes(options.oldBody, body) : body };
  }
  return null;
}

/** The body of a group after its marker changed (a tick, a resolution): rendered again when it can be, else the marker replaced. */
export function groupBody(oldBody: string, marker: Marker, policy: Policy, untick?: ReadonlySet<string>): string {
  return renderGroup(marker, policy, { oldBody, ...(untick ? { untick } : {}) })?.body ?? replaceMarker(oldBody, marker);
}

// ------------------------------------------------------------------------------------ planning

export interface GroupPlanInput {
  /** The group issue on GitHub; null when it is to be opened. */
  existing: ExistingIssue | null;
  marker: Marker;
  title: string;
  body: string;
  policy: Policy;
  now: Date;
  issueRepo: string;
  /** Comment lines to post (member news); none on a plain join, so a backfill notifies once. */
  news: string[];
  reopen: boolean;
  summary: string;
}

/** The writes that bring a group issue to its new marker and body: like `planChange`, for a group. */
export function planGroupChange(input: GroupPlanInput): Change {
  const { existing, marker, policy, now } = input;
  const labels = stateLabels(policy, marker.severity as Severity, marker.sla as SlaClock, marker, marker.routing.unowned, now);
  const base = { key: marker.key, repo: input.issueRepo, assignees: marker.routing.assignees, why: marker.routing.why };
  if (!existing) {
    return {
      ...base,
      action: "open",
      issue: null,
      summary: input.summary,
      labels: labels.map(labelSpec),
      ops: [{ op: "create-issue", title: input.title, body: input.body, labels, assignees: marker.routing.assignees }],
    };
  }
  const ops: Op[] = [];
  const body = input.body;
  if (body !== existing.body || input.title !== existing.title || input.reopen) {
    ops.push({
      op: "update-issue",
      issue: existing.number,
      ...(input.title !== existing.title ? { title: input.title } : {}),
      ...(body !== existing.body ? { body } : {}),
      ...(input.reopen ? { state: "open" as const } : {}),
    });
  }
  const missing = labels.filter((l) => !existing.labels.includes(l));
  if (missing.length) ops.push({ op: "add-labels", issue: existing.number, labels: missing });
  for (const stale of existing.labels.filter((l) => isManagedStateLabel(l) && !labels.includes(l)))
    ops.push({ op: "remove-label", issue: existing.number, label: stale });
  // The comment goes first, as for a single issue: a run that dies after it says it again.
  if (input.news.length) ops.unshift({ op: "comment", issue: existing.number, body: input.news.join("\n") });
  return {
    ...base,
    action: ops.length ? "update" : "none",
    issue: existing.number,
    summary: ops.length ? input.summary : `#${existing.number} (${marker.key}) is up to date`,
    labels: missing.map(labelSpec),
    ops,
  };
}
