import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { parseGitleaksReport } from "../../../src/core/findings/index.ts";
import { GITLEAKS_PLANTED, GITLEAKS_PLANTED_PAT } from "../../fixtures/findings/planted.ts";

const report = readFileSync(new URL("../../fixtures/findings/gitleaks-report.json", import.meta.url), "utf8");
const SHA1 = "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b";

describe("parseGitleaksReport", () => {
  const result = parseGitleaksReport(report);

  it("maps a github-pat finding to GitHub's secret type, class and provider", () => {
    expect(result.findings[0]).toEqual({
      source: "gitleaks",
      fingerprint: `gitleaks:${SHA1}:deploy/config.yml:github-pat:12`,
      detector: "github-pat",
      displayName: "GitHub personal access token",
      secretType: "github_personal_access_token",
      identityClass: "personal-access-token",
      provider: "GitHub",
      validity: "unknown",
      severityHint: null,
      repository: "acme/api",
      locations: [
        {
          path: "deploy/config.yml",
          startLine: 12,
          endLine: 12,
          commitSha: SHA1,
          url: `https://github.com/acme/api/blob/${SHA1}/deploy/config.yml#L12`,
        },
      ],
      links: [],
      description:
        "Uncovered a GitHub Personal Access Token, potentially leading to unauthorized repository access and sensitive content exposure.",
      identifier: null,
      reporter: "gitleaks",
    });
  });

  it("keeps an unmapped rule's id as the secret type and leaves the class to the policy", () => {
    expect(result.findings[1]).toMatchObject({
      detector: "generic-api-key",
      displayName: "Generic API key",
      secretType: "generic_api_key",
      identityClass: null,
      provider: null,
      repository: null,
      locations: [
        { path: "services/payments/.env", startLine: 3, endLine: 3, commitSha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", url: null },
      ],
    });
  });

  it("reads a directory scan (no commit) and classifies private keys", () => {
    expect(result.findings[2]).toMatchObject({
      fingerprint: "gitleaks:certs/dev.key:private-key:1",
      secretType: "private_key",
      identityClass: "private-key",
      locations: [{ path: "certs/dev.key", startLine: 1, endLine: 27, commitSha: null }],
    });
  });

  it("skips an entry without RuleID, saying why and where", () => {
    expect(result.findings).toHaveLength(3);
    expect(result.skipped).toEqual([{ where: "finding [3]", reason: "RuleID is missing or not a string" }]);
  });

  it("drops Secret, Match, the commit message and the author", () => {
    const out = JSON.stringify(result);
    for (const gone of [GITLEAKS_PLANTED, GITLEAKS_PLANTED_PAT, "dana@example.com", "Dana Developer", "temporary: deploy token"])
      expect(out).not.toContain(gone);
  });

  it("rebuilds gitleaks' fingerprint when the report has none", () => {
    const r = parseGitleaksReport(JSON.stringify([{ RuleID: "github-pat", File: "a.txt", StartLine: 4, Commit: "abcdef1" }]));
    expect(r.findings[0]!.fingerprint).toBe("gitleaks:abcdef1:a.txt:github-pat:4");
  });

  it("skips entries that are not objects", () => {
    expect(parseGitleaksReport("[1, null]").skipped).toEqual([
      { where: "finding [0]", reason: "expected an object, got a number" },
      { where: "finding [1]", reason: "expected an object, got null" },
    ]);
  });

  it("accepts the empty report gitleaks writes when it finds nothing", () => {
    expect(parseGitleaksReport("[]\n")).toEqual({ findings: [], skipped: [] });
  });

  it.each([
    [
      "{}",
      "The findings report cannot be read as a gitleaks JSON report: the top level must be a JSON array of findings, but it is an object.",
    ],
    ["", "The findings report cannot be read as a gitleaks JSON report: it is not valid JSON (line 1, column 1: the input is empty)."],
    [
      '[{"RuleID": "x",\n  "File": }]',
      "The findings report cannot be read as a gitleaks JSON report: it is not valid JSON (line 2, column 11: unexpected '}' where a value should be).",
    ],
  ])("throws InputError for an unreadable report: %j", (text, message) => {
    expect(() => parseGitleaksReport(text)).toThrow(InputError);
    expect(() => parseGitleaksReport(text)).toThrow(message);
  });
});
