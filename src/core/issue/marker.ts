import { z } from "zod";
import { ROUTING_SOURCES } from "../routing/types.ts";
import { groupSchema } from "./group-schema.ts";
import { openFence } from "./markdown.ts";

/**
 * The hidden record every response issue carries: `<!-- nhi-steward:v1 {json} -->`.
 * GitHub is the database: any replica or Action run reads state back from here.
 */
/** What the timeline records, in the order things usually happen. */
export const TIMELINE_EVENTS = [
  "opened",
  "acknowledged",
  "severity-changed",
  "at-risk",
  "breached",
  "escalated",
  "after-hours",
  "handed-back",
  "snoozed",
  "snooze-expired",
  "handoff",
  "revocation-requested",
  "auto-revoked",
  "revocation-failed",
  "closed-without-resolution",
  "resolved",
  "reopened",
] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export const timelineEntrySchema = z.object({
  at: z.string(),
  event: z.enum(TIMELINE_EVENTS),
  by: z.string().nullable().default(null),
  detail: z.string().nullable().default(null),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;

/** Most timeline entries a marker keeps (the first and the latest); an issue body holds 65,536 characters. */
export const MAX_TIMELINE = 100;
/** A group issue keeps fewer: its rows take most of the body. */
export const MAX_GROUP_TIMELINE = 30;
/** Most applied comment ids a marker keeps (the latest). */
export const MAX_COMMENT_IDS = 20;

export const markerSchema = z.object({
  v: z.literal(1),
  key: z.string(),
  repo: z.string(),
  alert: z.number(),
  identityClass: z.string(),
  secretType: z.string().default(""),
  validity: z.enum(["active", "inactive", "unknown"]),
  publiclyLeaked: z.boolean(),
  severity: z.enum(["critical", "high", "medium", "low"]),
  system: z.string().nullable(),
  locations: z.array(z.string()),
  routing: z.object({
    source: z.enum([...ROUTING_SOURCES, "none"]),
    why: z.string(),
    assignees: z.array(z.string()),
    mentions: z.array(z.string()),
    unowned: z.boolean(),
    notes: z.array(z.string()),
  }),
  openedAt: z.string(),
  /** The SLA clock: deadlines computed when the issue opened (or severity changed). */
  sla: z
    .object({
      acknowledgeBy: z.string(),
      remediateBy: z.string(),
      /** The calendar, as the policy names it: `24x7` or `business:<time zone>`. */
      calendar: z.string(),
      timeZone: z.string(),
      /** When the clock started (differs from openedAt after a severity change). */
      startedAt: z.string(),
    })
    .nullable()
    .default(null),
  acknowledged: z.object({ at: z.string(), by: z.string() }).nullable().default(null),
  escalation: z.object({ level: z.number().int().min(0), at: z.string().nullable() }).default({ level: 0, at: null }),
  snooze: z.object({ until: z.string(), by: z.string(), reason: z.string() }).nullable().default(null),
  resolution: z.object({ resolution: z.string(), at: z.string(), by: z.string(), comment: z.string().nullable() }).nullable().default(null),
  /** A risk acceptance waiting for security's `/approve`. */
  pending: z.object({ resolution: z.string(), at: z.string(), by: z.string(), comment: z.string().nullable() }).nullable().default(null),
  autoRevoked: z.object({ at: z.string(), method: z.string() }).nullable().default(null),
  timeline: z.array(timelineEntrySchema).default([]),
  // After the timeline: the order renderIssue and emptyState write, so a body decoded and re-encoded is unchanged.
  /**
   * The comments whose commands were applied (by a webhook or a sweep's catch-up): the newest one's
   * `created_at`, and the ids applied at or after the oldest time a sweep may still list (the latest
   * few), so a command is applied once whichever way in saw it first.
   */
  comments: z
    .object({ through: z.string(), ids: z.array(z.number().int()).max(MAX_COMMENT_IDS) })
    .nullable()
    .default(null),
  /** What the content was computed from (`inputsDigest`): a sweep skips issues whose inputs are unchanged. */
  inputs: z.string().nullable().default(null),
  /** Set on a group issue (`grouping` in the policy): its alerts; `key` is then the group's own key. */
  group: groupSchema.nullable().default(null),
});

export type Marker = z.output<typeof markerSchema>;
export type MarkerInput = z.input<typeof markerSchema>;

const MARKER_PREFIX = "<!-- nhi-steward:v1 ";
const MARKER_SUFFIX = " -->";

/**
 * Where a body's marker stands: the last line outside any code fence that is a whole marker
 * (starting the line, trailing whitespace aside). Text people write below it is allowed (GitHub's
 * editor shows the marker, and new notes go after it), but a marker-like text that does not start
 * its line (a planted one in a file path, a detector field) or sits inside a fence is never read,
 * and nhi-steward writes its marker last, so an earlier one never wins over it. Rendered outside
 * text never holds `<!--` (markdown.ts), so a marker line is nhi-steward's or written by someone
 * who may edit the issue, whom the provenance and place checks (provenance.ts) answer for.
 * One pass over the body, whatever it holds.
 */
function findMarker(body: string | null | undefined): { start: number; end: number; json: string } | null {
  if (!body || !body.includes(MARKER_PREFIX)) return null;
  // Without fences (most bodies), from the end: the last marker line is the first one found.
  if (!body.includes("```") && !body.includes("~~~")) {
    for (let at = body.lastIndexOf(MARKER_PREFIX); at >= 0; at = at > 0 ? body.lastIndexOf(MARKER_PREFIX, at - 1) : -1) {
      if (at > 0 && body[at - 1] !== "\n" && body[at - 1] !== "\r") continue;
      const found = markerLine(body, at);
      if (found) return found;
    }
    return null;
  }
  let found: { start: number; end: number; json: string } | null = null;
  let open: { char: string; length: number } | null = null;
  const lines = /([^\r\n]*)(\r\n|\r|\n|$)/g;
  for (let m = lines.exec(body); m; m = lines.exec(body)) {
    const line = m[1]!;
    const at = m.index;
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (fence) {
      const [, run, rest] = fence as unknown as [string, string, string];
      if (!open) {
        // A backtick fence's info string may not contain backticks.
        if (!(run[0] === "`" && rest.includes("`"))) open = { char: run[0]!, length: run.length };
      } else if (run[0] === open.char && run.length >= open.length && rest.trim() === "") open = null;
    } else if (!open && line.startsWith(MARKER_PREFIX)) found = markerLine(body, at) ?? found;
    if (!m[2]) break;
  }
  return found;
}

/** The marker on the line starting at `at` (which starts with the prefix), if the whole line is one. */
function markerLine(body: string, at: number): { start: number; end: number; json: string } | null {
  const lineEnd = /[\r\n]/g;
  lineEnd.lastIndex = at;
  const eol = lineEnd.exec(body)?.index ?? body.length;
  const trimmed = body.slice(at, eol).trimEnd();
  if (!trimmed.endsWith(MARKER_SUFFIX)) return null;
  const json = trimmed.slice(MARKER_PREFIX.length, trimmed.length - MARKER_SUFFIX.length);
  // encodeMarker writes one line with no "--" in it, so the comment cannot have ended earlier.
  if (!json.startsWith("{") || !json.endsWith("}") || json.includes("-->")) return null;
  return { start: at, end: at + trimmed.length, json };
}

export function encodeMarker(marker: MarkerInput): string {
  // "--" can only occur inside JSON strings, where "\u002d" means the same; this keeps "-->" out.
  const json = JSON.stringify(
    marker.timeline ? { ...marker, timeline: capTimeline(marker.timeline, marker.group ? MAX_GROUP_TIMELINE : MAX_TIMELINE) } : marker,
  ).replace(/--/g, "-\\u002d");
  return `<!-- nhi-steward:v1 ${json} -->`;
}

/** The body with its marker replaced (the rest, written by people or earlier renders, is kept). */
export function replaceMarker(body: string, marker: MarkerInput): string {
  const found = findMarker(body);
  if (found && body.slice(found.end).trim() === "") return `${body.slice(0, found.start)}${encodeMarker(marker)}${body.slice(found.end)}`;
  // Appended as the last line (what people wrote below an old one moves above it, the old one goes);
  // a code block left open above is closed first, or it would hold the marker.
  const rest = found ? `${body.slice(0, found.start).trimEnd()}\n\n${body.slice(found.end).replace(/^[ \t]*(\r\n|\r|\n)/, "")}` : body;
  const fence = openFence(rest);
  return `${rest.trimEnd()}${fence ? `\n${fence}` : ""}\n\n${encodeMarker(marker)}`;
}

/** Keeps the first entry and the latest ones, so the marker fits in an issue body. */
export function capTimeline<T>(timeline: T[], max = MAX_TIMELINE): T[] {
  return timeline.length <= max ? timeline : [timeline[0]!, ...timeline.slice(-(max - 1))];
}

/** The key of any nhi-steward issue (response or config error), without reading the rest. */
export function markerKey(body: string | null | undefined): string | null {
  const m = findMarker(body);
  if (!m) return null;
  try {
    const key = (JSON.parse(m.json) as { key?: unknown }).key;
    return typeof key === "string" ? key : null;
  } catch {
    return null;
  }
}

/**
 * Every key an issue answers for: its own, and on a group issue each member alert's. The issue
 * index maps all of them to the issue, so a member's redelivery finds its group.
 */
export function markerKeys(body: string | null | undefined): string[] {
  const m = findMarker(body);
  if (!m) return [];
  try {
    const parsed = JSON.parse(m.json) as { key?: unknown; group?: { members?: { key?: unknown }[] } | null };
    if (typeof parsed.key !== "string") return [];
    const members = Array.isArray(parsed.group?.members)
      ? parsed.group.members.map((x) => x?.key).filter((k): k is string => typeof k === "string")
      : [];
    return [parsed.key, ...members];
  } catch {
    return [];
  }
}

/** Writes a marker for an issue that is not an alert response (e.g. a config error). */
export function encodeKeyMarker(key: string, kind: string): string {
  return `<!-- nhi-steward:v1 ${JSON.stringify({ v: 1, key, kind }).replace(/--/g, "-\\u002d")} -->`;
}

/** Reads the marker from an issue body; null when absent or unreadable. */
export function decodeMarker(body: string | null | undefined): Marker | null {
  const text = markerText(body);
  return text === null ? null : decodeMarkerText(text);
}

/** The marker's JSON as it stands in a body, undecoded; null when the body has none. */
export function markerText(body: string | null | undefined): string | null {
  return findMarker(body)?.json ?? null;
}

/** Decodes a marker's JSON (see `markerText`); null when unreadable. */
export function decodeMarkerText(text: string): Marker | null {
  try {
    const parsed = markerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
