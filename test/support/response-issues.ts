import { encodeMarker } from "../../src/core/issue/marker.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

/**
 * `count` open response issues in `owner/name`, written by the App with valid markers (alerts
 * `first`… that the tests and the burst benchmark never touch), created and last updated an hour ago.
 * `filler`: text before the marker, so a body can be as long as a real one (a full read then costs
 * what it would).
 */
export function seedResponseIssues(
  sandbox: Sandbox,
  owner: string,
  name: string,
  count: number,
  options: { first?: number; assignee?: string; filler?: string } = {},
): void {
  const { first = 10_001, assignee = "erin", filler = "Seeded response issue." } = options;
  const s = sandbox.state;
  const repo = s.repo(owner, name)!;
  s.ensureLabel(repo, "nhi-response");
  const at = new Date(s.clock.now().getTime() - 3600_000).toISOString();
  for (let n = first; n < first + count; n++) {
    const marker = encodeMarker({
      v: 1,
      key: `secret-scanning:${owner}/${name}#${n}`,
      repo: `${owner}/${name}`,
      alert: n,
      identityClass: "api-key",
      validity: "active",
      publiclyLeaked: false,
      severity: "high",
      system: null,
      locations: [],
      routing: { source: "fallback", why: "seeded", assignees: [assignee], mentions: [], unowned: false, notes: [] },
      openedAt: at,
      sla: { acknowledgeBy: at, remediateBy: at, calendar: "24x7", timeZone: "UTC", startedAt: at },
    });
    const issue = s.newIssue(repo, {
      title: `Seeded ${n}`,
      body: `${filler}\n\n${marker}`,
      user: s.defaultActor,
      labels: ["nhi-response"],
      assignees: [assignee],
    });
    issue.createdAt = at;
    issue.updatedAt = at;
  }
}
