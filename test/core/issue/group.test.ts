import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import type { Alert } from "../../../src/core/alert/types.ts";
import { decide, type Decision } from "../../../src/core/decide.ts";
import {
  closedToNewAlerts,
  GROUP_BODY_LIMIT,
  groupable,
  groupBody,
  memberNews,
  memberOf,
  openGroup,
  ownerSignature,
  planGroupChange,
  renderGroup,
  withMember,
} from "../../../src/core/issue/group.ts";
import { decodeMarker, encodeMarker, markerKeys, MAX_TIMELINE, type Marker } from "../../../src/core/issue/marker.ts";
import { planChange, type ExistingIssue } from "../../../src/core/plan.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import type { Policy } from "../../../src/core/policy/schema.ts";
import type { Routing } from "../../../src/core/routing/types.ts";
import { planClock } from "../../../src/core/sla/escalate.ts";
import { rawAlert } from "../../fixtures/webhooks.ts";

const NOW = new Date("2026-11-26T09:00:00Z");
const MIN = 60_000;
const repo = { owner: "acme", name: "api" };
const alice: Routing = {
  source: "codeowners",
  why: ".github/CODEOWNERS line 3: `/infra/ @alice`",
  assignees: ["alice"],
  mentions: [],
  unowned: false,
  notes: [],
};
const platform: Routing = {
  source: "codeowners",
  why: ".github/CODEOWNERS line 2: `* @acme/platform`",
  assignees: ["carol", "dave"],
  mentions: ["@acme/platform"],
  unowned: false,
  notes: [],
};
const ON = policyFrom({ grouping: { enabled: true } });

function alert(
  number: number,
  over: Parameters<typeof rawAlert>[0] = {},
  path = `infra/f${number}.sh`,
  visibility: "private" | "public" = "private",
): Alert {
  return normalizeSecretScanningAlert(rawAlert({ number, ...over }), repo, visibility, [
    { type: "commit", path, startLine: 3, endLine: 3, commitSha: "9f2c1d4e8b7a", blobUrl: null },
  ]);
}
const decision = (a: Alert, routing = alice, policy: Policy = ON, now = NOW): Decision => decide(a, routing, { policy, now });
const aws = { secret_type: "aws_access_key_id", secret_type_display_name: "AWS Access Key ID" } as const;

/** A group of the given alerts, each joined one minute after the last. */
function group(alerts: Alert[], routing = alice): Marker {
  let m = openGroup(decision(alerts[0]!, routing), NOW);
  alerts.slice(1).forEach((a, i) => (m = withMember(m, memberOf(decision(a, routing, ON, new Date(NOW.getTime() + (i + 1) * MIN))))));
  return m;
}
const issueOf = (m: Marker, over: Partial<ExistingIssue> = {}): ExistingIssue => ({
  number: 9,
  state: "open",
  title: "t",
  body: renderGroup(m, ON)?.body ?? encodeMarker(m),
  labels: ["nhi-response"],
  ...over,
});

describe("which alerts are grouped", () => {
  it("is off by default: every alert opens its own issue", () => {
    const d = decide(alert(1), alice, { policy: policyFrom({}), now: NOW });
    expect(groupable(d, policyFrom({}))).toBe(false);
  });

  it.each([
    ["a private secret scanning alert", () => decision(alert(1)), ON, true],
    ["an alert whose issue would be public (no response repository)", () => decision(alert(1, {}, "x", "public")), ON, false],
    [
      "an alert the policy may revoke automatically",
      () => decision(alert(1)),
      policyFrom({ grouping: { enabled: true }, auto_revoke: { rules: [{ identity_classes: ["personal-access-token"] }] } }),
      false,
    ],
    ["an external finding", () => decision({ ...alert(1), source: "gitleaks" }), ON, false],
  ] as const)("%s: %s", (_name, make, policy, expected) => {
    expect(groupable(make(), policy)).toBe(expected);
  });

  it("compares owners by the people and teams routed to, not by order or case", () => {
    expect(ownerSignature({ assignees: ["Dave", "carol"], mentions: ["@acme/Platform"] })).toBe(ownerSignature(platform));
    expect(ownerSignature(alice)).not.toBe(ownerSignature(platform));
  });
});

describe("which group a new alert joins", () => {
  const m = group([alert(1)]);
  const ctx = { policy: ON, now: new Date(NOW.getTime() + 10 * MIN), repo: "acme/api", owner: ownerSignature(alice) };
  it.each<[string, () => [ExistingIssue, Marker, typeof ctx], string | null]>([
    ["an open group for the same owner and repository, inside the window", () => [issueOf(m), m, ctx], null],
    ["another owner", () => [issueOf(m), m, { ...ctx, owner: ownerSignature(platform) }], "another owner"],
    ["another repository", () => [issueOf(m), m, { ...ctx, repo: "acme/site" }], "another repository"],
    ["a closed issue", () => [issueOf(m, { state: "closed" }), m, ctx], "closed"],
    ["an acknowledged group", () => [issueOf(m), { ...m, acknowledged: { at: NOW.toISOString(), by: "alice" } }, ctx], "acknowledged"],
    ["a snoozed group", () => [issueOf(m), { ...m, snooze: { until: "2026-12-01T00:00:00Z", by: "alice", reason: "x" } }, ctx], "snoozed"],
    ["a group past the window (1h)", () => [issueOf(m), m, { ...ctx, now: new Date(NOW.getTime() + 60 * MIN) }], "older than the window"],
    ["a full group", () => [issueOf(m), m, { ...ctx, policy: policyFrom({ grouping: { enabled: true, max_alerts: 2 } }) }], null],
    [
      "a group at max_alerts",
      () => {
        const g = group([alert(1), alert(2)]);
        return [issueOf(g), g, { ...ctx, policy: policyFrom({ grouping: { enabled: true, max_alerts: 2 } }) }];
      },
      "full",
    ],
  ])("%s", (_name, make, expected) => {
    const [issue, marker, c] = make();
    expect(closedToNewAlerts(issue, marker, c)).toBe(expected);
  });

  it("rejects a window that is not a duration and a max_alerts beyond what an issue body holds", () => {
    expect(() => policyFrom({ grouping: { window: "soon" } })).toThrow();
    expect(() => policyFrom({ grouping: { max_alerts: 101 } })).toThrow();
    expect(() => policyFrom({ grouping: { max_alerts: 1 } })).toThrow();
  });
});

describe("a group's marker", () => {
  it("lists every member's key, so the issue index finds the group for each alert", () => {
    const m = group([alert(1), alert(2), alert(3)]);
    expect(m.key).toBe("group:acme/api#1");
    expect(markerKeys(encodeMarker(m))).toEqual([
      "group:acme/api#1",
      "secret-scanning:acme/api#1",
      "secret-scanning:acme/api#2",
      "secret-scanning:acme/api#3",
    ]);
    expect(decodeMarker(encodeMarker(m))).toEqual(m);
  });

  it("has the earliest deadline of its open alerts and the highest severity any had", () => {
    // aws unknown: medium (5 business days); PAT active + public: critical (4 h), joining later
    const medium = alert(1, { ...aws, validity: "unknown" });
    const critical = alert(2, { publicly_leaked: true });
    const m = group([medium, critical]);
    const d2 = m.group!.members[1]!;
    expect(m.severity).toBe("critical");
    expect(m.sla!.remediateBy).toBe(d2.sla.remediateBy);
    expect(new Date(m.sla!.remediateBy).getTime()).toBe(NOW.getTime() + MIN + 4 * 60 * MIN);
    expect(m.identityClass).toBe("mixed");
    expect(m.validity).toBe("active");
    // the critical one resolved: the clock follows the one still open; severity does not drop
    const resolved = withMember(m, { ...d2, resolution: { resolution: "revoked", at: NOW.toISOString(), by: "alice" } });
    expect(resolved.sla!.remediateBy).toBe(m.group!.members[0]!.sla.remediateBy);
    expect(resolved.severity).toBe("critical");
    expect(resolved.identityClass).toBe("cloud-access-key");
  });

  it("lets the escalation planner run on it unchanged: the group breaches at its earliest deadline", () => {
    const m = group([alert(1, { ...aws, validity: "unknown" }), alert(2)]);
    const issue = { ...issueOf(m), labels: ["nhi-response", "severity:high", "sla:on-track"] };
    const late = new Date(new Date(m.sla!.remediateBy).getTime() + MIN);
    const planned = planClock(issue, m, { policy: ON, now: late, pagerConfigured: false });
    expect(planned.change.ops).toContainEqual(
      expect.objectContaining({ op: "add-labels", labels: expect.arrayContaining(["sla:breached"]) }),
    );
    expect(planned.marker.group).toEqual(m.group);
  });
});

describe("rendering a group", () => {
  it("renders a group of one exactly as that alert's own issue, with the group's marker", () => {
    const a = alert(1);
    const d = decision(a);
    const m = openGroup(d, NOW);
    const single = planChange(d, null).ops[0] as { title: string; body: string };
    const rendered = renderGroup(m, ON, { decision: d })!;
    expect(rendered.title).toBe(single.title);
    expect(rendered.body.replace(/<!-- nhi-steward:v1 .* -->/s, "")).toBe(single.body.replace(/<!-- nhi-steward:v1 .* -->/s, ""));
    expect(decodeMarker(rendered.body)!.group!.members.map((x) => x.key)).toEqual([a.key]);
  });

  it("lists two or more alerts as a checklist, one runbook section per kind of credential", () => {
    const m = group([alert(1), alert(2, aws), alert(3)], platform);
    const { title, body } = renderGroup(m, ON)!;
    expect(title).toBe("3 leaked credentials for @acme/platform in acme/api");
    const rows = body.split("\n").filter((l) => /^- \[ \] \*\*#\d+\*\*/.test(l));
    expect(rows.map((r) => /#(\d+)/.exec(r)![1])).toEqual(["1", "2", "3"]);
    expect(rows[0]).toContain(
      "[GitHub Personal Access Token](https://github.com/acme/api/security/secret-scanning/1) (`github_personal_access_token`) · **active** · `infra/f1.sh:3` · high · remediate by Fri 27 Nov 09:00 UTC",
    );
    expect(body.match(/^### Personal access token/gm)).toHaveLength(1);
    expect(body.match(/^### Cloud access key/gm)).toHaveLength(1);
    expect(body).toContain("**For #1, #3:**");
    expect(body).toContain("**For #2:**");
    expect(body).toContain("| **Owner** | @carol, @dave, @acme/platform");
  });

  it("ticks the rows of resolved alerts, keeps ticks people made, and unticks a reopened alert", () => {
    const m = group([alert(1), alert(2), alert(3)]);
    const before = renderGroup(m, ON)!.body.replace("- [ ] **#2**", "- [x] **#2**").replace("- [ ] **Revoke**", "- [x] **Revoke**");
    const resolved = withMember(m, { ...m.group!.members[0]!, resolution: { resolution: "revoked", at: NOW.toISOString(), by: "bob" } });
    const after = groupBody(before, resolved, ON);
    expect(after).toMatch(/^- \[x\] \*\*#1\*\* .*resolved as revoked by @bob$/m);
    expect(after).toMatch(/^- \[x\] \*\*#2\*\*/m);
    expect(after).toMatch(/^- \[ \] \*\*#3\*\*/m);
    expect(after).toContain("- [x] **Revoke**");
    const reopened = renderGroup(m, ON, { oldBody: after, untick: new Set(["secret-scanning:acme/api#2"]) })!.body;
    expect(reopened).toMatch(/^- \[ \] \*\*#2\*\*/m);
  });

  it("stays within GitHub's body limit at max_alerts, with long paths and a full timeline", () => {
    const policy = policyFrom({ grouping: { enabled: true, max_alerts: 50 } });
    const long = (n: number) => `services/payments-gateway/config/environments/production/secrets-${n}.yaml`;
    let m = openGroup(decision(alert(1000, {}, long(0)), alice, policy), NOW);
    for (let i = 1; i < 50; i++) m = withMember(m, memberOf(decision(alert(1000 + i, i % 2 ? aws : {}, long(i)), alice, policy)));
    m = { ...m, group: { ...m.group!, members: m.group!.members.map((x) => ({ ...x, inputs: "0123456789abcdef" })) } };
    const detail =
      "L4 (incident, repeat) → @acme/security-incident-commanders @acme/platform-on-call; remediate by 2026-11-27T09:00:00.000Z, severity high → critical";
    const timeline = Array.from({ length: MAX_TIMELINE }, () => ({
      at: NOW.toISOString(),
      event: "escalated" as const,
      by: "nhi-steward",
      detail,
    }));
    const body = renderGroup(m, policy)!.body;
    expect(body.length).toBeLessThan(GROUP_BODY_LIMIT);
    expect(groupBody(body, { ...m, timeline }, policy).length).toBeLessThan(65_536);
  });
});

describe("planning a group's writes", () => {
  it("opens a new group assigned to the owner", () => {
    const d = decision(alert(1));
    const m = openGroup(d, NOW);
    const r = renderGroup(m, ON, { decision: d })!;
    const change = planGroupChange({
      existing: null,
      marker: m,
      ...r,
      policy: ON,
      now: NOW,
      issueRepo: "acme/api",
      news: [],
      reopen: false,
      summary: "open",
    });
    expect(change).toMatchObject({ key: "group:acme/api#1", action: "open", assignees: ["alice"] });
    expect(change.ops).toEqual([
      { op: "create-issue", title: r.title, body: r.body, labels: ["nhi-response", "severity:high", "sla:on-track"], assignees: ["alice"] },
    ]);
  });

  it("adds a member with one body update: no comment, no new assignment", () => {
    const m1 = group([alert(1)]);
    const existing: ExistingIssue = {
      number: 9,
      state: "open",
      ...renderGroup(m1, ON, { decision: decision(alert(1)) })!,
      labels: ["nhi-response", "severity:high", "sla:on-track"],
      assignees: ["alice"],
    };
    const m2 = withMember(m1, memberOf(decision(alert(2))));
    const r = renderGroup(m2, ON, { oldBody: existing.body })!;
    const change = planGroupChange({
      existing,
      marker: m2,
      ...r,
      policy: ON,
      now: NOW,
      issueRepo: "acme/api",
      news: [],
      reopen: false,
      summary: "join",
    });
    expect(change.ops.map((o) => o.op)).toEqual(["update-issue"]);
    expect(change.ops[0]).toMatchObject({ title: "2 leaked credentials for @alice in acme/api" });
    // the same again changes nothing
    const again = planGroupChange({
      existing: { ...existing, title: r.title, body: r.body },
      marker: m2,
      ...r,
      policy: ON,
      now: NOW,
      issueRepo: "acme/api",
      news: [],
      reopen: false,
      summary: "join",
    });
    expect(again.ops).toEqual([]);
  });

  it("reports what changed about a member, naming it", () => {
    const before = memberOf(decision(alert(4, { validity: "unknown" })));
    const after = memberOf(
      decision(
        normalizeSecretScanningAlert(rawAlert({ number: 4, publicly_leaked: true }), repo, "private", [
          { type: "commit", path: "infra/f4.sh", startLine: 3, endLine: 3, commitSha: "9f2c1d4e8b7a", blobUrl: null },
          { type: "commit", path: "scripts/x.sh", startLine: 1, endLine: 1, commitSha: "1111", blobUrl: null },
        ]),
      ),
    );
    expect(memberNews(before, after)).toEqual([
      "**#4 (GitHub Personal Access Token) is active**: GitHub now reports it works (was unknown). Revoke it now.",
      "#4 (GitHub Personal Access Token): severity is now **critical** (was medium).",
      "**#4 (GitHub Personal Access Token) was found in a public source.** Treat it as compromised and revoke it now.",
      "#4 (GitHub Personal Access Token) was found in 1 more location; see the alert.",
    ]);
  });
});

// Control: a group's checklist renders its members' outside fields (paths, names, URLs) escaped,
// and its marker stays the only one, on the last line (src/core/issue/markdown.ts, marker.ts).
describe("a group's rows are escaped", () => {
  it("a hostile path, name and URL cannot plant a marker, mention anyone or add a link", () => {
    const planted = '<!-- nhi-steward:v1 {"v":1,"key":"secret-scanning:acme/api#9"} -->';
    const hostile = alert(
      2,
      {
        secret_type_display_name: "@acme/security ![x](https://evil.example/x.png)",
        html_url: "https://github.com/acme/api/x)![y](https://evil.example/y.png",
      },
      `infra/${planted} @acme/platform.sh`,
    );
    const m = group([alert(1), hostile]);
    const { title, body } = renderGroup(m, ON)!;
    expect(title).not.toMatch(/[\r\n]/);
    expect(markerKeys(body)).toEqual([m.key, alert(1).key, hostile.key]);
    expect(body.split("<!-- nhi-steward:v1").length).toBe(2);
    const row = body.split("\n").find((l) => l.startsWith("- [ ] **#2**"))!;
    expect(row).toContain(
      "[@\u200bacme/security !\\[x\\](https:\u200b//evil.example/x.png)](https://github.com/acme/api/x%29!%5By%5D%28https://evil.example/y.png)",
    );
    expect(row).toContain("`infra/<\u200b!-- nhi-steward:v1");
    expect(row.replace(/(`+).*?\1/g, "")).not.toMatch(/@acme|!\[/);
  });
});
