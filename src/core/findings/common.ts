import { InputError } from "../alert/input-error.ts";

/** The published schema for dispatch payloads, named in every dispatch error. */
export const DISPATCH_SCHEMA_FILE = "policies/dispatch-schema.json";

export type ReportFormat = "gitleaks" | "trufflehog" | "sarif";

const EXPECTED: Record<ReportFormat, { name: string; hint: string }> = {
  gitleaks: {
    name: "a gitleaks JSON report",
    hint: "Pass the file gitleaks writes with `--report-format json --report-path <file>`: a JSON array of findings.",
  },
  trufflehog: {
    name: "TruffleHog JSON lines",
    hint: "Pass what `trufflehog … --json` prints on stdout: one JSON object per line (log lines are skipped).",
  },
  sarif: {
    name: "a SARIF 2.1.0 log",
    hint: 'Pass a SARIF 2.1.0 file: an object with `"version": "2.1.0"` and a `runs` array.',
  },
};

/** The error for a report that cannot be read at all. `problem` must not quote report content. */
export function unreadableReport(format: ReportFormat, problem: string): InputError {
  const { name, hint } = EXPECTED[format];
  return new InputError(`The findings report cannot be read as ${name}`, [problem], hint);
}

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A non-empty trimmed string field, else null. */
export function str(record: JsonRecord, key: string): string | null {
  const v = record[key];
  if (typeof v !== "string") return null;
  const t = v.trim();
  return t === "" ? null : t;
}

/** A positive integer line number, else null (0 and negatives mean "unknown" in these reports). */
export function lineNumber(value: unknown): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === "string" && /^[1-9]\d{0,8}$/.test(value)) return Number(value);
  return null;
}

/** What kind of JSON value this is, for messages that must not quote the value. */
export function jsonKind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return "a number";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

/**
 * An http(s) URL, parsed with `new URL` and re-serialised (encoded), or null: other schemes
 * (javascript:, data:, file:), unparsable URLs and URLs with a user name or password never reach an
 * issue. The issue renderer still encodes what Markdown would read (see core/issue/markdown.ts).
 */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const t = value.trim();
  if (!/^https?:\/\/[^\s]+$/i.test(t) || t.length > 2000) return null;
  try {
    const url = new URL(t);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname && !url.username && !url.password ? url.href : null;
  } catch {
    return null;
  }
}

/** A git commit SHA (abbreviated or full, SHA-1 or SHA-256), lowercased, else null. */
export function commitSha(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const t = value.trim();
  return /^[0-9a-f]{7,64}$/i.test(t) ? t.toLowerCase() : null;
}

const GITHUB_REPO =
  /^(?:https?:\/\/(?:[^@/\s]+@)?(?:www\.)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([A-Za-z0-9-]{1,39})\/([A-Za-z0-9._-]{1,100}?)(?:\.git)?(?:[/?#].*)?$/i;

/** `owner/name` from a github.com repository, blob or clone URL, else null. */
export function githubRepository(url: unknown): string | null {
  if (typeof url !== "string") return null;
  const m = GITHUB_REPO.exec(url.trim());
  if (!m || !m[1] || !m[2] || m[2] === "." || m[2] === "..") return null;
  return `${m[1]}/${m[2]}`;
}

/**
 * A report path as a repository-relative path where it can tell: drops `./`, a `file://` scheme,
 * and the checkout directory of GitHub-hosted runners (`/home/runner/work/<repo>/<repo>/`,
 * `D:/a/<repo>/<repo>/`) and container actions (`/github/workspace/`), where filesystem scans run.
 */
export function normalizePath(path: string): string {
  let p = path.trim().replace(/\\/g, "/");
  if (/^file:\/\//i.test(p)) p = p.replace(/^file:\/\/(?:localhost)?/i, "");
  p = p.replace(/^(?:\/home\/runner\/work\/[^/]+\/[^/]+\/|\/?[A-Za-z]:\/a\/[^/]+\/[^/]+\/|\/github\/workspace\/)/, "");
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}

/** `generic-api-key` → `generic_api_key`, `SlackWebhook` → `slack_webhook`, `AWS` → `aws`. */
export function secretTypeFromDetector(detector: string): string {
  const s = detector
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return s || "unknown";
}

const ACRONYMS = new Set([
  "api",
  "aws",
  "gcp",
  "id",
  "jwt",
  "oauth",
  "pat",
  "sql",
  "ssh",
  "url",
  "uri",
  "ci",
  "cd",
  "jdbc",
  "ldap",
  "ftp",
  "smtp",
  "sms",
]);

/** `generic-api-key` → `Generic API key`, `DatadogToken` → `Datadog token`: a name for an unmapped detector. */
export function humanize(detector: string): string {
  const words = secretTypeFromDetector(detector)
    .split("_")
    .filter(Boolean)
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w));
  if (words.length === 0 || words[0] === "unknown") return "Unknown secret";
  const [first, ...rest] = words;
  return [first![0]!.toUpperCase() + first!.slice(1), ...rest].join(" ");
}

/** Caps a kept free-text field so one finding cannot carry a whole file. */
export function clip(text: string, max = 2000): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
