import { commitSha, githubRepository, httpUrl, isRecord, jsonKind, lineNumber, normalizePath, str, unreadableReport } from "./common.ts";
import { describeDetector } from "./detectors.ts";
import { parseJson } from "./json.ts";
import { knownSecrets, sanitizeFinding } from "./redact.ts";
import type { ExternalFinding, FindingLocation, ParseResult } from "./types.ts";

/**
 * gitleaks' JSON report (`gitleaks git|dir … --report-format json`): an array of report.Finding:
 * RuleID, Description, StartLine, EndLine, StartColumn, EndColumn, Match, Secret, File,
 * SymlinkFile, Commit, Link (newer versions), Entropy, Author, Email, Date, Message, Tags,
 * Fingerprint.
 *
 * Kept: RuleID, Description, File, StartLine, EndLine, Commit, Link, Fingerprint.
 * Dropped: Secret, Match and Line (the secret and the text around it), Entropy, Tags, and the
 * commit's Author, Email, Date and Message (personal data; a commit message can quote the secret).
 * Secret, Match and Line are also searched for in everything kept and replaced if found.
 */
export function parseGitleaksReport(text: string): ParseResult {
  const parsed = parseJson(text);
  if (!parsed.ok) throw unreadableReport("gitleaks", `it is not valid JSON (${parsed.error})`);
  return gitleaksFromValue(parsed.value);
}

export function gitleaksFromValue(value: unknown): ParseResult {
  if (!Array.isArray(value))
    throw unreadableReport("gitleaks", `the top level must be a JSON array of findings, but it is ${jsonKind(value)}`);
  const result: ParseResult = { findings: [], skipped: [] };
  value.forEach((entry: unknown, index) => {
    const where = `finding [${index}]`;
    if (!isRecord(entry)) {
      result.skipped.push({ where, reason: `expected an object, got ${jsonKind(entry)}` });
      return;
    }
    const finding = gitleaksFinding(entry);
    if (typeof finding === "string") result.skipped.push({ where, reason: finding });
    else result.findings.push(finding);
  });
  return result;
}

/** One report entry as a finding, or the reason it cannot be one. */
function gitleaksFinding(e: Record<string, unknown>): ExternalFinding | string {
  const ruleId = str(e, "RuleID");
  if (!ruleId) return "RuleID is missing or not a string";
  const file = str(e, "File") ?? str(e, "SymlinkFile");
  const startLine = lineNumber(e.StartLine);
  const commit = commitSha(e.Commit);
  const link = httpUrl(e.Link);
  const locations: FindingLocation[] = file
    ? [{ path: normalizePath(file), startLine, endLine: lineNumber(e.EndLine) ?? startLine, commitSha: commit, url: link }]
    : [];
  // gitleaks' own fingerprint is `[commit:]file:rule:line`; rebuilt the same way when absent.
  const fingerprint = str(e, "Fingerprint") ?? [commit, file ?? "", ruleId, startLine ?? ""].filter((p) => p !== null).join(":");
  const detector = describeDetector(ruleId);
  const finding: ExternalFinding = {
    source: "gitleaks",
    fingerprint: `gitleaks:${fingerprint}`,
    detector: ruleId,
    displayName: detector.displayName,
    secretType: detector.secretType,
    identityClass: detector.identityClass,
    provider: detector.provider,
    validity: "unknown",
    severityHint: null,
    repository: githubRepository(link),
    locations,
    links: [],
    description: str(e, "Description"),
    identifier: null,
    reporter: "gitleaks",
  };
  return sanitizeFinding(finding, knownSecrets([e.Secret, e.Match, e.Line]));
}
