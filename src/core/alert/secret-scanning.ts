import { z } from "zod";
import { describeIssues, InputError } from "./input-error.ts";
import { alertKey, type Alert, type AlertLocation, type RepoRef, type Visibility } from "./types.ts";

/**
 * GitHub's secret scanning alert, as both the `secret_scanning_alert` webhook and the REST API
 * send it. Only what nhi-steward reads is checked; everything else passes through untouched.
 * The `secret` field is deliberately absent: it is never read from here.
 */
const rawAlertSchema = z.object({
  number: z.number().int().positive(),
  state: z.enum(["open", "resolved"]).optional(),
  resolution: z.string().nullish(),
  secret_type: z.string().min(1),
  secret_type_display_name: z.string().nullish(),
  provider: z.string().nullish(),
  validity: z.enum(["active", "inactive", "unknown"]).nullish(),
  publicly_leaked: z.boolean().nullish(),
  multi_repo: z.boolean().nullish(),
  push_protection_bypassed: z.boolean().nullish(),
  push_protection_bypassed_by: z
    .object({ login: z.string().min(1) })
    .nullish()
    .catch(null),
  html_url: z.string().nullish(),
  created_at: z.string().nullish(),
  resolved_at: z.string().nullish(),
  first_location_detected: z.record(z.string(), z.unknown()).nullish(),
  assigned_to: z
    .object({ login: z.string().min(1) })
    .nullish()
    .catch(null),
});

/** The fields of a REST or webhook alert nhi-steward reads (a sweep's state keeps only these). */
export const ALERT_FIELDS_READ: readonly string[] = Object.keys(rawAlertSchema.shape);

const rawRepositorySchema = z.object({
  name: z.string().min(1),
  owner: z.object({ login: z.string().min(1) }),
  private: z.boolean().optional(),
  visibility: z.enum(["public", "private", "internal"]).optional(),
});

export type RawRepository = z.input<typeof rawRepositorySchema>;

const rawLocationSchema = z.object({
  type: z.string(),
  details: z.record(z.string(), z.unknown()).nullish(),
});

export function repositoryFrom(raw: unknown): { repo: RepoRef; visibility: Visibility | null } {
  const parsed = rawRepositorySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InputError(
      "The event's repository is not readable",
      describeIssues(parsed.error.issues, "repository"),
      "GitHub always sends `repository.name` and `repository.owner.login`; check that the payload is a repository event.",
    );
  }
  const r = parsed.data;
  const visibility: Visibility | null = r.visibility ?? (r.private === undefined ? null : r.private ? "private" : "public");
  return { repo: { owner: r.owner.login, name: r.name }, visibility };
}

/** Normalises a secret scanning alert from a webhook or the REST API. Throws InputError. */
export function normalizeSecretScanningAlert(
  rawAlert: unknown,
  repo: RepoRef,
  visibility: Visibility | null,
  locations: AlertLocation[] = [],
): Alert {
  const parsed = rawAlertSchema.safeParse(rawAlert);
  if (!parsed.success) {
    throw new InputError(
      `Secret scanning alert in ${repo.owner}/${repo.name} is malformed`,
      describeIssues(parsed.error.issues, "alert"),
      "nhi-steward reads the alert again from the REST API when it can; if this repeats, check the webhook payload against GitHub's documented shape.",
    );
  }
  const a = parsed.data;
  const state = a.state ?? (a.resolution || a.resolved_at ? "resolved" : "open");
  // REST (and newer webhooks) name the first location; it has a commit's fields but no `type`.
  // A wiki page's first location names its `page_url`; a commit's does not.
  const fl = a.first_location_detected;
  const first = fl && "path" in fl ? normalizeLocation({ type: "page_url" in fl ? "wiki_commit" : "commit", details: fl }) : null;
  return {
    source: "secret-scanning",
    key: alertKey("secret-scanning", repo, a.number),
    repo,
    visibility,
    number: a.number,
    state,
    resolution: a.resolution ?? null,
    secretType: a.secret_type,
    secretTypeDisplayName: a.secret_type_display_name || a.secret_type,
    provider: a.provider ?? null,
    validity: a.validity ?? "unknown",
    publiclyLeaked: a.publicly_leaked ?? false,
    multiRepo: a.multi_repo ?? false,
    pushProtectionBypassed: a.push_protection_bypassed ?? Boolean(a.push_protection_bypassed_by),
    pushProtectionBypassedBy: a.push_protection_bypassed_by?.login ?? null,
    htmlUrl: a.html_url ?? null,
    createdAt: a.created_at ?? null,
    ...(a.assigned_to !== undefined ? { assignedTo: a.assigned_to?.login ?? null } : {}),
    locations: first ? mergeLocations(locations, [first]) : locations,
  };
}

/**
 * Fields of a webhook alert that decide routing and severity but that GitHub may leave out (older
 * GitHub Enterprise Server payloads have no `validity` or `publicly_leaked`; no webhook has
 * `provider`): when one is missing, the alert is read once over REST before anything is decided.
 */
export const FILLED_FROM_REST = ["validity", "publicly_leaked", "provider", "secret_type_display_name"] as const;

/** Which of FILLED_FROM_REST a raw alert lacks (absent or null). */
export function missingAlertFields(rawAlert: unknown): string[] {
  const a = (rawAlert ?? {}) as Record<string, unknown>;
  return FILLED_FROM_REST.filter((k) => a[k] === undefined || a[k] === null || a[k] === "");
}

/** The alert number of a payload whose other fields may be broken, so the alert can be re-read. */
export function alertNumberOf(rawAlert: unknown): number | null {
  const n = (rawAlert as { number?: unknown } | null)?.number;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * A file path as CODEOWNERS matches it: GitHub's documentation (and some payloads) write
 * `/example/secrets.txt`; the repository root is implied, so leading slashes go (as `owners` does).
 */
export function normalizePath(path: string): string {
  return path.replace(/^\/+/, "");
}

/** Normalises one entry of `GET …/secret-scanning/alerts/{n}/locations` (or a webhook `location`). */
export function normalizeLocation(raw: unknown): AlertLocation | null {
  const parsed = rawLocationSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { type, details } = parsed.data;
  const d = details ?? {};
  const str = (k: string): string | null => (typeof d[k] === "string" && d[k] !== "" ? (d[k] as string) : null);
  const num = (k: string): number | null => (typeof d[k] === "number" ? (d[k] as number) : null);
  if (type === "commit" || type === "wiki_commit") {
    const raw = str("path");
    const path = raw === null ? "" : normalizePath(raw);
    if (!path) return null;
    const common = { path, startLine: num("start_line"), endLine: num("end_line"), commitSha: str("commit_sha") };
    if (type === "wiki_commit") return { type: "wiki_commit", ...common, pageUrl: str("page_url") };
    return { type: "commit", ...common, blobUrl: str("blob_url") };
  }
  // issue_title → issue_title_url, …: the field named after the type, else any `*_url`.
  const key = d[`${type}_url`] !== undefined ? `${type}_url` : Object.keys(d).find((k) => k.endsWith("_url"));
  return { type, url: key ? str(key) : null };
}

/** Merges locations, keeping order and dropping repeats. */
export function mergeLocations(...lists: AlertLocation[][]): AlertLocation[] {
  const seen = new Set<string>();
  const out: AlertLocation[] = [];
  for (const list of lists) {
    for (const l of list) {
      const id = locationId(l);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(l);
    }
  }
  return out;
}

export function locationId(l: AlertLocation): string {
  if ("path" in l) return `${l.type}:${l.path}:${l.startLine ?? ""}:${l.commitSha ?? ""}`;
  return `${l.type}:${l.url ?? ""}`;
}
