import { describe, expect, it } from "vitest";
import { encodeKeyMarker, encodeMarker } from "../../../src/core/issue/marker.ts";
import { appIdentity, authorOf, markerProblem, placeProblem, writtenBy } from "../../../src/core/issue/provenance.ts";

/** Control: provenance (docs/threat-model.md). Who wrote a record, and whether its marker agrees with where it lives. */
const us = appIdentity("nhi-steward", 1);

describe("who wrote it", () => {
  it.each([
    ["our bot, via our app", { user: { login: "nhi-steward[bot]" }, performed_via_github_app: { id: 1, slug: "nhi-steward" } }, true],
    ["our bot, GitHub naming no app", { user: { login: "nhi-steward[bot]" }, performed_via_github_app: null }, true],
    ["login case differs", { user: { login: "NHI-Steward[bot]" }, performed_via_github_app: { id: 1, slug: "nhi-steward" } }, true],
    ["a person", { user: { login: "mallory" }, performed_via_github_app: null }, false],
    [
      "another app's bot",
      { user: { login: "github-actions[bot]" }, performed_via_github_app: { id: 15368, slug: "github-actions" } },
      false,
    ],
    [
      "our login but another app id",
      { user: { login: "nhi-steward[bot]" }, performed_via_github_app: { id: 2, slug: "nhi-steward" } },
      false,
    ],
    ["no user at all", {}, false],
  ])("%s → %s", (_, raw, ok) => {
    expect(writtenBy(authorOf(raw), us)).toBe(ok);
  });

  it("a person's token (CLI) counts only for what that person wrote directly", () => {
    const me = { login: "erin", app: null };
    expect(writtenBy(authorOf({ user: { login: "erin" } }), me)).toBe(true);
    expect(writtenBy(authorOf({ user: { login: "erin" }, performed_via_github_app: { id: 9, slug: "some-oauth-app" } }), me)).toBe(false);
  });

  it("compares slugs when only the slug is known (the Action's `app-slug`)", () => {
    const bySlug = appIdentity("nhi-steward");
    expect(
      writtenBy(authorOf({ user: { login: "nhi-steward[bot]" }, performed_via_github_app: { id: 1, slug: "nhi-steward" } }), bySlug),
    ).toBe(true);
    expect(writtenBy(authorOf({ user: { login: "nhi-steward[bot]" }, performed_via_github_app: { id: 1, slug: "other" } }), bySlug)).toBe(
      false,
    );
  });
});

const marker = (over: object) =>
  encodeMarker({
    v: 1,
    key: "secret-scanning:acme/api#12",
    repo: "acme/api",
    alert: 12,
    identityClass: "x",
    validity: "active",
    publiclyLeaked: false,
    severity: "high",
    system: null,
    locations: [],
    routing: { source: "fallback", why: "", assignees: [], mentions: [], unowned: false, notes: [] },
    openedAt: "2026-01-01T00:00:00Z",
    ...over,
  } as never);

describe("whether the marker agrees with where the issue lives", () => {
  it.each([
    ["its own repository", marker({}), "acme/api", null],
    ["the response repository of the same organisation", marker({}), "acme/responses", null],
    ["another organisation", marker({}), "evil/api", "in another organisation"],
    ["a key naming another alert", marker({ alert: 13 }), "acme/api", "names another alert than #13"],
    ["a key naming another repository", marker({ repo: "acme/web" }), "acme/web", "names another repository than acme/web"],
    [
      "a key naming another organisation",
      marker({ key: "secret-scanning:evil/api#12", repo: "acme/api" }),
      "acme/api",
      "names another organisation",
    ],
    [
      "a group row from another repository",
      marker({
        key: "group:acme/api#12",
        alert: 0,
        group: { repo: "acme/api", members: [{ key: "secret-scanning:acme/web#3", alert: 3 }] },
      }),
      "acme/api",
      "does not name an alert of acme/api",
    ],
    [
      "a group row with a mismatched number",
      marker({
        key: "group:acme/api#12",
        alert: 0,
        group: { repo: "acme/api", members: [{ key: "secret-scanning:acme/api#3", alert: 4 }] },
      }),
      "acme/api",
      "does not name an alert of acme/api",
    ],
    ["a finding", marker({ key: "gitleaks:acme/api@abc123" }), "acme/api", null],
    ["a token request", marker({ key: "token-request:acme#42", repo: "acme/.github", alert: 42 }), "acme/.github", null],
    ["an inventory issue", encodeKeyMarker("inventory:acme", "inventory"), "acme/.github", null],
    [
      "an inventory issue of another organisation",
      encodeKeyMarker("inventory:evil", "inventory"),
      "acme/.github",
      "in another organisation",
    ],
    ["a config error", encodeKeyMarker("config-error:acme/api:.github/nhi-steward.yml", "config-error"), "acme/api", null],
    ["no marker", "just text", "acme/api", "unreadable"],
  ])("%s", (_, body, issueRepo, problem) => {
    const found = markerProblem(body, issueRepo);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toContain(problem);
  });

  it("a record lives in its alert's repository or the policy's response repository, nowhere else", () => {
    expect(placeProblem("acme/api", "acme/api", null)).toBeNull();
    expect(placeProblem("acme/api", "acme/responses", "acme/responses")).toBeNull();
    expect(placeProblem("acme/api", "acme/site", "acme/responses")).toContain(
      "neither that repository nor the policy's response repository",
    );
  });
});
