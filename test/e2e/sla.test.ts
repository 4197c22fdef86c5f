import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { buildEffects } from "../../src/handlers/effects.ts";
import { actionPort, deliver, leaks, PLANTED, responseIssues, startWorld, sweepAsAction, type World } from "../support/world.ts";

const POLICY = `fallback_owner: "@acme/security"
sla:
  business_hours: { time_zone: Europe/Berlin, days: mon-fri, hours: "09:00-17:00" }
escalation:
  on_call: "@acme/oncall"
  incident_commander: "@dave"
auto_revoke:
  rules:
    - identity_classes: [personal-access-token]
      after: 16h
commands:
  security_team: "@acme/security"
`;

let world: World;
let pd: Server;
const pages: { routing_key: string; event_action: string; dedup_key: string; payload: { severity: string; summary: string } }[] = [];
let pdUrl = "";

beforeAll(async () => {
  world = await startWorld();
  world.sandbox.state.addTeam("acme", "oncall", ["bob"]);
  world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
  pd = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      pages.push(JSON.parse(body));
      res
        .writeHead(202, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: "x" }));
    });
  });
  await new Promise<void>((r) => pd.listen(0, "127.0.0.1", r));
  pdUrl = `http://127.0.0.1:${(pd.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await world.close();
  await new Promise((r) => pd.close(r));
});

/** One sweep of the organisation at the world's current (virtual) time, as the Action runs it. */
async function sweepNow() {
  const github = actionPort(world);
  const env = { NHI_PAGERDUTY_ROUTING_KEY: "pd-routing-key-test", NHI_PAGERDUTY_API_URL: pdUrl };
  return sweepAsAction(
    world,
    { org: "acme" },
    { github, effects: buildEffects({ github, apiUrl: world.sandbox.url, env, clock: world.clock, log: world.log }) },
  );
}

const issue = () => responseIssues(world, "acme/api")[0]!;
const marker = () => decodeMarker(issue().body)!;

describe("the SLA clock, end to end with a virtual clock", () => {
  it("Monday 17:55 Berlin: a critical leak opens with deadlines in Berlin time", async () => {
    world.clock.set("2026-11-23T16:55:00Z"); // Mon 17:55 in Berlin
    const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secretTypeDisplayName: "GitHub Personal Access Token",
      secret: PLANTED.pat,
      validity: "active",
      publiclyLeaked: true,
      locations: [{ path: "infra/deploy.sh", startLine: 12 }],
    }).number;
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    expect(issue().labels).toEqual(expect.arrayContaining(["severity:critical", "sla:on-track"]));
    expect(issue().body).toContain("| **Acknowledge by** | Mon 23 Nov 18:55 Europe/Berlin, in 1 h: comment `/ack` |");
    expect(issue().body).toContain("| **Remediate by** | Mon 23 Nov 21:55 Europe/Berlin, in 4 h |");
  });

  it("19:00: the missed acknowledgement escalates after hours to on-call, and PagerDuty is paged", async () => {
    world.clock.set("2026-11-23T18:00:00Z");
    await sweepNow();
    const comments = issue().comments.map((c) => c.body);
    expect(comments.at(-1)).toContain("**Escalation L1 (acknowledge reminder)**: @acme/oncall");
    expect(comments.at(-1)).toContain("outside business hours, so this goes to on-call");
    expect(issue().labels).toEqual(expect.arrayContaining(["escalation:L1", "sla:breached"]));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ routing_key: "pd-routing-key-test", event_action: "trigger", payload: { severity: "critical" } });
    // Running the sweep again at the same instant changes nothing.
    const writesBefore = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    await sweepNow();
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writesBefore);
    expect(pages).toHaveLength(1);
  });

  it("22:00: breached; the breach and at-risk levels also go to on-call overnight", async () => {
    world.clock.set("2026-11-23T21:00:00Z");
    await sweepNow();
    expect(marker().escalation.level).toBe(3);
    expect(marker().timeline.filter((e) => e.event === "after-hours").length).toBe(3);
    expect(issue().assignees).toEqual(["alice"]); // nobody reassigned at night
  });

  it("Tuesday 09:00: handed back to the owner with what happened overnight", async () => {
    world.clock.set("2026-11-24T08:00:00Z"); // Tue 09:00 Berlin
    await sweepNow();
    const last = issue().comments.at(-1)!.body;
    expect(last).toContain("Good morning @alice: this is back with you.");
    expect(last).toContain("after-hours");
    expect(marker().timeline.at(-1)).toMatchObject({ event: "handed-back" });
  });

  it("14:00: 16 h past the breach, the credential is revoked by GitHub's API; the value goes there and nowhere else", async () => {
    world.clock.set("2026-11-24T13:00:00Z");
    await sweepNow();
    expect(world.sandbox.state.revocations()).toEqual([PLANTED.pat]);
    expect(issue().labels).toContain("nhi:auto-revoked");
    expect(issue().comments.at(-1)!.body).toContain("**Revoked automatically**");
    expect(world.sandbox.state.alert("acme", "api", 1)).toMatchObject({ resolution: "revoked" });
    expect(marker().autoRevoked).toMatchObject({ method: "credentials revocation" });
    expect(leaks(world, JSON.stringify(pages))).toEqual([]);
    expect(world.sandbox.validationErrors).toEqual([]);
  });
});
