import { z } from "zod";

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
  locations: z.array(z.string()),
  routing: z.object({
    source: z.enum(["codeowners", "fallback", "none"]),
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
