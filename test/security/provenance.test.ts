/**
 * Control: provenance (docs/threat-model.md, "Provenance"). nhi-steward acts only on issues its own
 * identity wrote, whose marker agrees with where the issue lives. A look-alike — a person's issue, or
 * another app's, carrying a copied or edited marker and the `nhi-response` label — is never used for
 * closing, commanding, revoking, escalating, metrics or duplicate checks, through the App, a sweep
 * or the bundled Action.
 * Proven by removing `isRecord` from OctokitPort.addToIndex and the author check in
 * issueContextFrom: every test here then fails except the two about another repository, which the
 * place check (`placeProblem`: a record lives in its alert's repository or the response repository)
 * also stops; removing that one fails them.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { runActionBundle } from "../../src/action/local-runner.ts";
import { decodeMarker, encodeMarker, replaceMarker } from "../../src/core/issue/marker.ts";
import { buildEffects } from "../../src/handlers/effects.ts";
import { buildReport } from "../../src/handlers/report.ts";
import { Run } from "../../src/handlers/run.ts";
import {
  actionPort,
  asUser,
  closeIssue,
  comment,
  deliver,
  PLANTED,
  responseIssues,
  sweepAsAction,
  worldPerTest,
} from "../support/world.ts";

const POLICY = `fallback_owner: "@acme/security"
auto_revoke:
  rules:
    - identity_classes: [personal-access-token]
      after: 1h
commands:
  security_team: "@acme/security"
`;

const world = worldPerTest();
let real: number;
beforeEach(async () => {
  world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
  real = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "unknown",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  await deliver(world, "secret_scanning_alert", "created", "acme/api", real);
});

const ours = () => responseIssues(world, "acme/api").find((i) => i.user === "nhi-steward[bot]")!;
const writesTo = (repo: string, n: number) =>
  world.sandbox.requests.filter((r) => r.method !== "GET" && r.path.startsWith(`/repos/${repo}/issues/${n}`));

/** A person (or another app's token) opens an issue that copies a real record, edited as they like. */
async function forge(
  login: string,
  repo: string,
  edit: (m: NonNullable<ReturnType<typeof decodeMarker>>) => object = (m) => m,
): Promise<number> {
  const original = ours();
  const marker = edit(decodeMarker(original.body)!);
  const body = replaceMarker(original.body!, marker as never);
  const created = (await asUser(world, login, "POST", `/repos/${repo}/issues`, {
    title: original.title,
    body,
    labels: ["nhi-response"],
  })) as { number: number };
  return created.number;
}

describe("through the App", () => {
  it("closing a person's copy of a real record with a resolution leaves the real alert alone", async () => {
    const fake = await forge("mallory", "acme/api");
    const before = writesTo("acme/api", fake).length;
    expect(await closeIssue(world, "acme/api", fake, "mallory", ["resolution:revoked"])).toBe(200);
    expect(world.sandbox.state.alert("acme", "api", real)!.state).toBe("open");
    // Nothing is written to the look-alike by nhi-steward (the close and label above are mallory's own).
    expect(writesTo("acme/api", fake).filter((r) => r.token?.startsWith("ghs_")).length).toBe(0);
    expect(writesTo("acme/api", fake).length).toBe(before + 2);
    expect(world.log.text()).toContain(
      `acme/api#${fake} carries an nhi-steward marker but is not an nhi-steward record: it was written by @mallory`,
    );
  });

  it("a copy in another repository cannot resolve the alert either", async () => {
    const fake = await forge("mallory", "acme/site");
    await closeIssue(world, "acme/site", fake, "mallory", ["resolution:revoked"]);
    expect(world.sandbox.state.alert("acme", "api", real)!.state).toBe("open");
  });

  it("commands in a look-alike do nothing, even when its marker names mallory's team as owner", async () => {
    world.sandbox.state.addTeam("acme", "mallorys", ["mallory"]);
    const fake = await forge("mallory", "acme/api", (m) => ({
      ...m,
      routing: { ...m.routing, mentions: ["@acme/mallorys"], assignees: ["mallory"] },
    }));
    await comment(world, "acme/api", fake, "mallory", "/resolve revoked trust me");
    await comment(world, "acme/api", ours().number, "mallory", "/ack");
    expect(world.sandbox.state.alert("acme", "api", real)!.state).toBe("open");
    expect(decodeMarker(ours().body)!.acknowledged).toBeNull();
    expect(ours().comments.at(-1)!.body).toContain("@mallory, only the routed owners");
  });

  it("another app's issue (github-actions[bot]) with a copied marker is not a record", async () => {
    world.sandbox.state.addToken("ghs_workflow_token", "github-actions[bot]");
    const original = ours();
    const res = await fetch(`${world.sandbox.url}/repos/acme/api/issues`, {
      method: "POST",
      headers: { authorization: "token ghs_workflow_token", "content-type": "application/json" },
      body: JSON.stringify({ title: original.title, body: original.body, labels: ["nhi-response"] }),
    });
    const fake = ((await res.json()) as { number: number }).number;
    await closeIssue(world, "acme/api", fake, "alice", ["resolution:revoked"]);
    expect(world.sandbox.state.alert("acme", "api", real)!.state).toBe("open");
    expect(world.log.text()).toContain(
      `acme/api#${fake} carries an nhi-steward marker but is not an nhi-steward record: it was written by @github-actions[bot] (app github-actions)`,
    );
  });

  it("an open look-alike keyed to the next alert does not capture it: the alert gets its own issue", async () => {
    const next = real + 1;
    await forge("mallory", "acme/api", (m) => ({ ...m, key: `secret-scanning:acme/api#${next}`, alert: next }));
    world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: "ghp_another_value_not_planted_0000000000",
      locations: [{ path: "infra/x.sh", startLine: 1 }],
    });
    await deliver(world, "secret_scanning_alert", "created", "acme/api", next);
    const records = responseIssues(world, "acme/api").filter((i) => i.user === "nhi-steward[bot]");
    expect(records.map((i) => decodeMarker(i.body)!.alert).sort()).toEqual([real, next]);
  });

  it("a record of ours whose marker names another repository (a transferred or edited issue) is refused", async () => {
    // Written with the app's own token, so only the marker's agreement can refuse it.
    const original = ours();
    const marker = decodeMarker(original.body)!;
    const res = await fetch(`${world.sandbox.url}/repos/acme/site/issues`, {
      method: "POST",
      headers: { authorization: "token ghs_app_itself", "content-type": "application/json" },
      body: JSON.stringify({ title: original.title, body: `moved\n\n${encodeMarker(marker)}`, labels: ["nhi-response"] }),
    });
    const moved = ((await res.json()) as { number: number }).number;
    await closeIssue(world, "acme/site", moved, "alice", ["resolution:revoked"]);
    expect(world.sandbox.state.alert("acme", "api", real)!.state).toBe("open");
    expect(world.log.text()).toContain(
      `acme/site#${moved} is not acted on: it is about acme/api but lives in acme/site, which is neither that repository nor the policy's response repository`,
    );
  });
});

describe("through a sweep (the Action's code, in process)", () => {
  it("a look-alike with a past deadline and a revocation request is neither escalated nor revoked, and not counted", async () => {
    // The real issue is resolved first, so only the look-alike could drive a revocation.
    world.sandbox.state.updateAlert("acme", "api", real, { validity: "active" });
    const fake = await forge("mallory", "acme/site", (m) => ({
      ...m,
      key: "secret-scanning:acme/site#1",
      repo: "acme/site",
      alert: 1,
      sla: {
        ...m.sla!,
        acknowledgeBy: "2026-01-01T00:00:00.000Z",
        remediateBy: "2026-01-01T00:00:00.000Z",
        startedAt: "2025-12-31T00:00:00.000Z",
      },
      timeline: [...m.timeline, { at: "2026-01-01T00:00:00.000Z", event: "revocation-requested", by: "mallory", detail: null }],
    }));
    world.sandbox.state.addSecretScanningAlert("acme", "site", {
      secretType: "github_personal_access_token",
      secret: PLANTED.npm,
      validity: "active",
      locations: [{ path: "index.html", startLine: 1 }],
    });
    world.clock.advance(3 * 3600_000);
    const github = actionPort(world);
    await sweepAsAction(
      world,
      { org: "acme" },
      { github, effects: buildEffects({ github, apiUrl: world.sandbox.url, env: {}, clock: world.clock, log: world.log }) },
    );
    expect(writesTo("acme/site", fake).filter((r) => r.token?.startsWith("ghs_")).length).toBe(0);
    expect(world.sandbox.state.revocations()).not.toContain(PLANTED.npm);
    // The real alert in acme/site got its own issue, written by nhi-steward.
    expect(
      responseIssues(world, "acme/site")
        .filter((i) => i.user === "nhi-steward[bot]")
        .map((i) => decodeMarker(i.body)!.key),
    ).toEqual(["secret-scanning:acme/site#1"]);
    const report = await buildReport(
      new Run({ github: actionPort(world), clock: world.clock, log: world.log }),
      { kind: "organization", org: "acme" },
      30,
    );
    expect(report.records.map((r) => `${r.repo}#${r.issue}`).sort()).toEqual(["acme/api#1", "acme/site#2"]);
    expect(fake).toBe(1);
    expect(report.records).toHaveLength(2);
  });
});

describe("through the bundled Action", () => {
  it("a sweep opens the real issue although an open look-alike claims the alert, and never writes to the look-alike", async () => {
    const next = real + 1;
    const fake = await forge("mallory", "acme/api", (m) => ({ ...m, key: `secret-scanning:acme/api#${next}`, alert: next }));
    world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: "ghp_another_value_not_planted_0000000000",
      locations: [{ path: "infra/x.sh", startLine: 1 }],
    });
    const run = await runActionBundle({ apiUrl: world.sandbox.url, repository: "acme/api", inputs: { token: "ghs_action_token" } });
    expect(run.code).toBe(0);
    expect(run.outputs.opened).toBe("1");
    expect(run.stdout).toContain(`acme/api#${fake} carries an nhi-steward marker but is not an nhi-steward record`);
    expect(writesTo("acme/api", fake).filter((r) => r.token === "ghs_action_token")).toEqual([]);
  });

  it("refuses to run without knowing its own identity, and says how to name it", async () => {
    const run = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/api",
      inputs: { token: "ghs_action_token", "app-slug": "" },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("nhi-steward cannot tell which account it writes as");
    expect(run.stdout).toContain("app-slug: ${{ steps.app-token.outputs.app-slug }}");
  });
});
