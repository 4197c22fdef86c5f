import { describe, expect, it } from "vitest";
import { formatProblem, validatePolicyText } from "../../../src/core/policy/validate.ts";

const problems = (text: string) => validatePolicyText(text, "nhi-steward.yml").problems.map(formatProblem);

describe("policy validation: valid files", () => {
  it.each([
    ["an empty file", ""],
    ["a comment only", "# yaml-language-server: $schema=../policies/schema.json\n"],
    ["a fallback team", 'fallback_owner: "@acme/security"\n'],
    [
      "a full policy",
      `fallback_owner: "@acme/security"
response_repository: acme/security-response
issues_in: response-repository
owner_property: team
repository_overrides: [owners, fallback_owner]
identity_classes:
  ci-cd-token: [my_custom_pattern]
systems:
  - name: payments
    steward: "@acme/payments"
    manager: "@carol"
    credentials:
      - secret_types: [stripe_api_key]
        repositories: ["payments-*"]
    dependents: [checkout]
    revocation: Roll the key in the Stripe dashboard.
owners:
  - name: CI tokens to platform
    match: { identity_classes: [ci-cd-token] }
    owners: ["@acme/platform"]
    notify: ["@acme/vendor-risk"]
severity:
  rules:
    - when: { property: { name: criticality, value: high }, validity: [active] }
      severity: critical
  default: low
runbooks:
  api-key: "# API key\\n- [ ] Roll it"
team_mentions: ["@acme/security"]
_extends: .github
`,
    ],
  ])("accepts %s", (_name, text) => {
    expect(problems(text)).toEqual([]);
  });
});

describe("policy validation: every problem is located and says how to fix it", () => {
  it.each([
    ["fallbak_owner: '@a'", ['nhi-steward.yml:1:1: unknown key "fallbak_owner". Did you mean "fallback_owner"?']],
    ["fallback_owner: alice", ["nhi-steward.yml:1:17: fallback_owner: must be a user (`@login`) or a team (`@org/team`)."]],
    ["fallback_owner: 42", ["nhi-steward.yml:1:17: fallback_owner: expected a string, got a number (42)."]],
    ["team_mentions: ['@alice']", ["nhi-steward.yml:1:17: team_mentions[0]: must be a team written `@org/team`."]],
    [
      "identity_classes:\n  cloud-acess-key: [x]",
      ['nhi-steward.yml:2:3: identity_classes: "cloud-acess-key" is not an identity class. Did you mean "cloud-access-key"?'],
    ],
    [
      "owners:\n  - match: { identity_classes: [ci-token] }\n    owners: ['@a']",
      ['nhi-steward.yml:2:33: owners[0].match.identity_classes[0]: "ci-token" is not an identity class.'],
    ],
    [
      "owners:\n  - match: { paths: ['a/**'] }\n    owners: '@acme/platform'",
      [
        'nhi-steward.yml:3:13: owners[0].owners: expected an array, got a string ("@acme/platform"). Write it as a list: ["@acme/platform"].',
      ],
    ],
    [
      "owners:\n  - match: { paths: ['{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}/x'] }\n    owners: ['@a']",
      ["nhi-steward.yml:2:22: owners[0].match.paths[0]: its braces give more than 1024 alternatives; list fewer, or use `*`."],
    ],
    [
      "owners:\n  - match: {}\n    owners: ['@a']",
      ["nhi-steward.yml:2:12: owners[0].match: must name at least one thing to match, e.g. `secret_types` or `repositories`."],
    ],
    [
      "systems:\n  - name: pay\n    credentials: [{ secret_types: [x] }]",
      [
        "nhi-steward.yml:2:5: systems[0].steward is missing: add `steward:` (a string). Who owns the system's credentials: `@user` or `@org/team`. Gets the alert before CODEOWNERS.",
      ],
    ],
    [
      "systems:\n  - name: pay\n    steward: '@a'\n    credentials:\n      - secret_type: [x]",
      ['nhi-steward.yml:5:9: systems[0].credentials[0]: unknown key "secret_type". Did you mean "secret_types"?'],
    ],
    [
      "issues_in: response",
      ['nhi-steward.yml:1:12: issues_in: "response" is not allowed. Use one of alert-repository, response-repository.'],
    ],
    ["response_repository: security-response", ["nhi-steward.yml:1:22: response_repository: must be `owner/name`."]],
    [
      "severity:\n  rules:\n    - when: { validity: [alive] }\n      severity: urgent",
      [
        'nhi-steward.yml:3:26: severity.rules[0].when.validity[0]: "alive" is not allowed. Did you mean "active"? Use one of active, inactive, unknown.',
        'nhi-steward.yml:4:17: severity.rules[0].severity: "urgent" is not allowed. Use one of critical, high, medium, low.',
      ],
    ],
    ["repository_overrides: [standards]", ['nhi-steward.yml:1:24: repository_overrides[0]: "standards" is not allowed.']],
    ["_extends: 3", ["nhi-steward.yml:1:11: _extends: must name a repository"]],
    ["fallback_owner: [", ["nhi-steward.yml:1:18: not valid YAML: Flow sequence"]],
    ["a: 1\na: 2", ["nhi-steward.yml:2:1: not valid YAML: Map keys must be unique"]],
    ["- just\n- a list", ["nhi-steward.yml:1:1: the policy must be a mapping of keys"]],
    ["fallback_owner: *nowhere", ["nhi-steward.yml:1:17: not valid YAML: Unresolved alias"]],
  ])("%j", (text, expected) => {
    const got = problems(text);
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]).toContain(e));
  });

  it("reports every problem in the file, not only the first", () => {
    expect(problems("fallback_owner: x\nissues_in: y\nnope: 1")).toHaveLength(3);
  });
});
