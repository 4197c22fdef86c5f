import { encodeMarker } from "../../src/core/issue/marker.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

/**
 * `count` open response issues in `owner/name`, written by the App with valid markers (alerts
 * 10001… that the tests never touch), created and last updated an hour ago.
 */
export function seedResponseIssues(sandbox: Sandbox, owner: string, name: string, count: number, first = 10_001): void {
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
      routing: { source: "fallback", why: "seeded", assignees: ["erin"], mentions: [], unowned: false, notes: [] },
      openedAt: at,
      sla: { acknowledgeBy: at, remediateBy: at, calendar: "24x7", timeZone: "UTC", startedAt: at },
    });
    const issue = s.newIssue(repo, {
      title: `Seeded ${n}`,
      body: `Seeded response issue.\n\n${marker}`,
      user: s.defaultActor,
      labels: ["nhi-response"],
      assignees: ["erin"],
    });
    issue.createdAt = at;
    issue.updatedAt = at;
  }
}
