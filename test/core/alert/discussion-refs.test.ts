/**
 * Discussion locations carry GitHub's page (`https://github.com/o/r/discussions/12`, with
 * `#discussion-…` for the body and `#discussioncomment-34` for a comment): what they name, so who
 * posted it can be read with a fixed GraphQL query (the URL itself is never fetched).
 */
import { describe, expect, it } from "vitest";
import { contentRefOf, derivedPageUrl } from "../../../src/core/alert/locations.ts";

const repo = { owner: "acme", name: "api" };

describe("contentRefOf for discussions", () => {
  it.each([
    ["https://github.com/acme/api/discussions/12", { kind: "discussion", repo, number: 12 }],
    ["https://github.com/acme/api/discussions/12#discussion-4566270", { kind: "discussion", repo, number: 12 }],
    ["https://github.com/acme/api/discussions/12#discussioncomment-34", { kind: "discussion-comment", repo, number: 12, id: 34 }],
    ["https://ghe.example.com/acme/api/discussions/3/#discussioncomment-5", { kind: "discussion-comment", repo, number: 3, id: 5 }],
  ])("%s", (url, ref) => {
    expect(contentRefOf(url)).toEqual(ref);
  });

  it.each([
    "https://github.com/acme/api/discussions/x",
    "https://github.com/acme/api/discussions",
    "https://github.com/acme/api/discussions/12/edit",
    "https://github.com/orgs/acme/discussions/12/extra",
    "javascript:alert(1)//github.com/acme/api/discussions/1",
    "https://github.com/acme/api/discussions/12#discussioncomment-34x",
  ])("names nothing (or no comment) for %s", (url) => {
    const ref = contentRefOf(url);
    expect(ref === null || ref.kind === "discussion").toBe(true);
    if (url.endsWith("34x")) expect(ref).toEqual({ kind: "discussion", repo, number: 12 });
    else expect(ref).toBeNull();
  });

  it("derives the page of a discussion and of a comment", () => {
    expect(derivedPageUrl({ kind: "discussion-comment", repo, number: 12, id: 34 }, "https://github.com")).toBe(
      "https://github.com/acme/api/discussions/12#discussioncomment-34",
    );
  });
});
