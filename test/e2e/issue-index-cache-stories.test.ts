import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Run } from "../../src/handlers/run.ts";
import { routeFor } from "../../src/handlers/router.ts";
import { ISSUE_INDEX_FULL_READ_MS, ISSUE_INDEX_MIN_OPEN } from "../../src/github/issue-index-cache.ts";
import { actionPort, asUser, deliver, leaks, responseIssues, startWorld, type World } from "../support/world.ts";
import { seedResponseIssues } from "../support/response-issues.ts";

/**
 * The App with its shared response-issue index must do what a replica reading every index in full
 * does. Two identical GitHubs hear the same story: deliveries (new alerts, resolved, reopened, new
 * locations), people closing and reopening issues with no webhook reaching the App, another writer
 * opening issues, the clock moving below and past the index's TTL. One world's deliveries go to the
 * App (with the cache), the other's to the same handlers on a fresh port per delivery (no cache); after
 * every step both hold the same response issues, and no alert ever has two open issues.
 */

type Step =
  | { t: "add"; path: number; elsewhere: boolean }
  | { t: "resolve" | "reopen" | "location" | "close" | "reopen-issue"; i: number }
  | { t: "advance"; minutes: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant("add" as const), path: fc.nat(5), elsewhere: fc.boolean() }), weight: 3 },
  {
    arbitrary: fc.record({
      t: fc.constantFrom("resolve" as const, "reopen" as const, "location" as const, "close" as const, "reopen-issue" as const),
      i: fc.nat(20),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("advance" as const),
      minutes: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: ISSUE_INDEX_FULL_READ_MS / 60_000, max: 15 })),
    }),
    weight: 2,
  },
);

/** The alerts the story made (the seeded issues' alerts do not exist). */
const storyAlerts = (w: World) => w.sandbox.state.alerts("acme", "api");
const storyIssues = (w: World) => responseIssues(w, "acme/api").filter((i) => !i.title.startsWith("Seeded "));

/** A delivery to the App (`cached`), or to the handlers on a fresh port: another replica, or the world without the cache. */
async function send(
  w: World,
  cached: boolean,
  event: "secret_scanning_alert" | "secret_scanning_alert_location",
  action: string,
  alert: number,
): Promise<void> {
  if (cached) {
    expect(await deliver(w, event, action, "acme/api", alert)).toBe(200);
    return;
  }
  const d = w.sandbox.webhook(event, action, { owner: "acme", repo: "api", alertNumber: alert, installationId: 1 });
  await routeFor(d.name, action)!.handle(new Run({ github: actionPort(w), clock: w.clock, log: w.log }), {
    name: d.name,
    id: d.id,
    payload: d.payload,
  });
}

let secrets = 0;

async function apply(w: World, cached: boolean, s: Step): Promise<void> {
  // A second before a resolution or reopening: resolved, reopened, resolved within one second would
  // send the same body twice, which the App refuses as a replay (the other steps keep to one second).
  if (s.t === "resolve" || s.t === "reopen") w.clock.advance(1000);
  const alerts = storyAlerts(w);
  const issues = storyIssues(w);
  const alert = "i" in s && alerts.length ? alerts[s.i % alerts.length]! : null;
  const issue = "i" in s && issues.length ? issues[s.i % issues.length]! : null;
  switch (s.t) {
    case "add": {
      const { number } = w.sandbox.state.addSecretScanningAlert("acme", "api", {
        secretType: "github_personal_access_token",
        secret: `ghp_STORYindex${String(secrets).padStart(27, "0")}`,
        validity: "active",
        locations: [{ path: `src/file${s.path}.ts`, startLine: 1 + s.path }],
      });
      return send(w, cached && !s.elsewhere, "secret_scanning_alert", "created", number);
    }
    case "resolve":
      if (alert?.state !== "open") return;
      w.sandbox.state.updateAlert("acme", "api", alert.number, { state: "resolved", resolution: "revoked" });
      return send(w, cached, "secret_scanning_alert", "resolved", alert.number);
    case "reopen":
      if (alert?.state !== "resolved") return;
      w.sandbox.state.updateAlert("acme", "api", alert.number, { state: "open" });
      return send(w, cached, "secret_scanning_alert", "reopened", alert.number);
    case "location":
      if (!alert) return;
      w.sandbox.state.addAlertLocation("acme", "api", alert.number, { path: `lib/extra${s.i}-${alert.locations.length}.js`, startLine: 2 });
      return send(w, cached, "secret_scanning_alert_location", "created", alert.number);
    // People, with no webhook reaching the App (a lost delivery, or one another replica handled).
    case "close":
      if (issue?.state === "open") await asUser(w, "erin", "PATCH", `/repos/acme/api/issues/${issue.number}`, { state: "closed" });
      return;
    case "reopen-issue":
      if (issue?.state === "closed") await asUser(w, "erin", "PATCH", `/repos/acme/api/issues/${issue.number}`, { state: "open" });
      return;
    case "advance":
      w.clock.advance(s.minutes * 60_000);
      return;
  }
}

/** What a person sees of the story's response issues. */
const seen = (w: World) =>
  storyIssues(w).map((i) => ({
    number: i.number,
    state: i.state,
    title: i.title,
    labels: [...i.labels].sort(),
    assignees: [...i.assignees].sort(),
  }));

function openPerKey(w: World): number[] {
  const count = new Map<string, number>();
  for (const i of responseIssues(w, "acme/api"))
    if (i.state === "open") {
      const k = /"key":"([^"]+)"/.exec(i.body!)![1]!;
      count.set(k, (count.get(k) ?? 0) + 1);
    }
  return [...count.values()];
}

async function tell(story: Step[]): Promise<void> {
  const [app, plain] = await Promise.all([startWorld(), startWorld()]);
  secrets = 0;
  try {
    for (const w of [app, plain]) seedResponseIssues(w.sandbox, "acme", "api", ISSUE_INDEX_MIN_OPEN + 20);
    const opening: Step[] = [
      { t: "add", path: 0, elsewhere: false },
      { t: "add", path: 1, elsewhere: false },
      { t: "advance", minutes: 1 },
    ];
    for (const s of [...opening, ...story]) {
      await apply(app, true, s);
      await apply(plain, false, s);
      if (s.t === "add") secrets++;
      expect(seen(app)).toEqual(seen(plain));
      expect(openPerKey(app).every((n) => n === 1)).toBe(true);
    }
    // The App did read from its cache (the property is about that path).
    expect(
      app.sandbox.requests.some((r) => r.path === "/repos/acme/api/issues" && r.query.since && r.query.labels === "nhi-response"),
    ).toBe(true);
    for (const w of [app, plain]) {
      expect(w.sandbox.validationErrors).toEqual([]);
      expect(leaks(w)).toEqual([]);
    }
  } finally {
    await Promise.all([app.close(), plain.close()]);
  }
}

describe("the App with its issue index does what a replica reading in full does (generated stories)", () => {
  it("after every step, both GitHubs hold the same response issues, and no alert has two open", async () => {
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 14 }), tell), { numRuns: 25 });
  }, 60_000);
});
