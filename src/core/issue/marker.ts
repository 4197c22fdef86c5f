import { z } from "zod";
import { ROUTING_SOURCES } from "../routing/types.ts";

/**
 * The hidden record every response issue carries: `<!-- nhi-steward:v1 {json} -->`.
 * GitHub is the database: any replica or Action run reads state back from here.
 */
export const markerSchema = z.object({
  v: z.literal(1),
  key: z.string(),
  repo: z.string(),
  alert: z.number(),
  identityClass: z.string(),
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
});

export type Marker = z.infer<typeof markerSchema>;

const MARKER_RE = /<!-- nhi-steward:v1 (\{.*?\}) -->/s;

export function encodeMarker(marker: Marker): string {
  // "--" can only occur inside JSON strings, where "\u002d" means the same; this keeps "-->" out.
  const json = JSON.stringify(marker).replace(/--/g, "-\\u002d");
  return `<!-- nhi-steward:v1 ${json} -->`;
}

/** The key of any nhi-steward issue (response or config error), without reading the rest. */
export function markerKey(body: string | null | undefined): string | null {
  const m = body ? MARKER_RE.exec(body) : null;
  if (!m) return null;
  try {
    const key = (JSON.parse(m[1]!) as { key?: unknown }).key;
    return typeof key === "string" ? key : null;
  } catch {
    return null;
  }
}

/** Writes a marker for an issue that is not an alert response (e.g. a config error). */
export function encodeKeyMarker(key: string, kind: string): string {
  return `<!-- nhi-steward:v1 ${JSON.stringify({ v: 1, key, kind }).replace(/--/g, "-\\u002d")} -->`;
}

/** Reads the marker from an issue body; null when absent or unreadable. */
export function decodeMarker(body: string | null | undefined): Marker | null {
  const m = body ? MARKER_RE.exec(body) : null;
  if (!m) return null;
  try {
    const parsed = markerSchema.safeParse(JSON.parse(m[1]!));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
