import {
  commitSha,
  githubRepository,
  httpUrl,
  isRecord,
  jsonKind,
  lineNumber,
  normalizePath,
  str,
  unreadableReport,
  type JsonRecord,
} from "./common.ts";
import { describeDetector } from "./detectors.ts";
import { parseJson } from "./json.ts";
import { knownSecrets, sanitizeFinding } from "./redact.ts";
import type { ExternalFinding, FindingLocation, ParseResult } from "./types.ts";

/**
 * TruffleHog v3 `--json` output: one JSON object per line (pkg/output/json.go) with
 * SourceMetadata.Data.<Source>{file, line, commit, repository, link, …}, SourceID, SourceType,
 * SourceName, DetectorType, DetectorName, DetectorDescription (newer), DecoderName, Verified,
 * VerificationFromCache, Raw, RawV2, Redacted, ExtraData, StructuredData.
 *
 * Kept: DetectorName, DetectorDescription, Verified, and from the source metadata the file (or
 * path), line, commit, repository and link; ExtraData.rotation_guide as a link.
 * Dropped: Raw and RawV2 (the secret), Redacted (for many detectors a partial or whole secret),
 * the rest of ExtraData and StructuredData (detector-specific, may describe the credential),
 * email, username and timestamp (personal data), and the numeric Source/Detector/Decoder fields.
 * Raw, RawV2 and Redacted are also searched for in everything kept and replaced if found.
 *
 * Lines that are not JSON (the banner, plain logs) and JSON log records (`level` + `msg`, what
 * TruffleHog writes to stderr) are skipped with a reason, so `2>&1` output is accepted.
 */
export function parseTrufflehogReport(text: string): ParseResult {
  const result: ParseResult = { findings: [], skipped: [] };
  let objects = 0;
  let firstProblem: string | null = null;
  const lines = text.split(/\r\n|\n|\r/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    const where = `line ${index + 1}`;
    if (!line.startsWith("{")) {
      result.skipped.push({ where, reason: "not JSON (TruffleHog log or banner output)" });
      firstProblem ??= `${where} does not start with '{'`;
      continue;
    }
    const parsed = parseJson(line);
    if (!parsed.ok) {
      const problem = parsed.error.replace(/^line 1, /, "");
      result.skipped.push({ where, reason: `not valid JSON (${problem})` });
      firstProblem ??= `${where} is not valid JSON (${problem})`;
      continue;
    }
    if (!isRecord(parsed.value)) {
      result.skipped.push({ where, reason: `expected a JSON object, got ${jsonKind(parsed.value)}` });
      continue;
    }
    objects++;
    const finding = trufflehogFinding(parsed.value);
    if (typeof finding === "string") result.skipped.push({ where, reason: finding });
    else result.findings.push(finding);
  }
  if (objects === 0 && firstProblem !== null) throw unreadableReport("trufflehog", `no line is a JSON object; ${firstProblem}`);
  return result;
}

export function isTrufflehogResult(value: unknown): boolean {
  return isRecord(value) && ("DetectorName" in value || "SourceMetadata" in value);
}

function isLogRecord(v: JsonRecord): boolean {
  return !isTrufflehogResult(v) && "msg" in v && ("level" in v || "logger" in v || "ts" in v);
}

/** The one populated `SourceMetadata.Data.<Source>` entry, e.g. ["Git", {commit, file, …}]. */
function sourceMetadata(v: JsonRecord): [string, JsonRecord] | null {
  const sm = v.SourceMetadata;
  if (!isRecord(sm) || !isRecord(sm.Data)) return null;
  for (const [kind, meta] of Object.entries(sm.Data)) if (isRecord(meta)) return [kind, meta];
  return null;
}

function trufflehogFinding(v: JsonRecord): ExternalFinding | string {
  if (isLogRecord(v)) return "a TruffleHog log record, not a finding";
  const detectorName =
    str(v, "DetectorName") ??
    (typeof v.DetectorType === "number" && Number.isSafeInteger(v.DetectorType) ? `DetectorType ${v.DetectorType}` : null);
  if (!detectorName) return "DetectorName is missing or not a string";
  if (v.Verified !== undefined && typeof v.Verified !== "boolean") return `Verified must be true or false, got ${jsonKind(v.Verified)}`;

  const source = sourceMetadata(v);
  const kind = source?.[0] ?? "unknown";
  const meta: JsonRecord = source?.[1] ?? {};
  const rawFile = str(meta, "file") ?? str(meta, "path") ?? str(meta, "filename");
  const file = rawFile === null ? null : normalizePath(rawFile);
  const line = lineNumber(meta.line);
  const commit = commitSha(meta.commit);
  const link = httpUrl(meta.link);
  const repositoryUrl = str(meta, "repository");
  const repository = githubRepository(repositoryUrl) ?? githubRepository(link);

  // A git source on github.com without a link still has an obvious blob URL.
  const blobUrl =
    !link && repository && commit && file && !file.startsWith("/") && (kind === "Git" || kind === "Github")
      ? `https://github.com/${repository}/blob/${commit}/${file.split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`
      : null;
  const locations: FindingLocation[] = file
    ? [{ path: file, startLine: line, endLine: line, commitSha: commit, url: link ?? blobUrl }]
    : [];
  const links: { title: string; url: string }[] = [];
  if (!file && link) links.push({ title: `Where TruffleHog found it (${kind})`, url: link });
  const rotation = isRecord(v.ExtraData) ? httpUrl(v.ExtraData.rotation_guide) : null;
  if (rotation) links.push({ title: "How to rotate this credential", url: rotation });

  const raw = typeof v.Raw === "string" ? v.Raw : null;
  const detector = describeDetector(detectorName, raw);
  const fingerprint = ["trufflehog", detectorName, kind, repositoryUrl ?? "", file ?? link ?? "", line ?? "", commit ?? ""].join(":");
  const finding: ExternalFinding = {
    source: "trufflehog",
    fingerprint,
    detector: detectorName,
    displayName: detector.displayName,
    secretType: detector.secretType,
    identityClass: detector.identityClass,
    provider: detector.provider,
    // Unverified is not inactive: TruffleHog could not (or did not) check it.
    validity: v.Verified === true ? "active" : "unknown",
    severityHint: null,
    repository,
    locations,
    links,
    description: str(v, "DetectorDescription"),
    identifier: null,
    reporter: "trufflehog",
  };
  return sanitizeFinding(finding, knownSecrets([v.Raw, v.RawV2, v.Redacted]));
}
