import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { parseSarif } from "../../../src/core/findings/index.ts";
import { SARIF_PLANTED, SARIF_PLANTED_MESSAGE } from "../../fixtures/findings/planted.ts";

const log = readFileSync(new URL("../../fixtures/findings/secrets.sarif", import.meta.url), "utf8");
const SHA1 = "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b";
const SHA2 = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

function sarif(results: unknown[], driver: Record<string, unknown> = { name: "scanner" }): string {
  return JSON.stringify({ version: "2.1.0", runs: [{ tool: { driver }, results }] });
}

describe("parseSarif", () => {
  const result = parseSarif(log);

  it("maps gitleaks' SARIF: rule text, location, commit from partialFingerprints, repository from provenance", () => {
    expect(result.findings[0]).toEqual({
      source: "sarif",
      fingerprint: `sarif:gitleaks:aws-access-token:location:infra/main.tf:8@${SHA1}`,
      detector: "aws-access-token",
      displayName: "AWS access key",
      secretType: "aws_access_key_id",
      identityClass: "cloud-access-key",
      provider: "Amazon AWS",
      validity: "unknown",
      severityHint: "high",
      repository: "acme/api",
      locations: [
        {
          path: "infra/main.tf",
          startLine: 8,
          endLine: 8,
          commitSha: SHA1,
          url: `https://github.com/acme/api/blob/${SHA1}/infra/main.tf#L8`,
        },
      ],
      links: [],
      description: `Identified a pattern that may indicate AWS credentials, risking unauthorized cloud resource access and data breaches on AWS platforms.\n\naws-access-token has detected secret for file infra/main.tf at commit ${SHA1}.`,
      identifier: null,
      reporter: "gitleaks v8.24.2",
    });
  });

  it("fingerprints by partialFingerprints, takes severity from security-severity and scrubs the message", () => {
    expect(result.findings[1]).toMatchObject({
      fingerprint: "sarif:gitleaks:generic-api-key:partialFingerprints:secretHash/v1=c0ffee00d15ea5e0b5e55ed0c0de1234",
      displayName: "Generic API key",
      secretType: "generic_api_key",
      identityClass: null,
      severityHint: "high",
      locations: [{ path: "src/settings.py", startLine: 31, endLine: 31, commitSha: SHA2 }],
      links: [{ title: "About generic-api-key", url: "https://github.com/gitleaks/gitleaks#rules" }],
      description: "Generic API key\n\nFound a generic API key [redacted] in src/settings.py",
    });
  });

  it("resolves ruleIndex and artifact indexes, decodes URIs and uses the rule's default level", () => {
    expect(result.findings[2]).toMatchObject({
      detector: "slack-webhook-url",
      secretType: "slack_incoming_webhook_url",
      identityClass: "webhook-secret",
      severityHint: "high",
      locations: [{ path: "docs/setup guide.md", startLine: 2, url: `https://github.com/acme/api/blob/${SHA2}/docs/setup%20guide.md#L2` }],
    });
  });

  it("skips suppressed results and results without a rule", () => {
    expect(result.findings).toHaveLength(3);
    expect(result.skipped).toEqual([
      { where: "runs[0].results[3]", reason: "suppressed in the SARIF log (an accepted suppression)" },
      { where: "runs[0].results[4]", reason: "ruleId is missing (and no rule.id or ruleIndex names the rule)" },
    ]);
  });

  it("drops snippets, context regions, related locations, fixes and properties", () => {
    const out = JSON.stringify(result);
    for (const gone of [SARIF_PLANTED, SARIF_PLANTED_MESSAGE, "access_key =", "API_KEY", "settings_test.py", "dana@example.com"])
      expect(out).not.toContain(gone);
  });

  it("removes from message.text a secret that only appears as a word of the snippet", () => {
    const r = parseSarif(
      sarif([
        {
          ruleId: "hardcoded",
          message: { text: "Token Zk4rT9wQ2mX7pL1v found" },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: "a.js" },
                region: { startLine: 1, snippet: { text: 'const t = "Zk4rT9wQ2mX7pL1v";' } },
              },
            },
          ],
        },
      ]),
    );
    expect(r.findings[0]!.description).toBe("Token [redacted] found");
  });

  it("prefers full fingerprints, then partial ones, then rule and location", () => {
    const loc = [{ physicalLocation: { artifactLocation: { uri: "x.txt" }, region: { startLine: 3 } } }];
    const r = parseSarif(
      sarif([
        { ruleId: "r", locations: loc, fingerprints: { v1: "aa" }, partialFingerprints: { "h/v1": "bb" } },
        { ruleId: "r", locations: loc, partialFingerprints: { "h/v1": "bb" } },
        { ruleId: "r", locations: loc },
      ]),
    );
    expect(r.findings.map((f) => f.fingerprint)).toEqual([
      "sarif:scanner:r:fingerprints:v1=aa",
      "sarif:scanner:r:partialFingerprints:h/v1=bb",
      "sarif:scanner:r:location:x.txt:3",
    ]);
  });

  it.each([
    [{ level: "warning" }, "medium"],
    [{ level: "note" }, "low"],
    [{ level: "none" }, null],
    [{ properties: { "security-severity": "9.1" } }, "critical"],
    [{ properties: { "security-severity": 2 } }, "low"],
    [{}, null],
  ])("severity hint from %j is %s", (fields, hint) => {
    expect(parseSarif(sarif([{ ruleId: "r", ...fields }])).findings[0]!.severityHint).toBe(hint);
  });

  it.each([
    [{ baselineState: "absent" }, 'baselineState is "absent": the result is no longer present'],
    [{ kind: "pass" }, 'kind is "pass": not a finding'],
    [{ suppressions: [{ kind: "inSource", status: "rejected" }] }, null],
  ])("skips results that are not open: %j", (fields, reason) => {
    const r = parseSarif(sarif([{ ruleId: "r", ...fields }]));
    expect(r.skipped.map((s) => s.reason)).toEqual(reason ? [reason] : []);
  });

  it("only keeps http(s) links", () => {
    const r = parseSarif(
      sarif([{ ruleId: "r", hostedViewerUri: "javascript:alert(1)" }], {
        name: "s",
        rules: [{ id: "r", helpUri: "https://docs.example.com/r" }],
      }),
    );
    expect(r.findings[0]!.links).toEqual([{ title: "About r", url: "https://docs.example.com/r" }]);
  });

  it.each([
    ["[]", "The findings report cannot be read as a SARIF 2.1.0 log: the top level must be a JSON object, but it is an array."],
    [
      '{"version":"2.0.0","runs":[]}',
      'The findings report cannot be read as a SARIF 2.1.0 log: `version` must be "2.1.0", but it is "2.0.0".',
    ],
    ['{"version":"2.1.0"}', "The findings report cannot be read as a SARIF 2.1.0 log: `runs` is missing."],
    [
      '{"version":"2.1.0","runs":{}}',
      "The findings report cannot be read as a SARIF 2.1.0 log: `runs` must be an array, but it is an object.",
    ],
    [
      '{"version":"2.1.0",\n"runs":[\n{"results": [,]}]}',
      "The findings report cannot be read as a SARIF 2.1.0 log: it is not valid JSON (line 3, column 14: unexpected ',' where a value should be).",
    ],
  ])("throws InputError for %j", (text, message) => {
    expect(() => parseSarif(text)).toThrow(InputError);
    expect(() => parseSarif(text)).toThrow(message);
  });
});
