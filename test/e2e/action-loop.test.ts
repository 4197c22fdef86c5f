/**
 * Without a server: the bundled Action alone runs the whole loop (issues opened by a sweep, owners'
 * commands, refusals, escalation, closing with and without a resolution), once with the `issues`
 * and `issue_comment` events delivered to it and once with scheduled sweeps only; and the same story
 * through the App ends in the same issue and alert states.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runActionBundle, type ActionRun } from "../../src/action/local-runner.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import {
  asUser,
  closeIssue,
  comment,
  deliver,
  leaks,
  PLANTED,
  responseIssues,
  startWorld,
  sweepAsAction,
  type World,
} from "../support/world.ts";

type Mode = "app" | "action with events" | "action with sweeps only" | "action with sweeps only, from its sweep-state";

const POLICY = 'fallback_owner: "@acme/security"\ncommands:\n  security_team: "@acme/security"\n  snooze_max: 3d\n';
const worlds: World[] = [];
const runs: ActionRun[] = [];

afterAll(async () => {
  for (const w of worlds) {
    expect(w.sandbox.validationErrors).toEqual([]);
    expect(leaks(w, runs.map((r) => r.stdout + r.summary + JSON.stringify(r.outputs)).join("\n"))).toEqual([]);
    await w.close();
  }
});

/** One step of the story, told the way each mode hears of it. */
class Story {
  readonly world: World;
  readonly mode: Mode;
  /** Where the sweeps keep their state (input `sweep-state`), in the state mode. */
  private readonly state: string | null;
  constructor(world: World, mode: Mode) {
    this.world = world;
    this.mode = mode;
    this.state =
      mode === "action with sweeps only, from its sweep-state" ? join(mkdtempSync(join(tmpdir(), "nhi-loop-")), "sweep-state.jsonl") : null;
  }

  private get eventsReachTheAction(): boolean {
    return this.mode === "action with events";
  }

  private async action(event: string, payload: unknown = {}, code = 0): Promise<ActionRun> {
    const inputs = { token: "ghs_test_installation_token", ...(this.state && event === "schedule" ? { "sweep-state": this.state } : {}) };
    const run = await runActionBundle({
      apiUrl: this.world.sandbox.url,
      repository: "acme/api",
      event,
      payload,
      now: this.world.clock.now(),
      inputs,
    });
    runs.push(run);
    expect(run.code, run.stdout).toBe(code);
    return run;
  }

  /** The scheduled sweep (the App's own timers run the same sweep). `code`: the step's exit code. */
  async sweep(code = 0): Promise<ActionRun | null> {
    if (this.mode === "app") {
      await sweepAsAction(this.world, { repo: { owner: "acme", name: "api" } });
      return null;
    }
    return this.action("schedule", {}, code);
  }

  async alertCreated(number: number): Promise<void> {
    if (this.mode === "app") expect(await deliver(this.world, "secret_scanning_alert", "created", "acme/api", number)).toBe(200);
  }

  async comment(issue: number, login: string, body: string): Promise<void> {
    if (this.mode === "app") {
      expect(await comment(this.world, "acme/api", issue, login, body)).toBe(200);
      return;
    }
    const created = await asUser(this.world, login, "POST", `/repos/acme/api/issues/${issue}/comments`, { body });
    if (!this.eventsReachTheAction) return;
    // The event payload the runner writes to GITHUB_EVENT_PATH: GitHub's webhook payload (built by the sandbox, checked against GitHub's schema).
    const d = this.world.sandbox.issueWebhook("issue_comment", "created", {
      owner: "acme",
      repo: "api",
      issueNumber: issue,
      commentId: (created as { id: number }).id,
      sender: login,
    });
    await this.action("issue_comment", d.payload);
  }

  async close(issue: number, login: string, labels: string[] = []): Promise<void> {
    if (this.mode === "app") {
      expect(await closeIssue(this.world, "acme/api", issue, login, labels)).toBe(200);
      return;
    }
    if (labels.length) await asUser(this.world, login, "POST", `/repos/acme/api/issues/${issue}/labels`, { labels });
    await asUser(this.world, login, "PATCH", `/repos/acme/api/issues/${issue}`, { state: "closed", state_reason: "completed" });
    if (!this.eventsReachTheAction) return;
    const d = this.world.sandbox.issueWebhook("issues", "closed", { owner: "acme", repo: "api", issueNumber: issue, sender: login });
    await this.action("issues", d.payload);
  }
}

/** What people see of the response issues and the alerts, the sandbox's address aside. */
function snapshot(world: World) {
  const s = world.sandbox.state;
  return responseIssues(world, "acme/api")
    .sort((a, b) => decodeMarker(a.body)!.alert - decodeMarker(b.body)!.alert)
    .map((i) => {
      const marker = decodeMarker(i.body)!;
      const alert = s.alert("acme", "api", marker.alert)!;
      return {
        title: i.title,
        state: i.state,
        labels: [...i.labels].sort(),
        assignees: i.assignees,
        marker: { ...marker, comments: marker.comments ? { through: marker.comments.through, applied: marker.comments.ids.length } : null },
        comments: i.comments.map((c) => `@${c.user}: ${c.body.split(world.sandbox.url).join("<sandbox>")}`),
        alert: { state: alert.state, resolution: alert.resolution ?? null },
      };
    });
}

async function tell(mode: Mode) {
  const world = await startWorld();
  worlds.push(world);
  const s = world.sandbox.state;
  s.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
  const story = new Story(world, mode);
  const issueOf = (alert: number) => responseIssues(world, "acme/api").find((i) => decodeMarker(i.body)!.alert === alert)!;
  const lastComment = (alert: number) => issueOf(alert).comments.at(-1)!;
  const markerOf = (alert: number) => decodeMarker(issueOf(alert).body)!;
  const steps: Record<string, ReturnType<typeof snapshot>> = {};

  // 08:55 Monday: two leaked tokens in infra/ (owned by @alice); a sweep (or the webhook) opens their issues.
  const rotated = s.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  const unsaid = s.addSecretScanningAlert("acme", "api", {
    secretType: "npm_access_token",
    secretTypeDisplayName: "npm Access Token",
    secret: PLANTED.npm,
    validity: "unknown",
    locations: [{ path: "infra/publish.sh", startLine: 3 }],
  }).number;
  await story.alertCreated(rotated);
  await story.alertCreated(unsaid);
  await story.sweep();
  expect(responseIssues(world, "acme/api")).toHaveLength(2);
  expect(issueOf(rotated).assignees).toEqual(["alice"]);
  steps.opened = snapshot(world);

  // 09:30: the owner acknowledges; mallory (no right) tries to snooze.
  world.clock.set("2026-11-23T09:30:00Z");
  await story.comment(issueOf(rotated).number, "alice", "On it.\n/ack");
  await story.comment(issueOf(rotated).number, "mallory", "/snooze 2d not my problem");
  // 10:00: the next sweep (in sweeps-only mode, it applies both commands, in order, as the App would have).
  world.clock.set("2026-11-23T10:00:00Z");
  await story.sweep();
  expect(markerOf(rotated).acknowledged).toEqual({ at: "2026-11-23T09:30:00.000Z", by: "alice" });
  expect(markerOf(rotated).snooze).toBeNull();
  expect(issueOf(rotated).labels).toContain("nhi:acknowledged");
  expect(issueOf(rotated).comments.map((c) => c.body)).toEqual(
    expect.arrayContaining([
      expect.stringContaining("Acknowledged by @alice."),
      "@mallory, only the routed owners (@alice), members of @acme/security may `/snooze` here. Ask one of them, or ask security to hand it to you (`/handoff`).",
    ]),
  );
  expect(
    issueOf(rotated)
      .comments.filter((c) => c.user === "nhi-steward[bot]")
      .every((c) => !c.body.startsWith("/")),
  ).toBe(true);
  // A re-run applies nothing twice.
  const before = issueOf(rotated).comments.length;
  await story.sweep();
  expect(issueOf(rotated).comments.length).toBe(before);
  steps.commands = snapshot(world);

  // A day later: the unacknowledged one escalates.
  world.clock.set("2026-11-24T10:00:00Z");
  await story.sweep();
  expect(markerOf(unsaid).escalation.level).toBeGreaterThan(0);
  steps.escalated = snapshot(world);

  // The owner rotates the token and closes with resolution:rotated; the other is closed without saying how.
  world.clock.set("2026-11-24T11:00:00Z");
  s.updateAlert("acme", "api", rotated, { validity: "inactive" });
  await story.close(issueOf(rotated).number, "alice", ["resolution:rotated"]);
  await story.close(issueOf(unsaid).number, "alice");
  world.clock.set("2026-11-24T11:30:00Z");
  await story.sweep();
  expect(s.alert("acme", "api", rotated)).toMatchObject({ state: "resolved", resolution: "revoked" });
  expect(issueOf(rotated).state).toBe("closed");
  expect(markerOf(rotated).resolution).toMatchObject({ resolution: "rotated", by: "alice", at: "2026-11-24T11:00:00.000Z" });
  expect(issueOf(unsaid).state).toBe("open");
  expect(issueOf(unsaid).labels).toContain("nhi:needs-resolution");
  expect(lastComment(unsaid).body).toContain("closed without saying how");
  expect(s.alert("acme", "api", unsaid)).toMatchObject({ state: "open" });
  // The next sweep leaves the resolved issue closed.
  world.clock.set("2026-11-24T12:00:00Z");
  await story.sweep();
  expect(issueOf(rotated).state).toBe("closed");
  expect(issueOf(rotated).comments.filter((c) => c.body.includes("Reopened")).length).toBe(0);
  steps.closed = snapshot(world);
  return steps;
}

describe("the Action alone runs the whole loop", () => {
  const told: Partial<Record<Mode, Awaited<ReturnType<typeof tell>>>> = {};

  it("with the issues and issue_comment events delivered to it", async () => {
    told["action with events"] = await tell("action with events");
  }, 120_000);

  it("with scheduled sweeps only", async () => {
    told["action with sweeps only"] = await tell("action with sweeps only");
  }, 120_000);

  it("with scheduled sweeps only, each starting from the last one's sweep-state", async () => {
    told["action with sweeps only, from its sweep-state"] = await tell("action with sweeps only, from its sweep-state");
  }, 120_000);

  it("through the App, the same story ends in the same issue and alert states", async () => {
    const app = await tell("app");
    for (const mode of ["action with events", "action with sweeps only", "action with sweeps only, from its sweep-state"] as const) {
      const action = told[mode];
      if (!action) continue;
      for (const step of ["opened", "commands", "escalated", "closed"]) {
        // With sweeps only, the replies come after the commands the sweep found (not after each one).
        const strip = (snap: ReturnType<typeof snapshot>) =>
          snap.map(({ marker, comments, ...rest }) => ({
            ...rest,
            comments: mode.startsWith("action with sweeps only") ? [...comments].sort() : comments,
            marker: { ...marker, comments: marker.comments?.through ?? null },
          }));
        expect(strip(action[step]!), `${mode}: ${step}`).toEqual(strip(app[step]!));
      }
    }
  }, 120_000);
});

describe("what a sweep catches up goes through the same rules", () => {
  async function sweptWorld() {
    const world = await startWorld();
    worlds.push(world);
    world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
    const alert = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secretTypeDisplayName: "GitHub Personal Access Token",
      secret: PLANTED.pat,
      validity: "unknown",
      locations: [{ path: "infra/deploy.sh", startLine: 12 }],
    }).number;
    const story = new Story(world, "action with sweeps only");
    await story.sweep();
    const issue = () => responseIssues(world, "acme/api")[0]!;
    return { world, story, alert, issue };
  }

  it("a close by someone not allowed (triage can close) is reopened, its label taken off, the alert untouched", async () => {
    const { world, story, alert, issue } = await sweptWorld();
    world.sandbox.state.setPermission("acme", "api", "mallory", "triage");
    world.clock.set("2026-11-23T09:30:00Z");
    await story.close(issue().number, "mallory", ["resolution:used-in-tests"]);
    world.clock.set("2026-11-23T10:00:00Z");
    await story.sweep();
    expect(world.sandbox.state.alert("acme", "api", alert)).toMatchObject({ state: "open" });
    expect(issue().state).toBe("open");
    expect(issue().labels).not.toContain("resolution:used-in-tests");
    expect(issue().comments.at(-1)!.body).toContain(
      "@mallory, only the routed owners (@alice), members of @acme/security may close this as `used-in-tests` here.",
    );
    expect(decodeMarker(issue().body)!.timeline.at(-1)).toMatchObject({
      event: "closed-without-resolution",
      by: "mallory",
      at: "2026-11-23T09:30:00.000Z",
    });
  }, 60_000);

  it("a close GitHub refused to resolve (delegated dismissal) is explained once, not at every sweep", async () => {
    const { world, story, alert, issue } = await sweptWorld();
    world.sandbox.state.updateAlert("acme", "api", alert, { validity: "inactive" });
    await story.close(issue().number, "alice", ["resolution:rotated"]);
    world.sandbox.faults.inject({ method: "PATCH", path: /\/secret-scanning\/alerts\/\d+$/, status: 403, times: 1 });
    world.clock.set("2026-11-23T10:00:00Z");
    // The step fails: GitHub refused a write, and the person who keeps the workflow should know.
    expect((await story.sweep(1))!.stdout).toContain("GitHub refused to resolve the alert (403)");
    expect(world.sandbox.state.alert("acme", "api", alert)).toMatchObject({ state: "open" });
    expect(issue().state).toBe("closed");
    expect(issue().comments.at(-1)!.body).toContain("The secret scanning alert could not be resolved");
    const comments = issue().comments.length;
    world.clock.set("2026-11-23T10:15:00Z");
    await story.sweep();
    expect(issue().comments.length).toBe(comments);
    expect(issue().state).toBe("closed");
  }, 60_000);

  it("a bot's comment is never a command, and a command in an issue nhi-steward did not write is ignored", async () => {
    const { world, story, issue } = await sweptWorld();
    const s = world.sandbox.state;
    s.addUser("other-app[bot]", { type: "Bot" });
    await asUser(world, "other-app[bot]", "POST", `/repos/acme/api/issues/${issue().number}/comments`, {
      body: "/resolve false-positive says the bot",
    });
    // A person's copy of the record, with the label: alice's /ack there must not acknowledge anything.
    const copy = (await asUser(world, "mallory", "POST", "/repos/acme/api/issues", {
      title: issue().title,
      body: issue().body,
      labels: ["nhi-response"],
    })) as { number: number };
    await asUser(world, "alice", "POST", `/repos/acme/api/issues/${copy.number}/comments`, { body: "/ack" });
    world.clock.set("2026-11-23T10:00:00Z");
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    await story.sweep();
    const marker = decodeMarker(issue().body)!;
    expect(marker.resolution).toBeNull();
    expect(marker.acknowledged).toBeNull();
    expect(issue().state).toBe("open");
    expect(
      s
        .listIssues("acme", "api")
        .find((i) => i.number === copy.number)!
        .comments.map((c) => c.user),
    ).toEqual(["alice"]);
    // Nothing was written for either (the clock at 10:00 changes nothing yet).
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").slice(writes)).toEqual([]);
  }, 60_000);
});
