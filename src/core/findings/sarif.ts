import {
  commitSha,
  githubRepository,
  httpUrl,
  humanize,
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
import { knownSecrets, redact, sanitizeFinding } from "./redact.ts";
import type { ExternalFinding, FindingLocation, ParseResult, SeverityHint } from "./types.ts";

/**
 * SARIF 2.1.0 from a secrets detector (gitleaks `--report-format sarif`, TruffleHog, Kingfisher,
 * anything uploading to code scanning).
 *
 * Kept, per result: ruleId (or rule.id / ruleIndex), the rule's name, shortDescription,
 * fullDescription and helpUri, each location's artifact URI and start/end line, fingerprints or
 * partialFingerprints (for the fingerprint only), level / security-severity (as a severity hint),
 * hostedViewerUri, and the run's tool name/version and versionControlProvenance (repository and
 * revision).
 * message.text is kept, after the rule text, only once every snippet text of the result and every
 * word of 8+ characters in those snippets has been removed from it, and well-known token shapes
 * are redacted: gitleaks, for one, puts the secret itself in region.snippet.text.
 * Dropped: region.snippet, contextRegion, relatedLocations, codeFlows, stacks, fixes, attachments,
 * result and rule properties (beyond security-severity), and the partialFingerprints gitleaks
 * fills with commit metadata (email, author, date, commitMessage).
 * Suppressed results (an accepted suppression), results with baselineState "absent" and results of
 * kind "pass" or "notApplicable" are skipped with a reason.
 */
export function parseSarif(text: string): ParseResult {
  const parsed = parseJson(text);
  if (!parsed.ok) throw unreadableReport("sarif", `it is not valid JSON (${parsed.error})`);
  return sarifFromValue(parsed.value);
}

/** gitleaks' SARIF puts commit metadata, not a content hash, in partialFingerprints. */
const COMMIT_METADATA_KEYS = new Set(["commitSha", "email", "author", "date", "commitMessage"]);

export function sarifFromValue(value: unknown): ParseResult {
  if (!isRecord(value)) throw unreadableReport("sarif", `the top level must be a JSON object, but it is ${jsonKind(value)}`);
  if (value.version !== undefined && value.version !== "2.1.0") {
    const v = typeof value.version === "string" && /^[\w.-]{1,20}$/.test(value.version) ? `"${value.version}"` : jsonKind(value.version);
    throw unreadableReport("sarif", `\`version\` must be "2.1.0", but it is ${v}`);
  }
  if (!Array.isArray(value.runs)) {
    throw unreadableReport(
      "sarif",
      value.runs === undefined ? "`runs` is missing" : `\`runs\` must be an array, but it is ${jsonKind(value.runs)}`,
    );
  }
  const result: ParseResult = { findings: [], skipped: [] };
  value.runs.forEach((run: unknown, r) => {
    if (!isRecord(run)) {
      result.skipped.push({ where: `runs[${r}]`, reason: `expected an object, got ${jsonKind(run)}` });
      return;
    }
    readRun(run, r, result);
  });
  return result;
}

interface RunContext {
  tool: string;
  reporter: string;
  rulesById: Map<string, JsonRecord>;
  driverRules: unknown[];
  artifacts: unknown[];
  repository: string | null;
  revision: string | null;
}

function readRun(run: JsonRecord, r: number, out: ParseResult): void {
  const tool = isRecord(run.tool) ? run.tool : {};
  const driver = isRecord(tool.driver) ? tool.driver : {};
  const toolName = str(driver, "name") ?? "SARIF";
  const version = str(driver, "semanticVersion") ?? str(driver, "version");
  const driverRules = Array.isArray(driver.rules) ? driver.rules : [];
  const rulesById = new Map<string, JsonRecord>();
  const extensions = Array.isArray(tool.extensions) ? tool.extensions.filter(isRecord) : [];
  for (const component of [driver, ...extensions]) {
    if (!Array.isArray(component.rules)) continue;
    for (const rule of component.rules) {
      const id = isRecord(rule) ? str(rule, "id") : null;
      if (id && isRecord(rule) && !rulesById.has(id)) rulesById.set(id, rule);
    }
  }
  const vcp = Array.isArray(run.versionControlProvenance) ? run.versionControlProvenance.find(isRecord) : undefined;
  const ctx: RunContext = {
    tool: toolName,
    reporter: version ? `${toolName} ${version}` : toolName,
    rulesById,
    driverRules,
    artifacts: Array.isArray(run.artifacts) ? run.artifacts : [],
    repository: vcp ? githubRepository(vcp.repositoryUri) : null,
    revision: vcp ? commitSha(vcp.revisionId) : null,
  };
  if (run.results === undefined || run.results === null) return;
  if (!Array.isArray(run.results)) {
    out.skipped.push({ where: `runs[${r}].results`, reason: `expected an array, got ${jsonKind(run.results)}` });
    return;
  }
  run.results.forEach((res: unknown, i) => {
    const where = `runs[${r}].results[${i}]`;
    if (!isRecord(res)) {
      out.skipped.push({ where, reason: `expected an object, got ${jsonKind(res)}` });
      return;
    }
    const finding = sarifFinding(res, ctx);
    if (typeof finding === "string") out.skipped.push({ where, reason: finding });
    else out.findings.push(finding);
  });
}

function text(value: unknown): string | null {
  return isRecord(value) ? str(value, "text") : null;
}

function ruleOf(res: JsonRecord, ctx: RunContext): { id: string | null; rule: JsonRecord | null } {
  const ref = isRecord(res.rule) ? res.rule : {};
  const index = typeof res.ruleIndex === "number" ? res.ruleIndex : typeof ref.index === "number" ? ref.index : null;
  const byIndex = index !== null && Number.isInteger(index) ? ctx.driverRules[index] : undefined;
  const indexed = isRecord(byIndex) ? byIndex : null;
  const id = str(res, "ruleId") ?? str(ref, "id") ?? (indexed ? str(indexed, "id") : null);
  const rule = (id ? ctx.rulesById.get(id) : undefined) ?? indexed;
  return { id, rule: rule ?? null };
}

/** Why a result is not an open finding, or null. */
function notOpen(res: JsonRecord): string | null {
  if (Array.isArray(res.suppressions)) {
    const accepted = res.suppressions.some((s) => isRecord(s) && (s.status === undefined || s.status === "accepted"));
    if (accepted) return "suppressed in the SARIF log (an accepted suppression)";
  }
  if (res.baselineState === "absent") return 'baselineState is "absent": the result is no longer present';
  if (res.kind === "pass" || res.kind === "notApplicable") return `kind is "${res.kind}": not a finding`;
  return null;
}

/** Every snippet text anywhere in the result (locations, related locations, code flows, …). */
function snippetTexts(res: JsonRecord): string[] {
  const out: string[] = [];
  const stack: unknown[] = [res];
  let visited = 0;
  while (stack.length > 0 && visited < 100_000) {
    const node = stack.pop();
    visited++;
    if (Array.isArray(node)) {
      stack.push(...node);
    } else if (isRecord(node)) {
      for (const [k, v] of Object.entries(node)) {
        if (k === "snippet" && isRecord(v)) {
          const t = typeof v.text === "string" ? v.text : null;
          if (t) out.push(t);
          const rendered = text(v.rendered);
          if (rendered) out.push(rendered);
        }
        if (typeof v === "object" && v !== null) stack.push(v);
      }
    }
  }
  return out;
}

/** Property values whose name says they hold the match (gitleaks v7 `offender`, `secret`, `match`, …). */
function propertySecrets(res: JsonRecord): string[] {
  if (!isRecord(res.properties)) return [];
  return Object.entries(res.properties)
    .filter(([k, v]) => typeof v === "string" && /secret|offender|match|raw|token|password|credential|value/i.test(k))
    .map(([, v]) => v as string);
}

function words(snippets: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of snippets) for (const w of s.split(/[\s"'`,;()[\]{}<>=:|]+/)) if (w.length >= 8) out.push(w);
  return out;
}

function decodeUri(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

function location(loc: unknown, ctx: RunContext, commit: string | null): FindingLocation | null {
  if (!isRecord(loc) || !isRecord(loc.physicalLocation)) return null;
  const phys = loc.physicalLocation;
  const art = isRecord(phys.artifactLocation) ? phys.artifactLocation : {};
  let uri = str(art, "uri");
  if (!uri && typeof art.index === "number") {
    const a = ctx.artifacts[art.index];
    uri = isRecord(a) && isRecord(a.location) ? str(a.location, "uri") : null;
  }
  if (!uri) return null;
  const path = normalizePath(decodeUri(uri));
  if (path === "") return null;
  const region = isRecord(phys.region) ? phys.region : {};
  const startLine = lineNumber(region.startLine);
  const endLine = lineNumber(region.endLine) ?? startLine;
  const url =
    ctx.repository && commit && !path.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(path)
      ? `https://github.com/${ctx.repository}/blob/${commit}/${path.split("/").map(encodeURIComponent).join("/")}${startLine ? `#L${startLine}` : ""}`
      : null;
  return { path, startLine, endLine, commitSha: commit, url };
}

/** `k=v` pairs of a fingerprint object, sorted, without gitleaks' commit metadata. */
function fingerprintPairs(value: unknown, skipCommitMetadata: boolean): string | null {
  if (!isRecord(value)) return null;
  const pairs = Object.entries(value)
    .filter(([k, v]) => typeof v === "string" && v !== "" && !(skipCommitMetadata && COMMIT_METADATA_KEYS.has(k)))
    .map(([k, v]) => `${k}=${v as string}`)
    .sort();
  return pairs.length > 0 ? pairs.join(",") : null;
}

function severity(res: JsonRecord, rule: JsonRecord | null): SeverityHint | null {
  const props = [res.properties, rule?.properties];
  for (const p of props) {
    if (!isRecord(p)) continue;
    const raw = p["security-severity"];
    const score = typeof raw === "number" ? raw : typeof raw === "string" && /^\d+(?:\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    // GitHub code scanning's bands for security-severity.
    if (Number.isFinite(score) && score > 0) return score >= 9 ? "critical" : score >= 7 ? "high" : score >= 4 ? "medium" : "low";
  }
  const config = rule && isRecord(rule.defaultConfiguration) ? rule.defaultConfiguration : {};
  const level = res.level ?? config.level;
  return level === "error" ? "high" : level === "warning" ? "medium" : level === "note" ? "low" : null;
}

function sarifFinding(res: JsonRecord, ctx: RunContext): ExternalFinding | string {
  const { id: ruleId, rule } = ruleOf(res, ctx);
  if (!ruleId) return "ruleId is missing (and no rule.id or ruleIndex names the rule)";
  const closed = notOpen(res);
  if (closed) return closed;

  const snippets = snippetTexts(res);
  const known = knownSecrets([...snippets, ...propertySecrets(res)]);
  const partial = isRecord(res.partialFingerprints) ? res.partialFingerprints : {};
  const commit = commitSha(partial.commitSha) ?? ctx.revision;
  const locations = (Array.isArray(res.locations) ? res.locations : [])
    .map((l) => location(l, ctx, commit))
    .filter((l): l is FindingLocation => l !== null);

  const full = fingerprintPairs(res.fingerprints, false);
  const part = fingerprintPairs(res.partialFingerprints, true);
  const first = locations[0];
  const where = first ? `${first.path}:${first.startLine ?? ""}${commit ? `@${commit}` : ""}` : "(no location)";
  const fingerprint = `sarif:${ctx.tool}:${ruleId}:${full ? `fingerprints:${full}` : part ? `partialFingerprints:${part}` : `location:${where}`}`;

  const detector = describeDetector(ruleId);
  const shortText = rule ? text(rule.shortDescription) : null;
  const ruleText = shortText ?? (rule ? text(rule.fullDescription) : null);
  const ruleName = rule ? str(rule, "name") : null;
  const displayName = detector.mapped
    ? detector.displayName
    : shortText && shortText.length <= 100
      ? shortText
      : (ruleName ?? humanize(ruleId));

  const rawMessage = text(res.message);
  const message = rawMessage ? redact(rawMessage, knownSecrets([...known, ...words(snippets)])).trim() : null;
  const description = [ruleText ?? ruleName, message].filter((t, i, all): t is string => !!t && all.indexOf(t) === i).join("\n\n") || null;

  const links: { title: string; url: string }[] = [];
  const help = rule ? httpUrl(rule.helpUri) : null;
  if (help) links.push({ title: `About ${ruleId}`, url: help });
  const viewer = httpUrl(res.hostedViewerUri);
  if (viewer) links.push({ title: `View in ${ctx.tool}`, url: viewer });

  const finding: ExternalFinding = {
    source: "sarif",
    fingerprint,
    detector: ruleId,
    displayName,
    secretType: detector.secretType,
    identityClass: detector.identityClass,
    provider: detector.provider,
    validity: "unknown",
    severityHint: severity(res, rule),
    repository: ctx.repository,
    locations,
    links,
    description,
    identifier: null,
    reporter: ctx.reporter,
  };
  return sanitizeFinding(finding, known);
}
