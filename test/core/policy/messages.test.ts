/**
 * What a person reads when their policy is wrong: where (the parser's own line and column, for
 * syntax and schema errors alike) and what to write.
 */
import { describe, expect, it } from "vitest";
import { formatProblem, validatePolicyText } from "../../../src/core/policy/validate.ts";

const problems = (text: string) => validatePolicyText(text, ".github/nhi-steward.yml").problems.map(formatProblem);

describe("YAML syntax errors are reported where they are", () => {
  it.each([
    [
      "an unclosed flow list",
      'fallback_owner: "@acme/security"\nteam_mentions: [\n',
      ".github/nhi-steward.yml:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ].",
    ],
    [
      "a key given twice",
      'fallback_owner: "@a"\nissues_in: alert-repository\nfallback_owner: "@b"\n',
      ".github/nhi-steward.yml:3:1: not valid YAML: Map keys must be unique.",
    ],
    [
      "a mis-indented key in a list item",
      "systems:\n  - name: pay\n   steward: '@acme/pay'\n",
      ".github/nhi-steward.yml:3:1: not valid YAML: Sequence item without - indicator.",
    ],
    [
      "an unclosed quote",
      'fallback_owner: "@acme/security\nissues_in: alert-repository\n',
      '.github/nhi-steward.yml:3:1: not valid YAML: Missing closing "quote.',
    ],
    ["a tab as indentation", "sla:\n\tat_risk: 0.5\n", ".github/nhi-steward.yml:2:1: not valid YAML: Tabs are not allowed as indentation."],
    [
      "a nested mapping on one line",
      "escalation: on_call: '@acme/oncall'\n",
      ".github/nhi-steward.yml:1:13: not valid YAML: Nested mappings are not allowed in compact mappings.",
    ],
  ])("%s", (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  it("an alias without an anchor, at the alias", () => {
    expect(problems('fallback_owner: "@a"\nteam_mentions: [*security]\n')).toEqual([
      expect.stringMatching(/^\.github\/nhi-steward\.yml:2:17: not valid YAML: Unresolved alias/),
    ]);
  });

  it("a file that is not a mapping, where its content starts", () => {
    expect(problems("# the policy\n\n- fallback_owner: '@a'\n")).toEqual([
      '.github/nhi-steward.yml:3:1: the policy must be a mapping of keys (like `fallback_owner: "@acme/security"`), not a list.',
    ]);
  });

  it("every syntax error, in order", () => {
    expect(problems("a: 1\na: 2\nb: [\n").map((p) => p.split(": not valid")[0])).toEqual([
      ".github/nhi-steward.yml:2:1",
      ".github/nhi-steward.yml:4:1",
    ]);
  });
});

describe("schema errors point at the value, or where a missing key goes", () => {
  it("a wrong value at its own line and column, deep in the file", () => {
    expect(
      problems(
        "# owners\nowners:\n  - name: ci\n    match: { identity_classes: [ci-cd-token] }\n    owners: ['@acme/platform', platform]\n",
      ),
    ).toEqual([".github/nhi-steward.yml:5:32: owners[0].owners[1]: must be a user (`@login`) or a team (`@org/team`)."]);
  });

  it("a severity target without calendar says what to write, at the target", () => {
    expect(problems("sla:\n  targets:\n    high: { acknowledge: 1h, remediate: 4h }\n")).toEqual([
      ".github/nhi-steward.yml:3:11: sla.targets.high.calendar is missing: write `calendar: 24x7` or `calendar: business`. Count round the clock, or only in `sla.business_hours`.",
    ]);
    expect(problems("sla:\n  targets:\n    critical:\n      acknowledge: 1h\n      remediate: 4h\n")).toEqual([
      ".github/nhi-steward.yml:4:7: sla.targets.critical.calendar is missing: write `calendar: 24x7` or `calendar: business`. Count round the clock, or only in `sla.business_hours`.",
    ]);
  });

  it.each([
    [
      "a system without a steward",
      "systems:\n  - name: payments\n    credentials: [{ secret_types: [stripe_api_key] }]\n",
      ".github/nhi-steward.yml:2:5: systems[0].steward is missing: add `steward:` (a string). Who owns the system's credentials: `@user` or `@org/team`. Gets the alert before CODEOWNERS.",
    ],
    [
      "an owner rule without owners",
      "owners:\n  - match: { paths: ['deploy/**'] }\n",
      ".github/nhi-steward.yml:2:5: owners[0].owners is missing: add `owners:` (a list). Who gets the alert: `@user` or `@org/team`.",
    ],
    [
      "an owner rule without match",
      "owners:\n  - owners: ['@acme/platform']\n",
      ".github/nhi-steward.yml:2:5: owners[0].match is missing: add `match:` (a mapping). What the alert must be; every key given must match.",
    ],
    [
      "an escalation level without target",
      "escalation:\n  levels:\n    - after: 1h\n",
      ".github/nhi-steward.yml:3:7: escalation.levels[0].target is missing: add `target:`. Who is engaged: owner, steward, manager, incident-commander, on-call, or a named `@user`/`@org/team`.",
    ],
    [
      "a severity rule without severity",
      "severity:\n  rules:\n    - when: { validity: [active] }\n",
      ".github/nhi-steward.yml:3:7: severity.rules[0].severity is missing: add `severity:` (one of critical, high, medium, low).",
    ],
  ])("%s", (_what, text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });

  it("never says `undefined`", () => {
    const text =
      "sla:\n  targets:\n    low: {}\nsystems:\n  - {}\nowners:\n  - {}\nescalation:\n  levels:\n    - {}\nseverity:\n  rules:\n    - {}\n";
    const all = problems(text);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const p of all) expect(p).not.toMatch(/undefined|Invalid input|is required/);
  });
});
