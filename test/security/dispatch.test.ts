/**
 * Control: a `repository_dispatch` (`nhi-alert`), or a findings report, acts only on the repository
 * it was sent to, the organisation's `response_repository`, or repositories the organisation policy
 * lets it name (`dispatch.trusted`). Whoever can dispatch to one repository cannot write response
 * issues in another; a finding naming one it may not is refused with a log line saying what to add
 * to the policy, and still reaches a person: it opens where it was sent, with a note.
 *
 * Through the real Probot app (as GitHub delivers a dispatch), and through `onDispatch` and
 * `onFindingsReport` called as the Action calls them (with the repository the workflow runs in).
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RepoRef } from "../../src/core/alert/types.ts";
import { Run } from "../../src/handlers/run.ts";
import { onDispatch, onFindingsReport } from "../../src/handlers/on-findings.ts";
import { nhiAlert } from "../fixtures/findings/dispatch.ts";
import { GITLEAKS_PLANTED, GITLEAKS_PLANTED_PAT } from "../fixtures/findings/planted.ts";
import { actionPort, dispatchPayload, responseIssues, sendWebhook, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.addRepo({ owner: "acme", name: "responses", visibility: "private", files: {}, assignable: ["erin"] });
  world.sandbox.state.addRepo({ owner: "acme", name: "detector-hub", visibility: "private", files: {}, assignable: ["erin"] });
});
// Before worldPerTest's own checks (validationErrors, leaks): the detector's planted values too.
afterEach(() => {
  const everything = world.sandbox.state.everythingWritten() + world.log.text();
  expect(everything).not.toContain(GITLEAKS_PLANTED);
  expect(everything).not.toContain(GITLEAKS_PLANTED_PAT);
});

const ORG_POLICY = 'fallback_owner: "@acme/security"\nresponse_repository: acme/responses\n';
const setOrgPolicy = (extra = "") => world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", ORG_POLICY + extra);

/**
 * Sends `nhi-alert` to `to` (as GitHub delivers it to the app, with `to`'s repository as the sandbox
 * has it, public or private, checked against GitHub's webhook schema) naming `names` as its repository.
 */
function dispatch(to: string, names: string | null): Promise<number> {
  const client_payload = nhiAlert(names ? { resource: { repository: names } } : { resource: { system: "payments-prod" } });
  return sendWebhook(world, "repository_dispatch", dispatchPayload(world, to, client_payload));
}

/** Everything written in a repository (issues, comments, labels). */
const writesIn = (repo: string) => world.sandbox.requests.filter((r) => r.method !== "GET" && r.path.startsWith(`/repos/${repo}/`));

const ADD_THIS = 'dispatch: { trusted: [{ repository: "acme/site", may_name: ["acme/api"] }] }';

describe("through the app: a dispatch to acme/site naming acme/api", () => {
  it("without the policy's permission: nothing in acme/api; refused with what to add, and opened in acme/site with a note", async () => {
    setOrgPolicy();
    expect(await dispatch("acme/site", "acme/api")).toBe(200);

    expect(responseIssues(world, "acme/api")).toEqual([]);
    expect(writesIn("acme/api")).toEqual([]);
    expect(world.log.text()).toContain(
      `dispatch finding sent to acme/site names acme/api: refused, acme/site may not open issues in acme/api. To allow it, if acme/site should speak for acme/api, add to the organisation policy (acme/.github:.github/nhi-steward.yml): ${ADD_THIS}.`,
    );

    const [issue] = responseIssues(world, "acme/site");
    expect(issue).toBeDefined();
    expect(issue!.body).toContain("Claimed repository");
    expect(issue!.body).toMatch(/acme\/api.{0,5}, not trusted: the finding was sent to .{0,5}acme\/site/);
    expect(issue!.assignees.length).toBeGreaterThan(0); // it reaches a person
  });

  it("with `dispatch.trusted` in the organisation policy: the issue opens in acme/api", async () => {
    setOrgPolicy(`dispatch:\n  trusted:\n    - repository: acme/site\n      may_name: ["acme/api"]\n`);
    expect(await dispatch("acme/site", "acme/api")).toBe(200);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue).toBeDefined();
    expect(issue!.body).not.toContain("Claimed repository");
    expect(responseIssues(world, "acme/site")).toEqual([]);
    expect(world.log.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("a hub trusted for `acme/*` speaks for any repository of acme, but not for another organisation", async () => {
    setOrgPolicy(`dispatch:\n  trusted:\n    - repository: acme/detector-hub\n      may_name: ["acme/*", "*/*"]\n`);
    expect(await dispatch("acme/detector-hub", "acme/api")).toBe(200);
    expect(responseIssues(world, "acme/api")).toHaveLength(1);

    expect(await dispatch("acme/detector-hub", "other-org/api")).toBe(200);
    expect(world.sandbox.requests.filter((r) => r.path.startsWith("/repos/other-org/"))).toEqual([]);
    expect(world.log.text()).toContain("send findings about other-org/api to a repository of other-org");
    expect(responseIssues(world, "acme/detector-hub")).toHaveLength(1);
  });

  it("the organisation's response repository may always be named", async () => {
    setOrgPolicy();
    expect(await dispatch("acme/site", "acme/responses")).toBe(200);
    expect(responseIssues(world, "acme/responses")).toHaveLength(1);
    expect(world.log.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("a dispatch that names no repository, or its own, acts where it was sent", async () => {
    setOrgPolicy();
    expect(await dispatch("acme/site", null)).toBe(200);
    expect(await dispatch("acme/api", "acme/api")).toBe(200);
    expect(responseIssues(world, "acme/site")).toHaveLength(1);
    expect(responseIssues(world, "acme/api")).toHaveLength(1);
    expect(world.log.lines.filter((l) => l.level === "error")).toEqual([]);
  });

  it("a repository's own policy file cannot grant itself the right (only the organisation's counts)", async () => {
    setOrgPolicy("repository_overrides: [fallback_owner, owners]\n");
    world.sandbox.state.setFile("acme", "site", ".github/nhi-steward.yml", `fallback_owner: "@erin"\n${ADD_THIS}\n`);
    expect(await dispatch("acme/site", "acme/api")).toBe(200);
    expect(writesIn("acme/api")).toEqual([]);
    expect(responseIssues(world, "acme/site")).toHaveLength(1);

    // Without an organisation policy a repository's file applies in full to its own alerts, but still grants nothing here.
    world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", null);
    expect(await dispatch("acme/site", "acme/api")).toBe(200);
    expect(writesIn("acme/api")).toEqual([]);
    expect(world.log.lines.filter((l) => l.message.includes("names acme/api: refused"))).toHaveLength(2);
  });

  it("from a public repository: the note does not name the other repository", async () => {
    setOrgPolicy("issues_in: alert-repository\n");
    world.sandbox.state.addRepo({ owner: "acme", name: "docs", visibility: "public", files: {}, assignable: ["erin"] });
    expect(await dispatch("acme/docs", "acme/api")).toBe(200);
    expect(writesIn("acme/api")).toEqual([]);
    const issues = [...responseIssues(world, "acme/docs"), ...responseIssues(world, "acme/responses")];
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("another repository (not named here: this repository is public)");
    expect(issues[0]!.body).not.toContain("acme/api");
  });
});

describe("as the Action calls it, in the repository the workflow runs in", () => {
  const here: RepoRef = { owner: "acme", name: "site" };
  const run = () => new Run({ github: actionPort(world), clock: world.clock, log: world.log });
  /** The event a `repository_dispatch` to acme/site writes to GITHUB_EVENT_PATH (GitHub's payload, checked against its schema). */
  const dispatched = (client_payload: Record<string, unknown>) => {
    const payload = dispatchPayload(world, "acme/site", client_payload);
    world.sandbox.checkWebhook("repository_dispatch", payload);
    return payload;
  };

  it("onDispatch (a `repository_dispatch` to the workflow, or the `alert` input) naming acme/api: refused, opened in acme/site", async () => {
    setOrgPolicy();
    const report = await onDispatch(run(), dispatched(nhiAlert({ resource: { repository: "acme/api" } })), here);
    expect(report.opened).toBe(1);
    expect(writesIn("acme/api")).toEqual([]);
    expect(responseIssues(world, "acme/site")).toHaveLength(1);
    expect(world.log.text()).toContain(
      `To allow it, if acme/site should speak for acme/api, add to the organisation policy (acme/.github:.github/nhi-steward.yml): ${ADD_THIS}.`,
    );

    setOrgPolicy(`${ADD_THIS}\n`);
    const allowed = await onDispatch(
      run(),
      dispatched(
        nhiAlert({
          resource: { repository: "acme/api" },
          source: { name: "wiz", id: "wiz-2" },
          identity: { class: "cloud-access-key", name: "other", identifier: "arn:aws:iam::123456789012:user/other" },
        }),
      ),
      here,
    );
    expect(allowed.opened).toBe(1);
    expect(responseIssues(world, "acme/api")).toHaveLength(1);
  });

  it("onFindingsReport (the `findings` input): a report's repository fields are outside input too", async () => {
    setOrgPolicy();
    // The gitleaks report's first finding links github.com/acme/api; the rest name no repository.
    const report = await onFindingsReport(run(), readFileSync("test/fixtures/findings/gitleaks-report.json", "utf8"), here);
    expect(report.opened).toBeGreaterThan(0);
    expect(writesIn("acme/api")).toEqual([]);
    expect(world.log.text()).toContain("gitleaks finding sent to acme/site names acme/api: refused");
    expect(responseIssues(world, "acme/site").filter((i) => i.body?.includes("Claimed repository"))).toHaveLength(1);
  });
});
