import { startLocalAppServer, type LocalAppServer } from "../../src/app/local-server.ts";
import type { RepoRef } from "../../src/core/alert/types.ts";
import { VirtualClock } from "../../src/core/clock.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep, type SweepOptions } from "../../src/handlers/sweep.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

/** A planted secret: tests assert it never appears in anything nhi-steward writes. */
export const PLANTED = {
  pat: "ghp_NHIPLANTEDpatVALUE0000000000000000001",
  aws: "AKIANHIPLANTEDAWS002",
  npm: "npm_NHIPLANTEDnpmVALUE00000000000000003",
};

export interface World {
  clock: VirtualClock;
  sandbox: Sandbox;
  log: MemoryLogger;
  app: LocalAppServer;
  close(): Promise<void>;
}

/**
 * Organisation `acme`: alice, bob, carol, dave, erin; team `acme/platform` (carol, dave), team
 * `acme/security` (erin), fallback owner @acme/security from the org policy; repository `acme/api`
 * with `.github/CODEOWNERS`, and `acme/site` without one.
 */
export function seedAcme(sandbox: Sandbox): void {
  const s = sandbox.state;
  s.addOrg("acme");
  for (const u of ["alice", "bob", "carol", "dave", "erin", "mallory"]) s.addUser(u);
  s.addTeam("acme", "platform", ["carol", "dave"]);
  s.addTeam("acme", "security", ["erin"]);
  s.addInstallation({ id: 1, account: "acme", repositories: "all" });
  s.addRepo({
    owner: "acme",
    name: ".github",
    visibility: "private",
    files: { ".github/nhi-steward.yml": 'fallback_owner: "@acme/security"\n' },
    assignable: ["erin"],
  });
  s.addRepo({
    owner: "acme",
    name: "api",
    visibility: "private",
    files: {
      ".github/CODEOWNERS": "# API owners\n* @acme/platform\n/infra/ @alice\n/legacy/ @mallory\n",
      "infra/deploy.sh": "#!/bin/sh\n",
    },
    assignable: ["alice", "bob", "carol", "dave", "erin"],
  });
  s.addRepo({ owner: "acme", name: "site", visibility: "private", files: { "index.html": "<html></html>" }, assignable: ["erin", "bob"] });
}

/**
 * Organisation `acme` for scale tests: @alice is the fallback owner and owns everything; `repos`
 * repositories `svc-N`, each with `perRepo` open alerts whose values `secret(r, i)` plants.
 */
export function seedServices(sandbox: Sandbox, repos: number, perRepo: number, secret: (repo: number, alert: number) => string): void {
  const s = sandbox.state;
  s.addOrg("acme");
  s.addUser("alice");
  s.addInstallation({ id: 1, account: "acme", repositories: "all" });
  s.addRepo({ owner: "acme", name: ".github", files: { ".github/nhi-steward.yml": 'fallback_owner: "@alice"\n' }, assignable: ["alice"] });
  for (let r = 0; r < repos; r++) {
    s.addRepo({ owner: "acme", name: `svc-${r}`, files: { CODEOWNERS: "* @alice\n" }, assignable: ["alice"] });
    for (let i = 0; i < perRepo; i++)
      s.addSecretScanningAlert("acme", `svc-${r}`, {
        secretType: "github_personal_access_token",
        secret: secret(r, i),
        locations: [{ path: `src/f${i}.ts`, startLine: 1 }],
      });
  }
}

export async function startWorld(options: { seed?: (sandbox: Sandbox) => void } = {}): Promise<World> {
  const clock = new VirtualClock("2026-11-23T08:55:00Z");
  const sandbox = await startSandbox({ clock });
  (options.seed ?? seedAcme)(sandbox);
  const log = new MemoryLogger();
  const app = await startLocalAppServer({ baseUrl: sandbox.url, clock, log });
  return {
    clock,
    sandbox,
    log,
    app,
    async close() {
      await app.close();
      await sandbox.close();
    },
  };
}

/** Delivers a secret scanning webhook built from the sandbox's current state. */
export async function deliver(
  world: World,
  event: "secret_scanning_alert" | "secret_scanning_alert_location",
  action: string,
  repo: string,
  alertNumber: number,
): Promise<number> {
  const [owner, name] = repo.split("/") as [string, string];
  const d = world.sandbox.webhook(event, action, { owner, repo: name, alertNumber, installationId: 1 });
  return world.app.deliver(d.name, d.payload, { id: d.id });
}

/** Response issues (labelled nhi-response, with nhi-steward's marker) in a repository. */
export function responseIssues(world: World, repo: string) {
  const [owner, name] = repo.split("/") as [string, string];
  return world.sandbox.state
    .listIssues(owner, name)
    .filter((i) => i.labels.includes("nhi-response") && i.body?.includes("<!-- nhi-steward:v1"));
}

/** Asserts-friendly: every planted value found in anything written or logged. */
export function leaks(world: World, extra = ""): string[] {
  const written = world.sandbox.state.everythingWritten() + "\n" + world.log.text() + "\n" + extra;
  return Object.values(PLANTED).filter((v) => written.includes(v));
}

/** Acts as a person through the sandbox's REST API (so the state changes as GitHub's would). */
export async function asUser(world: World, login: string, method: string, path: string, body?: object): Promise<unknown> {
  const token = `ghp_user_${login}`;
  world.sandbox.state.addToken(token, login);
  const res = await fetch(`${world.sandbox.url}${path}`, {
    method,
    headers: { authorization: `token ${token}`, "content-type": "application/json", accept: "application/vnd.github+json" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** A person comments on an issue; GitHub delivers `issue_comment.created`. */
export async function comment(world: World, repo: string, issueNumber: number, login: string, body: string): Promise<number> {
  const created = (await asUser(world, login, "POST", `/repos/${repo}/issues/${issueNumber}/comments`, { body })) as object;
  const issue = await asUser(world, login, "GET", `/repos/${repo}/issues/${issueNumber}`);
  const repository = await asUser(world, login, "GET", `/repos/${repo}`);
  return world.app.deliver("issue_comment", {
    action: "created",
    issue,
    comment: created,
    repository,
    installation: { id: 1 },
    sender: { login, type: "User" },
  });
}

/** A person closes an issue (optionally labelling it first); GitHub delivers `issues.closed`. */
export async function closeIssue(world: World, repo: string, issueNumber: number, login: string, labels: string[] = []): Promise<number> {
  if (labels.length) await asUser(world, login, "POST", `/repos/${repo}/issues/${issueNumber}/labels`, { labels });
  const issue = await asUser(world, login, "PATCH", `/repos/${repo}/issues/${issueNumber}`, { state: "closed", state_reason: "completed" });
  const repository = await asUser(world, login, "GET", `/repos/${repo}`);
  return world.app.deliver("issues", { action: "closed", issue, repository, installation: { id: 1 }, sender: { login, type: "User" } });
}

/** A GitHubPort as the Action builds it (a fresh one per run), against the sandbox, with write pacing off. */
export function actionPort(world: Pick<World, "sandbox" | "log">, token = "ghs_sweep"): OctokitPort {
  return new OctokitPort(createOctokit({ token, baseUrl: world.sandbox.url, log: world.log, pace: false }), { self: SANDBOX_APP_IDENTITY });
}

/** One sweep at the world's current (virtual) time, as the Action runs it: the organisation, or one repository. */
export function sweepAsAction(
  world: World,
  where: { org: string } | { repo: RepoRef } = { org: "acme" },
  options: SweepOptions & { github?: OctokitPort } = {},
) {
  const { github = actionPort(world), ...rest } = options;
  const scope = "org" in where ? ({ kind: "organization", org: where.org } as const) : ({ kind: "repository", repo: where.repo } as const);
  return sweep(new Run({ github, clock: world.clock, log: world.log }), scope, rest);
}
