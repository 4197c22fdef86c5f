import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/alert/input-error.ts";
import { mergeLocations, normalizeLocation, normalizeSecretScanningAlert, repositoryFrom } from "../../src/core/alert/secret-scanning.ts";
import { alertCreated, commitLocation, rawAlert, repository } from "../fixtures/webhooks.ts";

const repo = { owner: "acme", name: "api" };

describe("normalizeSecretScanningAlert", () => {
  it("reads what a developer needs from a created webhook", () => {
    const payload = alertCreated({ validity: "active", publicly_leaked: true });
    const alert = normalizeSecretScanningAlert(payload.alert, repo, "private");
    expect(alert).toMatchObject({
      key: "secret-scanning:acme/api#12",
      number: 12,
      state: "open",
      secretType: "github_personal_access_token",
      secretTypeDisplayName: "GitHub Personal Access Token",
      validity: "active",
      publiclyLeaked: true,
      htmlUrl: "https://github.com/acme/api/security/secret-scanning/12",
    });
  });

  it("treats missing validity as unknown and a missing display name as the type", () => {
    const alert = normalizeSecretScanningAlert({ number: 3, secret_type: "custom_pattern_x" }, repo, null);
    expect(alert.validity).toBe("unknown");
    expect(alert.secretTypeDisplayName).toBe("custom_pattern_x");
  });

  it.each([
    [{ secret_type: "x" }, "alert.number"],
    [{ number: "12", secret_type: "x" }, "alert.number"],
    [{ number: 12 }, "alert.secret_type"],
    [{ number: 12, secret_type: "x", validity: "maybe" }, "alert.validity"],
  ])("rejects %j naming the field (%s)", (raw, field) => {
    expect(() => normalizeSecretScanningAlert(raw, repo, null)).toThrow(InputError);
    expect(() => normalizeSecretScanningAlert(raw, repo, null)).toThrow(new RegExp(field.replace(".", "\\.")));
  });

  it("never copies a secret value, even when the REST response carries one", () => {
    const alert = normalizeSecretScanningAlert({ ...rawAlert(), secret: "ghp_PLANTEDSECRET0000000000000000000000" }, repo, null);
    expect(JSON.stringify(alert)).not.toContain("PLANTEDSECRET");
  });

  it("takes first_location_detected from REST alerts as a file location", () => {
    const alert = normalizeSecretScanningAlert(
      { ...rawAlert(), first_location_detected: { path: "infra/deploy.sh", start_line: 7, commit_sha: "abc" } },
      repo,
      null,
    );
    expect(alert.locations).toEqual([
      { type: "commit", path: "infra/deploy.sh", startLine: 7, endLine: null, commitSha: "abc", blobUrl: null },
    ]);
  });
});

describe("repositoryFrom", () => {
  it("derives visibility from `visibility`, else `private`", () => {
    expect(repositoryFrom(repository("acme", "web", "internal")).visibility).toBe("internal");
    expect(repositoryFrom({ name: "x", owner: { login: "o" }, private: false }).visibility).toBe("public");
    expect(repositoryFrom({ name: "x", owner: { login: "o" } }).visibility).toBeNull();
  });
  it("says what is missing", () => {
    expect(() => repositoryFrom({ name: "x" })).toThrow(/repository\.owner/);
  });
});

describe("locations", () => {
  it("normalises commit locations and drops repeats when merging", () => {
    const l = normalizeLocation(commitLocation("src/a.ts", 4));
    expect(l).toMatchObject({ type: "commit", path: "src/a.ts", startLine: 4 });
    expect(mergeLocations([l!], [l!])).toHaveLength(1);
  });
  it("keeps non-file locations with their link", () => {
    expect(normalizeLocation({ type: "issue_comment", details: { issue_comment_url: "https://api.github.com/x" } })).toEqual({
      type: "issue_comment",
      url: "https://api.github.com/x",
    });
    expect(normalizeLocation({ nope: 1 })).toBeNull();
  });
});
