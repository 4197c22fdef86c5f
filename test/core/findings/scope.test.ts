/**
 * Control: a dispatch (or findings report) acts only on the repository it was sent to, the
 * organisation's response repository, or repositories the organisation policy lets it name
 * (`dispatch.trusted`). The rule itself; test/security/dispatch.test.ts proves it end to end.
 */
import { describe, expect, it } from "vitest";
import { findingScope } from "../../../src/core/findings/dispatch.ts";
import { policySchema } from "../../../src/core/policy/schema.ts";

const policy = (data: object = {}) => policySchema.parse(data);
const trusting = policy({
  response_repository: "acme/security-responses",
  dispatch: {
    trusted: [
      { repository: "acme/detector-hub", may_name: ["acme/*"] },
      { repository: "acme/scanner-*", may_name: ["payments-*", "acme/web"] },
    ],
  },
});

describe("which repository a finding sent to one repository may open its issue in", () => {
  it.each([
    ["no repository named: where it was sent", "acme/site", null, policy(), "acme/site", "sent there"],
    ["its own repository", "acme/site", "acme/site", policy(), "acme/site", "sent there"],
    ["its own repository, other case", "acme/site", "Acme/Site", policy(), "Acme/Site", "sent there"],
    [
      "the organisation's response repository",
      "acme/site",
      "acme/security-responses",
      trusting,
      "acme/security-responses",
      "the response repository",
    ],
    ["a hub trusted for the organisation", "acme/detector-hub", "acme/api", trusting, "acme/api", "trusted"],
    ["a trusted hub, names compared case-insensitively", "Acme/Detector-Hub", "ACME/API", trusting, "ACME/API", "trusted"],
    ["a glob of trusted senders, a name glob", "acme/scanner-eu", "acme/payments-core", trusting, "acme/payments-core", "trusted"],
    ["a glob of trusted senders, a full name", "acme/scanner-us", "acme/web", trusting, "acme/web", "trusted"],
  ] as const)("%s", (_, receiver, claimed, p, repository, because) => {
    expect(findingScope(receiver, claimed, p)).toEqual({ ok: true, repository, because });
  });

  it("refuses another repository by default, saying what to add to the organisation policy", () => {
    expect(findingScope("acme/site", "acme/api", policy())).toEqual({
      ok: false,
      claimed: "acme/api",
      problem: "acme/site may not open issues in acme/api",
      fix: 'if acme/site should speak for acme/api, add to the organisation policy (acme/.github:.github/nhi-steward.yml): dispatch: { trusted: [{ repository: "acme/site", may_name: ["acme/api"] }] }',
    });
  });

  it.each([
    ["a sender the policy does not list", "acme/site", "acme/api"],
    ["a trusted sender naming outside its list", "acme/scanner-eu", "acme/api"],
    ["a repository whose name only looks like the response repository", "acme/site", "acme/security-responses-old"],
  ])("refuses %s", (_, receiver, claimed) => {
    expect(findingScope(receiver, claimed, trusting)).toMatchObject({
      ok: false,
      claimed,
      problem: `${receiver} may not open issues in ${claimed}`,
    });
  });

  it("never lets a repository name another organisation's repository, whatever the policy says", () => {
    const everything = policy({ dispatch: { trusted: [{ repository: "*", may_name: ["*", "*/*"] }] } });
    expect(findingScope("acme/detector-hub", "acme/api", everything)).toMatchObject({ ok: true });
    expect(findingScope("acme/detector-hub", "evil/api", everything)).toEqual({
      ok: false,
      claimed: "evil/api",
      problem: "acme/detector-hub may not open issues in evil/api",
      fix: "send findings about evil/api to a repository of evil: a policy lets repositories name only repositories of their own organisation",
    });
  });

  it("the policy option is validated", () => {
    expect(policySchema.safeParse({ dispatch: { trusted: [{ repository: "acme/hub" }] } }).success).toBe(false);
    expect(policySchema.safeParse({ dispatch: { trusted: [{ repository: "acme/hub", may_name: [] }] } }).success).toBe(false);
    expect(policySchema.safeParse({ dispatch: { trusted: [{ repository: "acme/hub", may_name: ["acme/*"], for: ["x"] }] } }).success).toBe(
      false,
    );
    expect(policy().dispatch).toEqual({ trusted: [] });
  });
});
