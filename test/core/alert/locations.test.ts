import { describe, expect, it } from "vitest";
import { contentRefOf, derivedPageUrl, htmlBaseOf, locationPageUrl } from "../../../src/core/alert/locations.ts";
import { missingAlertFields, normalizeLocation, normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import { LOCATION_TYPES, leakedFile, type AlertLocation } from "../../../src/core/alert/types.ts";
import { anyLocation, olderServerAlert, rawAlert } from "../../fixtures/webhooks.ts";

const repo = { owner: "acme", name: "api" };
const base = "https://github.com";

describe("normalizeLocation: every type GitHub lists", () => {
  const all = Object.fromEntries(LOCATION_TYPES.map((t) => [t, normalizeLocation(anyLocation(t))])) as Record<string, AlertLocation>;

  it("commit paths lose GitHub's leading slash, as CODEOWNERS matches them", () => {
    expect(all.commit).toMatchObject({ type: "commit", path: "infra/deploy.sh", startLine: 3 });
    expect(normalizeLocation({ type: "commit", details: { path: "//a/b.txt" } })).toMatchObject({ path: "a/b.txt" });
    expect(normalizeLocation({ type: "commit", details: { path: "/" } })).toBeNull();
  });

  it("wiki pages are their own type, with their page, and never a leaked file", () => {
    expect(all.wiki_commit).toEqual({
      type: "wiki_commit",
      path: "Home.md",
      startLine: 1,
      endLine: 1,
      commitSha: "302c0b7e200761c9dd9b57e57db540ee0b4293a5",
      pageUrl: "https://github.com/acme/api/wiki/Home/302c0b7e200761c9dd9b57e57db540ee0b4293a5",
    });
    expect(leakedFile({ locations: [all.wiki_commit!] })).toBeNull();
  });

  it("content types keep the URL named after their type", () => {
    expect(all.issue_comment).toEqual({ type: "issue_comment", url: "https://api.github.com/repos/acme/api/issues/comments/1081119451" });
    expect(all.pull_request_review).toEqual({
      type: "pull_request_review",
      url: "https://api.github.com/repos/acme/api/pulls/2846/reviews/80",
    });
    expect(all.discussion_comment).toEqual({
      type: "discussion_comment",
      url: "https://github.com/acme/api/discussions/39082#discussioncomment-4158232",
    });
  });

  it("every type has a page to link to (derived where the API URL says enough; comments need a read)", () => {
    const pages = Object.fromEntries(LOCATION_TYPES.map((t) => [t, locationPageUrl(all[t]!, base, repo)]));
    expect(pages).toEqual({
      commit: "https://github.com/acme/api/blob/9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e/infra/deploy.sh#L3",
      wiki_commit: "https://github.com/acme/api/wiki/Home/302c0b7e200761c9dd9b57e57db540ee0b4293a5",
      issue_title: "https://github.com/acme/api/issues/1347",
      issue_body: "https://github.com/acme/api/issues/1347",
      issue_comment: null,
      discussion_title: "https://github.com/acme/api/discussions/39082",
      discussion_body: "https://github.com/acme/api/discussions/39082#discussion-4566270",
      discussion_comment: "https://github.com/acme/api/discussions/39082#discussioncomment-4158232",
      pull_request_title: "https://github.com/acme/api/pull/2846",
      pull_request_body: "https://github.com/acme/api/pull/2846",
      pull_request_comment: null,
      pull_request_review: "https://github.com/acme/api/pull/2846#pullrequestreview-80",
      pull_request_review_comment: null,
    });
    // A page read from GitHub wins.
    expect(
      locationPageUrl({
        type: "issue_comment",
        url: "https://api.github.com/repos/acme/api/issues/comments/5",
        pageUrl: "https://github.com/acme/api/issues/3#issuecomment-5",
      }),
    ).toBe("https://github.com/acme/api/issues/3#issuecomment-5");
  });
});

describe("contentRefOf and the web UI's base", () => {
  it("reads api.github.com and GitHub Enterprise Server API URLs, and nothing else", () => {
    expect(contentRefOf("https://api.github.com/repos/acme/api/issues/comments/9")).toEqual({ kind: "issue-comment", repo, id: 9 });
    expect(contentRefOf("https://ghe.example.com/api/v3/repos/acme/api/pulls/comments/12")).toEqual({
      kind: "pull-review-comment",
      repo,
      id: 12,
    });
    expect(contentRefOf("https://api.github.com/repos/acme/api/pulls/4/reviews/80")).toEqual({
      kind: "pull-review",
      repo,
      number: 4,
      id: 80,
    });
    // Discussions: GitHub gives the page, read with GraphQL (discussion-refs.test.ts).
    expect(contentRefOf("https://github.com/acme/api/discussions/1")).toEqual({ kind: "discussion", repo, number: 1 });
    expect(contentRefOf("https://github.com/acme/api/issues/1")).toBeNull();
    expect(contentRefOf("javascript:alert(1)//repos/a/b/issues/1")).toBeNull();
    expect(contentRefOf("not a url")).toBeNull();
  });

  it("takes the base from the alert's page (also under a GHES path prefix)", () => {
    expect(htmlBaseOf("https://github.com/acme/api/security/secret-scanning/3", repo)).toBe("https://github.com");
    expect(htmlBaseOf("https://ghe.example.com/acme/api/security/secret-scanning/3", repo)).toBe("https://ghe.example.com");
    expect(htmlBaseOf(null, repo)).toBeNull();
    expect(derivedPageUrl({ kind: "pull", repo, number: 2 }, "https://ghe.example.com")).toBe("https://ghe.example.com/acme/api/pull/2");
  });
});

describe("webhook alert fields", () => {
  it("names what a webhook lacks that routing or severity reads: GitHub's webhook alert never has provider", () => {
    expect(missingAlertFields(rawAlert())).toEqual(["provider"]);
    expect(missingAlertFields(olderServerAlert())).toEqual(["validity", "publicly_leaked", "provider"]);
    expect(missingAlertFields({ ...rawAlert(), provider: "GitHub", secret_type_display_name: null })).toEqual(["secret_type_display_name"]);
  });

  it("reads push_protection_bypassed_by", () => {
    const bypassed = normalizeSecretScanningAlert(
      rawAlert({ push_protection_bypassed: true, push_protection_bypassed_by: { login: "dave" } as never }),
      repo,
      "private",
    );
    expect(bypassed).toMatchObject({ pushProtectionBypassed: true, pushProtectionBypassedBy: "dave" });
    expect(normalizeSecretScanningAlert(rawAlert(), repo, "private").pushProtectionBypassedBy).toBeNull();
    expect(
      normalizeSecretScanningAlert(rawAlert({ push_protection_bypassed_by: "dave" as never }), repo, "private").pushProtectionBypassedBy,
    ).toBeNull();
  });

  it("a REST first_location_detected of a wiki page is a wiki location", () => {
    const wiki = anyLocation("wiki_commit").details;
    const a = normalizeSecretScanningAlert({ ...rawAlert(), first_location_detected: wiki }, repo, "private");
    expect(a.locations).toEqual([expect.objectContaining({ type: "wiki_commit", path: "Home.md" })]);
  });
});
