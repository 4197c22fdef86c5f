import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { dedupeFindings, parseDispatchPayload, parseFindingsReport, type ExternalFinding } from "../../../src/core/findings/index.ts";
import { nhiAlert } from "../../fixtures/findings/dispatch.ts";

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/findings/${name}`, import.meta.url), "utf8");

describe("parseFindingsReport format detection", () => {
  it.each([
    ["gitleaks-report.json", "gitleaks", 3],
    ["trufflehog.jsonl", "trufflehog", 3],
    ["secrets.sarif", "sarif", 3],
  ])("recognises %s as %s", (file, source, count) => {
    const result = parseFindingsReport(fixture(file));
    expect(result.findings).toHaveLength(count);
    expect(new Set(result.findings.map((f) => f.source))).toEqual(new Set([source]));
    expect(parseFindingsReport(fixture(file), source as "gitleaks")).toEqual(result);
  });

  it("recognises a single TruffleHog line, an empty gitleaks report and SARIF without $schema", () => {
    const line = JSON.stringify({
      SourceMetadata: { Data: { Filesystem: { file: "a.env", line: 2 } } },
      DetectorName: "Stripe",
      Verified: false,
    });
    expect(parseFindingsReport(line).findings[0]!.source).toBe("trufflehog");
    expect(parseFindingsReport("[]")).toEqual({ findings: [], skipped: [] });
    expect(parseFindingsReport('{"version":"2.1.0","runs":[]}')).toEqual({ findings: [], skipped: [] });
  });

  it("treats empty input as no findings (TruffleHog prints nothing when it finds nothing)", () => {
    expect(parseFindingsReport("")).toEqual({ findings: [], skipped: [] });
    expect(parseFindingsReport(" \n\t")).toEqual({ findings: [], skipped: [] });
  });

  it("recognises TruffleHog JSON lines mixed with its log output", () => {
    const text = `{"level":"info-0","msg":"running source"}\nnot json\n${JSON.stringify({ DetectorName: "AWS", SourceMetadata: { Data: { Git: { file: "x", line: 1 } } } })}\n`;
    expect(parseFindingsReport(text)).toMatchObject({
      findings: [{ detector: "AWS" }],
      skipped: [{ where: "line 1" }, { where: "line 2" }],
    });
  });

  it.each([
    ["[1, 2]", "The findings report's format cannot be recognised: the input is a JSON array, but no element has gitleaks' RuleID."],
    [
      '{"hello": "world"}',
      "The findings report's format cannot be recognised: the input is a JSON object, but it has neither SARIF's `runs` nor TruffleHog's DetectorName/SourceMetadata.",
    ],
    ["42", "The findings report's format cannot be recognised: the input is a number, not a report."],
    [
      '[{"RuleID": "github-pat",\n  "Secret": "abc"',
      "The findings report's format cannot be recognised: it looks like a gitleaks JSON report, but it is not valid JSON (line 2, column 18: the input ends before the JSON value is complete).",
    ],
    [
      "Found verified result 🐷🔑",
      "The findings report's format cannot be recognised: it looks like a gitleaks, TruffleHog or SARIF report, but it is not valid JSON (line 1, column 1: unexpected letter or digit where a value should be).",
    ],
  ])("throws InputError saying what was expected and where it went wrong: %j", (text, message) => {
    expect(() => parseFindingsReport(text)).toThrow(InputError);
    expect(() => parseFindingsReport(text)).toThrow(message);
  });

  it("names the format it was asked for", () => {
    expect(() => parseFindingsReport("[]", "sarif")).toThrow("cannot be read as a SARIF 2.1.0 log");
    expect(() => parseFindingsReport("{}", "gitleaks")).toThrow("cannot be read as a gitleaks JSON report");
    expect(() => parseFindingsReport("[]", "trufflehog")).toThrow("cannot be read as TruffleHog JSON lines");
  });
});

describe("dedupeFindings", () => {
  it("keeps one finding per fingerprint, so a report read twice adds nothing", () => {
    for (const file of ["gitleaks-report.json", "trufflehog.jsonl", "secrets.sarif"]) {
      const once = parseFindingsReport(fixture(file)).findings;
      const twice = dedupeFindings([...once, ...parseFindingsReport(fixture(file)).findings]);
      expect(twice).toEqual(dedupeFindings(once));
      expect(twice).toHaveLength(once.length);
    }
  });

  it("fingerprints are stable: the same input gives the same keys, and distinct findings distinct keys", () => {
    for (const file of ["gitleaks-report.json", "trufflehog.jsonl", "secrets.sarif"]) {
      const a = parseFindingsReport(fixture(file)).findings.map((f) => f.fingerprint);
      const b = parseFindingsReport(fixture(file)).findings.map((f) => f.fingerprint);
      expect(a).toEqual(b);
      expect(new Set(a).size).toBe(a.length);
    }
  });

  it("merges the locations of the same SARIF finding seen at two places", () => {
    const result = (line: number) => ({
      ruleId: "generic-api-key",
      partialFingerprints: { "secretHash/v1": "c0ffee" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "src/a.py" }, region: { startLine: line } } }],
    });
    const text = JSON.stringify({
      version: "2.1.0",
      runs: [{ tool: { driver: { name: "scanner" } }, results: [result(3), result(3), result(9)] }],
    });
    const merged = dedupeFindings(parseFindingsReport(text).findings);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.locations.map((l) => l.startLine)).toEqual([3, 9]);
  });

  it("merges the same TruffleHog result found through two decoders", () => {
    const hit = (decoder: string, verified: boolean) =>
      JSON.stringify({
        SourceMetadata: { Data: { Git: { file: "a.env", line: 4, commit: "abcdef1" } } },
        DetectorName: "Slack",
        DecoderName: decoder,
        Verified: verified,
      });
    const merged = dedupeFindings(parseFindingsReport([hit("PLAIN", false), hit("BASE64", true)].join("\n")).findings);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.validity).toBe("active");
    expect(merged[0]!.locations).toHaveLength(1);
  });

  it("merges dispatch alerts about the same identity from the same platform", () => {
    const first = parseDispatchPayload(nhiAlert()).findings;
    const second = parseDispatchPayload(
      nhiAlert({
        validity: "unknown",
        severity: "critical",
        locations: [{ path: "ci/deploy.yml", line: 3 }],
        links: [{ title: "Runbook", url: "https://wiki.example.com/nhi/aws" }],
      }),
    ).findings;
    const merged = dedupeFindings([...first, ...second]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ validity: "active", severityHint: "critical" });
    expect(merged[0]!.locations.map((l) => l.path)).toEqual(["infra/main.tf", "ci/deploy.yml"]);
    expect(merged[0]!.links.map((l) => l.title)).toEqual(["wiz alert wiz-issue-8812", "payments-prod", "Runbook"]);
  });

  it("fills empty fields from later findings and keeps first-seen order", () => {
    const base: ExternalFinding = parseFindingsReport(fixture("gitleaks-report.json")).findings[1]!;
    const later: ExternalFinding = { ...base, repository: "acme/payments", identityClass: "api-key", description: null };
    const other: ExternalFinding = { ...base, fingerprint: "other" };
    const merged = dedupeFindings([base, other, later]);
    expect(merged.map((f) => f.fingerprint)).toEqual([base.fingerprint, "other"]);
    expect(merged[0]).toMatchObject({ repository: "acme/payments", identityClass: "api-key", description: base.description });
  });
});
