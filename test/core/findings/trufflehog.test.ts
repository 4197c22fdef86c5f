import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { parseTrufflehogReport } from "../../../src/core/findings/index.ts";
import {
  TRUFFLEHOG_PLANTED,
  TRUFFLEHOG_PLANTED_DATADOG,
  TRUFFLEHOG_PLANTED_GHS,
  TRUFFLEHOG_PLANTED_KEY_ID,
} from "../../fixtures/findings/planted.ts";

const lines = readFileSync(new URL("../../fixtures/findings/trufflehog.jsonl", import.meta.url), "utf8");
const SHA1 = "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b";
const SHA2 = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

function line(fields: Record<string, unknown>): string {
  return JSON.stringify({
    SourceMetadata: { Data: { Git: { file: "a.env", line: 1, commit: "abcdef1" } } },
    DetectorName: "AWS",
    Verified: false,
    ...fields,
  });
}

describe("parseTrufflehogReport", () => {
  const result = parseTrufflehogReport(lines);

  it("maps a verified AWS result from a git source", () => {
    expect(result.findings[0]).toEqual({
      source: "trufflehog",
      fingerprint: `trufflehog:AWS:Git:https://github.com/acme/api.git:infra/terraform.tfvars:7:${SHA1}`,
      detector: "AWS",
      displayName: "AWS access key",
      secretType: "aws_access_key_id",
      identityClass: "cloud-access-key",
      provider: "Amazon AWS",
      validity: "active",
      severityHint: null,
      repository: "acme/api",
      locations: [
        {
          path: "infra/terraform.tfvars",
          startLine: 7,
          endLine: 7,
          commitSha: SHA1,
          url: `https://github.com/acme/api/blob/${SHA1}/infra/terraform.tfvars#L7`,
        },
      ],
      links: [{ title: "How to rotate this credential", url: "https://howtorotate.com/docs/tutorials/aws/" }],
      description:
        "AWS (Amazon Web Services) is a comprehensive cloud computing platform. AWS keys can be used to access and manage these services.",
      identifier: null,
      reporter: "trufflehog",
    });
  });

  it("tells GitHub token kinds apart by prefix and strips the runner's checkout directory", () => {
    expect(result.findings[1]).toMatchObject({
      detector: "Github",
      secretType: "github_app_installation_access_token",
      identityClass: "github-app-credential",
      displayName: "GitHub App installation access token",
      validity: "unknown",
      repository: null,
      locations: [{ path: "scripts/release.sh", startLine: 22, endLine: 22, commitSha: null, url: null }],
    });
  });

  it("keeps the link of a GitHub source and derives the repository from it", () => {
    expect(result.findings[2]).toMatchObject({
      detector: "DatadogToken",
      displayName: "Datadog token",
      secretType: "datadog_token",
      identityClass: null,
      repository: "acme/web",
      locations: [
        {
          path: "src/monitoring.ts",
          startLine: 40,
          commitSha: SHA2,
          url: `https://github.com/acme/web/blob/${SHA2}/src/monitoring.ts#L40`,
        },
      ],
    });
  });

  it("skips and counts the banner, log records and a broken line", () => {
    expect(result.findings).toHaveLength(3);
    expect(result.skipped).toEqual([
      { where: "line 1", reason: "not JSON (TruffleHog log or banner output)" },
      { where: "line 2", reason: "a TruffleHog log record, not a finding" },
      { where: "line 6", reason: "not valid JSON (column 131: the input ends before the JSON value is complete)" },
      { where: "line 7", reason: "a TruffleHog log record, not a finding" },
    ]);
  });

  it.each([
    [true, "active"],
    [false, "unknown"],
    [undefined, "unknown"],
  ])("Verified %s → validity %s (unverified is not inactive)", (verified, validity) => {
    expect(parseTrufflehogReport(line({ Verified: verified })).findings[0]!.validity).toBe(validity);
  });

  it("tells temporary AWS keys (ASIA) from long-lived ones", () => {
    expect(parseTrufflehogReport(line({ Raw: "ASIAPLANTEDEXAMPLE01" })).findings[0]!.secretType).toBe("aws_temporary_access_key_id");
  });

  it("drops Raw, RawV2, Redacted, ExtraData and personal data", () => {
    const out = JSON.stringify(result);
    for (const gone of [
      TRUFFLEHOG_PLANTED,
      TRUFFLEHOG_PLANTED_KEY_ID,
      TRUFFLEHOG_PLANTED_GHS,
      TRUFFLEHOG_PLANTED_DATADOG,
      "dana@example.com",
      "ops@example.com",
      "123456789012",
    ]) {
      expect(out).not.toContain(gone);
    }
  });

  it("skips results without a detector and with a non-boolean Verified", () => {
    const r = parseTrufflehogReport([line({ DetectorName: undefined }), line({ Verified: "yes" })].join("\n"));
    expect(r.skipped).toEqual([
      { where: "line 1", reason: "DetectorName is missing or not a string" },
      { where: "line 2", reason: "Verified must be true or false, got a string" },
    ]);
  });

  it("keeps a link-only source (no file) as a link", () => {
    const slack = JSON.stringify({
      SourceMetadata: { Data: { Slack: { channel_name: "ops", link: "https://acme.slack.com/archives/C1/p1" } } },
      DetectorName: "Stripe",
      Verified: false,
    });
    expect(parseTrufflehogReport(slack).findings[0]).toMatchObject({
      locations: [],
      links: [{ title: "Where TruffleHog found it (Slack)", url: "https://acme.slack.com/archives/C1/p1" }],
    });
  });

  it("returns nothing for empty output (TruffleHog found nothing)", () => {
    expect(parseTrufflehogReport("")).toEqual({ findings: [], skipped: [] });
    expect(parseTrufflehogReport("\n  \n")).toEqual({ findings: [], skipped: [] });
  });

  it("throws InputError naming the first bad line when no line is JSON", () => {
    const text = "\n🐷🔑🐷  TruffleHog. Unearth your secrets. 🐷🔑🐷\nFound verified result 🐷🔑\n";
    expect(() => parseTrufflehogReport(text)).toThrow(InputError);
    expect(() => parseTrufflehogReport(text)).toThrow(
      "The findings report cannot be read as TruffleHog JSON lines: no line is a JSON object; line 2 does not start with '{'.",
    );
  });
});
