import { afterEach, beforeEach, expect } from "vitest";
import { startLocalAppServer, type LocalAppServer } from "../../src/app/local-server.ts";
import type { RepoRef } from "../../src/core/alert/types.ts";
import { VirtualClock } from "../../src/core/clock.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { FILE_FRESH_MS, OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep, type SweepOptions } from "../../src/handlers/sweep.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { orgSimple, repository as renderRepository, simpleUser, type Urls } from "../../src/sandbox/render.ts";
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

export type WorldOptions = Parameters<typeof startWorld>[0];

/** What every test's world must hold at its end: GitHub's shapes respected, and no planted secret written (`extra`: Action output…). */
async function checkAndClose(world: World, extra: string): Promise<void> {
  try {
    expect(world.sandbox.validationErrors).toEqual([]);
    expect(leaks(world, extra)).toEqual([]);
  } finally {
    await world.close();
  }
}

/**
 * A fresh world for each test of the file (or `describe`) it is called in: started before each test
 * (before the caller's own `beforeEach`, which may seed it), then checked and closed after it (after
 * the caller's own `afterEach`): `sandbox.validationErrors` empty, and `leaks(world, extra())` empty.
 * Returns a handle that is always the current test's world (an error outside a test).
 */
export function worldPerTest(options: WorldOptions & { extra?: () => string } = {}): World {
  const { extra, ...start } = options;
  let current: World | undefined;
  const world = (): World => {
    if (!current) throw new Error("worldPerTest: the world exists only while a test (or its beforeEach/afterEach) runs");
    return current;
  };
  beforeEach(async () => {
    current = await startWorld(start);
  });
  afterEach(async () => {
    const w = current;
    current = undefined;
    if (w) await checkAndClose(w, extra?.() ?? "");
  });
  return {
    get clock() {
      return world().clock;
    },
    get sandbox() {
      return world().sandbox;
    },
    get log() {
      return world().log;
    },
    get app() {
      return world().app;
    },
    close: () => world().close(),
  };
}

/**
 * For files whose tests start their own world (or none): returns `startWorld`; every world started
 * by it during a test (or its `beforeEach`) is checked and closed after the test, as `worldPerTest`
 * does. A world started in `beforeAll` is the caller's to close.
 */
export function worldsStartedInTests(options: { extra?: () => string } = {}): (start?: WorldOptions) => Promise<World> {
  let started: World[] = [];
  beforeEach(() => {
    started = [];
  });
  afterEach(async () => {
    const worlds = started;
    started = [];
    const failures: unknown[] = [];
    for (const w of worlds) await checkAndClose(w, options.extra?.() ?? "").catch((e: unknown) => failures.push(e));
    if (failures.length) throw failures[0];
  });
  return async (start) => {
    const w = await startWorld(start);
    started.push(w);
    return w;
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

/**
 * Changes a file on GitHub as a person's push does. The App uses a file it read for up to
 * FILE_FRESH_MS before asking GitHub again, so the change applies once that minute has passed:
 * the clock moves on by as much.
 */
export function pushFile(world: Pick<World, "sandbox" | "clock">, owner: string, repo: string, path: string, text: string): void {
  world.sandbox.state.setFile(owner, repo, path, text);
  world.clock.advance(FILE_FRESH_MS);
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

/**
 * Delivers a payload a test wrote itself, after checking it against GitHub's webhook schema like
 * the sandbox's own (problems land in `sandbox.validationErrors`, which e2e tests assert empty).
 * Tests that send a malformed payload on purpose call `world.app.deliver` directly.
 */
export async function sendWebhook(
  world: World,
  name: string,
  payload: Record<string, unknown>,
  options: { id?: string } = {},
): Promise<number> {
  world.sandbox.checkWebhook(name, payload);
  return world.app.deliver(name, payload, options);
}

/** A person comments on an issue; GitHub delivers `issue_comment.created` (built by the sandbox, checked against GitHub's schema). */
export async function comment(world: World, repo: string, issueNumber: number, login: string, body: string): Promise<number> {
  const [owner, name] = repo.split("/") as [string, string];
  const created = (await asUser(world, login, "POST", `/repos/${repo}/issues/${issueNumber}/comments`, { body })) as { id: number };
  const d = world.sandbox.issueWebhook("issue_comment", "created", {
    owner,
    repo: name,
    issueNumber,
    commentId: created.id,
    sender: login,
    installationId: 1,
  });
  return world.app.deliver(d.name, d.payload, { id: d.id });
}

/** A person closes an issue (optionally labelling it first); GitHub delivers `issues.closed` (built by the sandbox, checked against GitHub's schema). */
export async function closeIssue(world: World, repo: string, issueNumber: number, login: string, labels: string[] = []): Promise<number> {
  const [owner, name] = repo.split("/") as [string, string];
  if (labels.length) await asUser(world, login, "POST", `/repos/${repo}/issues/${issueNumber}/labels`, { labels });
  await asUser(world, login, "PATCH", `/repos/${repo}/issues/${issueNumber}`, { state: "closed", state_reason: "completed" });
  const d = world.sandbox.issueWebhook("issues", "closed", { owner, repo: name, issueNumber, sender: login, installationId: 1 });
  return world.app.deliver(d.name, d.payload, { id: d.id });
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

/*
 * Payloads of events the sandbox does not build (token requests, dispatches), assembled from the
 * sandbox's state in GitHub's webhook shapes: the same `sender`, `organization`, `repository` and
 * `installation` objects its own deliveries carry. Send them with `sendWebhook`, which checks them.
 */

/** The URLs the sandbox's own deliveries carry (startWorld keeps the default web UI, github.com). */
function urlsOf(world: Pick<World, "sandbox">): Urls {
  return { api: world.sandbox.url, html: "https://github.com" };
}

/** A person (or bot) as webhooks carry them (`sender`, `owner`, `assignee`…): GitHub's simple-user. */
export function userJson(world: Pick<World, "sandbox">, login: string): Record<string, unknown> {
  return simpleUser(world.sandbox.state.ensureUser(login, login.endsWith("[bot]") ? "Bot" : undefined), urlsOf(world));
}

/** `organization`, as organisation and repository webhooks carry it. */
export function orgJson(world: Pick<World, "sandbox">, org = "acme"): Record<string, unknown> {
  return orgSimple(world.sandbox.state.ensureUser(org, "Organization"), urlsOf(world));
}

/** `installation`, as the webhooks of an App's installation carry it: its id and node id only. */
export function installationJson(id = 1): Record<string, unknown> {
  return { id, node_id: Buffer.from(`0:Installation${id}`).toString("base64") };
}

/** `repository` (`owner/name`), as webhooks carry it: the REST repository without `permissions`. */
export function repositoryJson(world: Pick<World, "sandbox">, repo: string): Record<string, unknown> {
  const [owner, name] = repo.split("/") as [string, string];
  const { permissions: _permissions, ...json } = renderRepository(
    world.sandbox.state,
    world.sandbox.state.requireRepo(owner, name),
    urlsOf(world),
  );
  return json;
}

/**
 * `personal_access_token_request.<action>` as GitHub sends it to an App installed on the organisation:
 * a request by `requester` (default carol) for the token “release-bot” (id 4242) that never expires,
 * with write access to all repositories; `request` overrides fields of the request.
 */
export function tokenRequestPayload(
  world: Pick<World, "sandbox">,
  action: "created" | "approved" | "denied" | "cancelled",
  options: {
    id?: number;
    requester?: string;
    sender?: string;
    org?: string;
    installationId?: number;
    request?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  const requester = options.requester ?? "carol";
  return {
    action,
    personal_access_token_request: {
      id: options.id ?? 77,
      owner: userJson(world, requester),
      permissions_added: { repository: { contents: "write" } },
      permissions_upgraded: {},
      permissions_result: { repository: { contents: "write", metadata: "read" } },
      repository_selection: "all",
      repository_count: null,
      repositories: null,
      created_at: "2026-11-23T08:00:00Z",
      token_id: 4242,
      token_name: "release-bot",
      token_expired: false,
      token_expires_at: null,
      token_last_used_at: null,
      ...options.request,
    },
    organization: orgJson(world, options.org ?? "acme"),
    installation: installationJson(options.installationId ?? 1),
    sender: userJson(world, options.sender ?? requester),
  };
}

/**
 * `repository_dispatch` as GitHub sends it to an App after `POST /repos/{repo}/dispatches`: the
 * `event_type` is the action, the default branch, the `client_payload`, and who dispatched (default: the
 * workflow's github-actions[bot]).
 */
export function dispatchPayload(
  world: Pick<World, "sandbox">,
  repo: string,
  clientPayload: Record<string, unknown>,
  options: { eventType?: string; sender?: string; installationId?: number } = {},
): Record<string, unknown> {
  const repository = repositoryJson(world, repo);
  const owner = world.sandbox.state.ensureUser(repo.split("/")[0]!);
  return {
    action: options.eventType ?? "nhi-alert",
    branch: repository.default_branch,
    client_payload: clientPayload,
    repository,
    ...(owner.type === "Organization" ? { organization: orgJson(world, owner.login) } : {}),
    installation: installationJson(options.installationId ?? 1),
    sender: userJson(world, options.sender ?? "github-actions[bot]"),
  };
}
