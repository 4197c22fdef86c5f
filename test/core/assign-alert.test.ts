import { describe, expect, it } from "vitest";
import { assignAlertOps } from "../../src/core/plan.ts";

const alert = (assignedTo: string | null | undefined, key = "secret-scanning:acme/api#7") => ({
  key,
  repo: { owner: "acme", name: "api" },
  number: 7,
  state: "open" as const,
  ...(assignedTo !== undefined ? { assignedTo } : {}),
});

describe("assignAlertOps: the alert on GitHub names the issue's first assignee", () => {
  it("assigns when the alert names nobody, or someone else, or is not known to name anyone", () => {
    expect(assignAlertOps(alert(null), ["alice", "bob"])).toEqual([{ op: "assign-alert", repo: "acme/api", alert: 7, assignee: "alice" }]);
    expect(assignAlertOps(alert("bob"), ["alice"])).toHaveLength(1);
    expect(assignAlertOps(alert(undefined), ["alice"])).toHaveLength(1);
  });

  it("writes nothing when it already does (case aside), when there is no owner, or when the alert is not GitHub's", () => {
    expect(assignAlertOps(alert("Alice"), ["alice"])).toEqual([]);
    expect(assignAlertOps(alert(null), [])).toEqual([]);
    expect(assignAlertOps(alert(null, "dispatch:acme/api@x"), ["alice"])).toEqual([]);
    expect(assignAlertOps({ ...alert(null), state: "resolved" }, ["alice"])).toEqual([]);
  });
});
