import { cell, inlineCode, safeUrl, text as escapeText } from "../issue/markdown.ts";
import { HOUR_MS } from "../sla/duration.ts";
import { formatSpan } from "../sla/format.ts";
import type { Compliance, DurationSummary, GroupStats, Metrics, Window } from "./compute.ts";
import { timeToAcknowledgeMs, timeToRemediateMs, type ResponseRecord } from "./record.ts";

export interface ReportOptions {
  title: string;
  generatedAt: Date;
  window: Window;
}

/** Hours, rounded to 2 decimals (36 s); null stays null. */
export function hours(ms: number | null): number | null {
  return ms === null ? null : Math.round((ms / HOUR_MS) * 100) / 100;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

const DASH = "—";

/** `2026-11-30 12:00 UTC`. */
function utc(d: Date): string {
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

function span(ms: number | null): string {
  return ms === null ? DASH : formatSpan(ms);
}

function percent(rate: number | null): string {
  return rate === null ? DASH : `${round1(rate * 100)}%`;
}

function complianceCell(c: Compliance): string {
  return c.rate === null ? DASH : `${percent(c.rate)} (${c.met}/${c.met + c.missed})`;
}

/** Text safe inside a table cell: no Markdown, no HTML, no mentions or links, no line breaks (core/issue/markdown.ts). */
function text(s: string): string {
  return cell(escapeText(s));
}

/** An owner in code, so a pinned report never notifies every owner it lists. */
function owner(s: string): string {
  return cell(inlineCode(s));
}

/** An item's link: `repo#issue` to its issue when the URL is http(s); the plain name otherwise. */
function itemLink(repo: string, issue: number, url: string): string {
  const label = `${text(repo)}#${issue}`;
  const target = safeUrl(url);
  return target ? `[${label}](${cell(target)})` : label;
}

function durationLine(d: DurationSummary): string {
  if (d.count === 0) return `${DASH} (no items)`;
  return `p50 ${span(d.p50Ms)} · p90 ${span(d.p90Ms)} · mean ${span(d.meanMs)} (${d.count} ${d.count === 1 ? "item" : "items"})`;
}

/** A GitHub table; the first column is left-aligned, the rest right-aligned unless `left`. */
function table(header: string[], rows: string[][], left = false): string[] {
  const align = header.map((_, i) => (i === 0 || left ? "---" : "---:")).join("|");
  return [`| ${header.join(" | ")} |`, `|${align}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function groupTable(label: string, groups: GroupStats[], keyCell: (key: string) => string): string[] {
  if (groups.length === 0) return ["No items."];
  return table(
    [label, "Items", "Opened", "Open", "Remediated", "Breached", "MTTA p50", "MTTR p50", "MTTR p90", "SLA compliance"],
    groups.map((g) => [
      keyCell(g.key),
      String(g.items),
      String(g.opened),
      String(g.open),
      String(g.remediated),
      String(g.breached),
      span(g.timeToAcknowledge.p50Ms),
      span(g.timeToRemediate.p50Ms),
      span(g.timeToRemediate.p90Ms),
      complianceCell(g.compliance),
    ]),
  );
}

/** A number as Mermaid reads it: plain decimal, never exponent notation. */
function mermaidNumber(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/**
 * The weekly chart: MTTR p50 in hours as bars, compliance % as a line, on one axis from 0 to
 * 100 (or the highest bar). Mermaid has no gaps, so a week with no data plots as 0.
 */
export function weeklyChart(m: Metrics): string[] {
  const bars = m.weekly.map((w) => hours(w.timeToRemediate.p50Ms) ?? 0);
  const line = m.weekly.map((w) => (w.compliance.rate === null ? 0 : round1(w.compliance.rate * 100)));
  const top = Math.max(100, Math.ceil(Math.max(0, ...bars)));
  return [
    "```mermaid",
    "xychart-beta",
    '    title "Weekly MTTR p50 (hours, bars) and SLA compliance (%, line)"',
    `    x-axis [${m.weekly.map((w) => `"${w.week}"`).join(", ")}]`,
    `    y-axis "hours / %" 0 --> ${top}`,
    `    bar [${bars.map(mermaidNumber).join(", ")}]`,
    `    line [${line.map(mermaidNumber).join(", ")}]`,
    "```",
  ];
}

/** The open backlog by severity as a pie; severities with no open items are left out. */
export function backlogPie(m: Metrics): string[] {
  return [
    "```mermaid",
    "pie showData",
    "    title Open backlog by severity",
    ...m.backlog.bySeverity.filter((s) => s.count > 0).map((s) => `    "${s.severity}" : ${s.count}`),
    "```",
  ];
}

/**
 * The report as GitHub Markdown, for a job summary or a pinned issue: headline numbers, a weekly
 * chart, the backlog, tables by severity, owner, identity class and system, the slowest open items
 * with links, and a pointer to the definitions. Owners are shown in code so nobody is notified.
 */
export function renderReportMarkdown(m: Metrics, options: ReportOptions): string {
  const { totals } = m;
  const w = options.window;
  const days = Math.round(((w.to.getTime() - w.from.getTime()) / (24 * HOUR_MS)) * 10) / 10;
  const c = m.compliance;
  const escalations = m.escalations.map((e) => `level ${e.level}: ${e.count}`).join(" · ");
  const ages = m.backlog.byAge.map((a) => `${a.bucket}: ${a.count}`).join(" · ");

  const out: string[] = [
    `# ${text(options.title)}`,
    "",
    `Window ${utc(w.from)} → ${utc(w.to)} (${days} ${days === 1 ? "day" : "days"}) · generated ${utc(options.generatedAt)}`,
    "",
    ...table(
      ["Headline", ""],
      [
        [
          "Items in scope",
          `${totals.items}: ${totals.opened} opened in the window, ${totals.remediated} remediated in it, ${totals.open} open now`,
        ],
        ["Time to acknowledge", durationLine(m.timeToAcknowledge)],
        ["Time to remediate", durationLine(m.timeToRemediate)],
        [
          "SLA compliance",
          c.rate === null ? `${DASH} (no deadline came due)` : `${percent(c.rate)}: ${c.met} of ${c.met + c.missed} deadlines met`,
        ],
        ["Breaches", String(totals.breached)],
        ["Escalated", totals.escalated === 0 ? "0" : `${totals.escalated} (${escalations})`],
        ["Auto-revoked", String(totals.autoRevoked)],
        ["Reopened", String(totals.reopened)],
        ["Closed without a resolution", String(totals.closedUnresolved)],
        ["Open backlog", totals.open === 0 ? "0" : `${totals.open} (${ages})`],
      ],
      true,
    ),
    "",
    "## Weekly trend",
    "",
  ];

  if (m.weekly.length === 0) out.push("The window is empty.");
  else {
    out.push(...weeklyChart(m), "", "Weeks with no remediation or no deadline due plot as 0; the table says which.", "");
    out.push(
      ...table(
        ["Week", "Remediated", "MTTR p50", "SLA compliance"],
        m.weekly.map((wk) => [wk.week, String(wk.timeToRemediate.count), span(wk.timeToRemediate.p50Ms), complianceCell(wk.compliance)]),
      ),
    );
  }

  out.push("", "## Open backlog", "");
  if (m.backlog.total === 0) out.push("No open items.");
  else {
    out.push(...backlogPie(m), "");
    out.push(...table(["Age", ...m.backlog.byAge.map((a) => a.bucket)], [["Open items", ...m.backlog.byAge.map((a) => String(a.count))]]));
  }

  out.push("", "## By severity", "", ...groupTable("Severity", m.bySeverity, (k) => k));
  out.push("", "## By owner", "", ...groupTable("Owner", m.byOwner, owner));
  out.push("", "## By identity class", "", ...groupTable("Identity class", m.byIdentityClass, text));
  out.push("", "## By system", "", ...groupTable("System", m.bySystem, text));

  out.push("", "## Slowest open items", "");
  if (m.slowestOpen.length === 0) out.push("No open items.");
  else {
    out.push(
      ...table(
        ["#", "Item", "Severity", "Owner", "Age", "Deadline"],
        m.slowestOpen.map((o, i) => [
          String(i + 1),
          `${itemLink(o.repo, o.issue, o.url)} ${text(o.title)}`,
          o.severity,
          owner(o.owner),
          formatSpan(o.ageMs),
          o.remediateBy === null ? DASH : `${utc(o.remediateBy)}${o.breached ? " **breached**" : ""}`,
        ]),
        true,
      ),
    );
  }

  out.push(
    "",
    "<sub>In scope: opened or remediated in the window, or open now. Durations are wall-clock; snoozes are taken off time to remediate but never move a deadline. Percentiles are nearest-rank. Definitions: docs/metrics.md in nhi-steward.</sub>",
    "",
  );
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

function durationJson(d: DurationSummary) {
  return {
    count: d.count,
    meanMs: d.meanMs,
    meanHours: hours(d.meanMs),
    p50Ms: d.p50Ms,
    p50Hours: hours(d.p50Ms),
    p90Ms: d.p90Ms,
    p90Hours: hours(d.p90Ms),
  };
}

function complianceJson(c: Compliance) {
  return { met: c.met, missed: c.missed, rate: c.rate };
}

function groupJson(g: GroupStats) {
  return {
    key: g.key,
    items: g.items,
    opened: g.opened,
    open: g.open,
    remediated: g.remediated,
    breached: g.breached,
    timeToAcknowledge: durationJson(g.timeToAcknowledge),
    timeToRemediate: durationJson(g.timeToRemediate),
    compliance: complianceJson(g.compliance),
  };
}

/**
 * The metrics as JSON: keys always in the same order, instants as ISO strings, every duration in
 * both ms (`…Ms`) and hours (`…Hours`, 2 decimals), rates 0–1. Ends with a newline.
 */
export function renderReportJson(m: Metrics): string {
  const t = m.totals;
  const doc = {
    version: 1,
    window: { from: m.window.from.toISOString(), to: m.window.to.toISOString() },
    now: m.now.toISOString(),
    totals: {
      items: t.items,
      opened: t.opened,
      remediated: t.remediated,
      acknowledged: t.acknowledged,
      open: t.open,
      closedUnresolved: t.closedUnresolved,
      breached: t.breached,
      escalated: t.escalated,
      autoRevoked: t.autoRevoked,
      reopened: t.reopened,
    },
    timeToAcknowledge: durationJson(m.timeToAcknowledge),
    timeToRemediate: durationJson(m.timeToRemediate),
    compliance: complianceJson(m.compliance),
    bySeverity: m.bySeverity.map(groupJson),
    byIdentityClass: m.byIdentityClass.map(groupJson),
    byOwner: m.byOwner.map(groupJson),
    bySystem: m.bySystem.map(groupJson),
    escalations: m.escalations.map((e) => ({ level: e.level, count: e.count })),
    backlog: {
      total: m.backlog.total,
      byAge: m.backlog.byAge.map((a) => ({ bucket: a.bucket, count: a.count })),
      bySeverity: m.backlog.bySeverity.map((s) => ({ severity: s.severity, count: s.count })),
    },
    slowestOpen: m.slowestOpen.map((o) => ({
      key: o.key,
      repo: o.repo,
      issue: o.issue,
      url: o.url,
      title: o.title,
      severity: o.severity,
      owner: o.owner,
      openedAt: o.openedAt.toISOString(),
      ageMs: o.ageMs,
      ageHours: hours(o.ageMs),
      remediateBy: o.remediateBy?.toISOString() ?? null,
      breached: o.breached,
    })),
    weekly: m.weekly.map((w) => ({
      week: w.week,
      from: w.from.toISOString(),
      to: w.to.toISOString(),
      timeToRemediate: durationJson(w.timeToRemediate),
      compliance: complianceJson(w.compliance),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  "key",
  "repo",
  "issue",
  "url",
  "severity",
  "identity_class",
  "owner",
  "system",
  "state",
  "opened_at",
  "acknowledged_at",
  "remediated_at",
  "resolution",
  "remediate_by",
  "breached",
  "escalation_level",
  "auto_revoked",
  "time_to_acknowledge_h",
  "time_to_remediate_h",
] as const;

/** One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvValue(v: string | number | boolean | Date | null): string {
  if (v === null) return "";
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * One row per record (in the order given) under a header row, RFC 4180: CRLF line ends, fields
 * quoted only when needed. Empty fields are nulls; instants are ISO; times are hours (2 decimals),
 * with the same definitions as the report (time to acknowledge falls back to time to remediate;
 * snoozes are taken off time to remediate).
 */
export function renderReportCsv(records: readonly ResponseRecord[]): string {
  const rows = records.map((r) =>
    [
      r.key,
      r.repo,
      r.issue,
      r.url,
      r.severity,
      r.identityClass,
      r.owner,
      r.system,
      r.state,
      r.openedAt,
      r.acknowledgedAt,
      r.remediatedAt,
      r.resolution,
      r.remediateBy,
      r.breached,
      r.escalationLevel,
      r.autoRevoked,
      hours(timeToAcknowledgeMs(r)),
      hours(timeToRemediateMs(r)),
    ].map((v) => csvField(csvValue(v))),
  );
  return [CSV_COLUMNS.join(","), ...rows.map((r) => r.join(","))].map((line) => `${line}\r\n`).join("");
}
