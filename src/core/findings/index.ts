import { InputError } from "../alert/input-error.ts";
import { isRecord, jsonKind } from "./common.ts";
import { gitleaksFromValue, parseGitleaksReport } from "./gitleaks.ts";
import { parseJson } from "./json.ts";
import { parseSarif, sarifFromValue } from "./sarif.ts";
import { isTrufflehogResult, parseTrufflehogReport } from "./trufflehog.ts";
import type { ParseResult } from "./types.ts";

export type { ExternalFinding, FindingLocation, FindingSource, ParseResult, SeverityHint } from "./types.ts";
export { dedupeFindings } from "./dedupe.ts";
export { parseGitleaksReport } from "./gitleaks.ts";
export { parseTrufflehogReport } from "./trufflehog.ts";
export { parseSarif } from "./sarif.ts";
export { dispatchJsonSchema, dispatchPayloadSchema, parseDispatchPayload, DISPATCH_EVENT_TYPE } from "./dispatch.ts";

export type ReportFormatOption = "gitleaks" | "trufflehog" | "sarif" | "auto";

const AUTO_HINT =
  "Pass a gitleaks JSON report (`--report-format json`), TruffleHog JSON lines (`--json`) or a SARIF 2.1.0 log, or name the format explicitly.";

function undetectable(problem: string): InputError {
  return new InputError("The findings report's format cannot be recognised", [problem], AUTO_HINT);
}

/** SARIF names itself in `$schema` and carries `runs`; `sarifFromValue` then checks `version`. */
function looksLikeSarif(value: Record<string, unknown>): boolean {
  return "runs" in value || (typeof value.$schema === "string" && /sarif/i.test(value.$schema));
}

/**
 * Parses a findings report into normalised findings. `auto` recognises SARIF (`$schema`/`version`
 * "2.1.0" with `runs`), gitleaks (a JSON array of objects with `RuleID`) and TruffleHog (JSON lines
 * with `DetectorName`/`SourceMetadata`). Entries that cannot be used are skipped with a reason; a
 * report that cannot be read at all throws InputError saying which format was expected and where
 * it went wrong. Empty input is an empty result in `auto` and `trufflehog` modes (TruffleHog prints
 * nothing when it finds nothing). Nothing else is ever thrown.
 */
export function parseFindingsReport(text: string, format: ReportFormatOption = "auto"): ParseResult {
  if (typeof text !== "string")
    throw new InputError("The findings report is not text", [`expected a string, got ${jsonKind(text)}`], AUTO_HINT);
  switch (format) {
    case "gitleaks":
      return parseGitleaksReport(text);
    case "trufflehog":
      return parseTrufflehogReport(text);
    case "sarif":
      return parseSarif(text);
    case "auto":
      return parseAuto(text);
    default:
      throw new InputError("Unknown findings report format", [`format must be gitleaks, trufflehog, sarif or auto`], AUTO_HINT);
  }
}

function parseAuto(text: string): ParseResult {
  if (text.trim() === "") return { findings: [], skipped: [] };
  const whole = parseJson(text.replace(/^\ufeff/, ""));
  if (whole.ok) {
    const value = whole.value;
    if (Array.isArray(value)) {
      if (value.length === 0 || value.some((e) => isRecord(e) && "RuleID" in e)) return gitleaksFromValue(value);
      throw undetectable("the input is a JSON array, but no element has gitleaks' RuleID");
    }
    if (isRecord(value)) {
      if (looksLikeSarif(value)) return sarifFromValue(value);
      if (isTrufflehogResult(value)) return parseTrufflehogReport(text);
      throw undetectable("the input is a JSON object, but it has neither SARIF's `runs` nor TruffleHog's DetectorName/SourceMetadata");
    }
    throw undetectable(`the input is ${jsonKind(value)}, not a report`);
  }
  // Not one JSON document: TruffleHog JSON lines (possibly mixed with its log output)?
  for (const line of text.split(/\r\n|\n|\r/)) {
    const t = line.trim();
    if (!t.startsWith("{")) continue;
    const parsed = parseJson(t);
    if (parsed.ok && isRecord(parsed.value) && (isTrufflehogResult(parsed.value) || "msg" in parsed.value))
      return parseTrufflehogReport(text);
  }
  const first = text.trimStart()[0];
  const expected =
    first === "["
      ? "a gitleaks JSON report"
      : first === "{"
        ? "a SARIF log or TruffleHog JSON lines"
        : "a gitleaks, TruffleHog or SARIF report";
  throw undetectable(`it looks like ${expected}, but it is not valid JSON (${whole.error})`);
}
