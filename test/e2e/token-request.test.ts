import { beforeEach, describe, expect, it } from "vitest";
import { tokenRequestRisks } from "../../src/core/alert/token-request.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { recordFromIssue } from "../../src/core/metrics/record.ts";
import { policyFrom } from "../../src/core/policy/load.ts";
import { responseIssues, sendWebhook, tokenRequestPayload, worldPerTest } from "../support/world.ts";

/**
 * A personal_access_token_request payload as GitHub sends it (test/support/world.ts builds it from the
 * sandbox's state in GitHub's shape): carol asks for “release-bot”; `over` changes the request.
 */
function request(
  action: "created" | "approved" | "denied" | "cancelled",
  over: Record<string, unknown> = {},
  who: { requester?: string; sender?: string } = {},
) {
  return tokenRequestPayload(world, action, { ...who, request: over }) as { personal_access_token_request: Record<string, unknown> };
}
/** Delivers it to the App, checked against GitHub's webhook schema first. */
const send = (payload: Record<string, unknown>) => sendWebhook(world, "personal_access_token_request", payload);

describe("which token requests are risky", () => {
  const policy = policyFrom({});
  const risks = (over: Record<string, unknown>) =>
    tokenRequestRisks(request("created", over).personal_access_token_request as never, policy);
  it.each([
    [{}, ["it never expires", "write access to all repositories"]],
    [{ token_expires_at: "2026-12-01T00:00:00Z", repository_selection: "subset", repository_count: 2 }, []],
    [
      {
        token_expires_at: "2027-11-23T08:00:00Z",
        repository_selection: "subset",
        repository_count: 1,
        permissions_result: { repository: { contents: "read" } },
      },
      ["it lives 365 days, more than the policy's 90"],
    ],
    [
      {
        token_expires_at: "2026-12-01T00:00:00Z",
        repository_selection: "subset",
        repository_count: 1,
        permissions_result: { organization: { members: "write" } },
      },
      ["organization permission `members: write`"],
    ],
    [
      {
        token_expires_at: "2026-12-01T00:00:00Z",
        repository_selection: "subset",
        repository_count: 1,
        permissions_result: { repository: { workflows: "write" } },
      },
      ["repository permission `workflows: write`"],
    ],
  ])("%j → %j", (over, expected) => {
    expect(risks(over)).toEqual(expected);
  });
});

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.setFile(
    "acme",
    ".github",
    ".github/nhi-steward.yml",
    'fallback_owner: "@acme/security"\ntoken_requests:\n  owner: "@acme/platform"\n',
  );
  world.sandbox.state.setAssignable("acme", ".github", ["carol", "dave", "erin"]);
});

describe("token requests through the app", () => {
  it("a risky request becomes one issue for the identity reviewers, mentioning the requester; the grant updates it", async () => {
    expect(await send(request("created"))).toBe(200);
    const [issue] = responseIssues(world, "acme/.github");
    expect(issue!.title).toBe("Risky fine-grained token “release-bot” requested by @carol (token request #77)");
    expect(issue!.assignees).toEqual(["carol", "dave"]);
    expect(issue!.body).toContain("| **Why it is risky** | it never expires; write access to all repositories |");
    expect(issue!.body).toContain("@carol");
    expect(issue!.body).toContain("the policy's reviewer of token requests (`@acme/platform`)");
    await send(request("approved"));
    expect(responseIssues(world, "acme/.github")).toHaveLength(1);
    // The token's name is the requester's text: the display name is escaped (no mention), while the
    // requester stays mentioned on purpose in the Owner row.
    expect(responseIssues(world, "acme/.github")[0]!.body).toContain("granted by @\u200bcarol");
  });

  it("a request within policy opens nothing", async () => {
    await send(request("created", { token_expires_at: "2026-12-01T00:00:00Z", repository_selection: "subset", repository_count: 1 }));
    expect(responseIssues(world, "acme/.github")).toEqual([]);
  });
});

describe("owner rules by requester", () => {
  it("a token request by a matching requester goes to the rule's owners, and the issue says why", async () => {
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\ntoken_requests:\n  owner: "@acme/platform"\nowners:\n  - name: Bot tokens\n    match: { requesters: ["@bot-x"], permissions: ["contents:write"] }\n    owners: ["@acme/security"]\n',
    );
    world.sandbox.state.addUser("bot-x");
    await send(request("created", {}, { requester: "bot-x" }));
    const [issue] = responseIssues(world, "acme/.github");
    expect(issue!.assignees).toEqual(["erin"]);
    expect(issue!.body).toContain("owner rule “Bot tokens” (@acme/security)");
    expect(issue!.body).toContain("@bot-x");
  });
});

describe("denied and cancelled requests close their issue", () => {
  const comments = (n: number) => world.sandbox.state.getIssue("acme", ".github", n)!.comments.map((c) => c.body);

  it("denied by an owner: closed with a comment naming them and a resolution metrics count; a redelivery changes nothing", async () => {
    await send(request("created"));
    const [opened] = responseIssues(world, "acme/.github");
    world.clock.advance(2 * 3_600_000);
    const denied = request("denied", {}, { sender: "erin" });
    expect(await send(denied)).toBe(200);
    const closed = world.sandbox.state.getIssue("acme", ".github", opened!.number)!;
    expect(closed.state).toBe("closed");
    expect(comments(closed.number)).toEqual([
      expect.stringContaining(
        "@erin denied this request on GitHub: the fine-grained token “release-bot” of @carol does not get the access it asked for.",
      ),
    ]);
    const marker = decodeMarker(closed.body)!;
    expect(marker.resolution).toMatchObject({ resolution: "denied", by: "erin", at: "2026-11-23T10:55:00.000Z" });
    expect(marker.timeline.at(-1)).toMatchObject({ event: "resolved", by: "erin" });
    const record = recordFromIssue(
      {
        number: closed.number,
        html_url: "x",
        title: closed.title,
        state: closed.state,
        created_at: closed.createdAt,
        closed_at: closed.closedAt,
        body: closed.body,
        labels: closed.labels,
      },
      world.clock.now(),
    )!;
    expect(record.resolution).toBe("denied");
    expect(record.remediatedAt?.toISOString()).toBe("2026-11-23T10:55:00.000Z");

    expect(await send(denied)).toBe(200);
    expect(comments(closed.number)).toHaveLength(1);
    expect(world.sandbox.state.getIssue("acme", ".github", closed.number)!.body).toBe(closed.body);
  });

  it("cancelled by the requester: closed as cancelled", async () => {
    await send(request("created"));
    const [opened] = responseIssues(world, "acme/.github");
    await send(request("cancelled"));
    const closed = world.sandbox.state.getIssue("acme", ".github", opened!.number)!;
    expect(closed.state).toBe("closed");
    expect(comments(closed.number)).toEqual([expect.stringContaining("@carol cancelled this request on GitHub")]);
    expect(decodeMarker(closed.body)!.resolution).toMatchObject({ resolution: "cancelled", by: "carol" });
  });

  it("a request that never had an issue: nothing is opened, and the log says so", async () => {
    await send(request("created", { token_expires_at: "2026-12-01T00:00:00Z", repository_selection: "subset", repository_count: 1 }));
    await send(request("cancelled", { token_expires_at: "2026-12-01T00:00:00Z", repository_selection: "subset", repository_count: 1 }));
    expect(responseIssues(world, "acme/.github")).toEqual([]);
    expect(world.log.text()).toContain("token-request:acme#4242: token request #77 was cancelled; no issue was opened for it");
  });
});
