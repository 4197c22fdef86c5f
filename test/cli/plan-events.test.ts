/**
 * `nhi-steward plan` covers every event the App handles and honours `action`: each payload in
 * examples/payloads/ (GitHub's example payloads, adapted to acme/api) goes through the router's
 * handler offline, with examples/CODEOWNERS and examples/nhi-steward.yml, and plans the kind of
 * change the App would make. docs/cli.md's plan command runs as written.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { ROUTED_EVENTS } from "../../src/handlers/router.ts";
import { captureIo } from "../support/capture-io.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const payloads = join(root, "examples/payloads");
const NOW = "2026-11-26T09:00:00Z";

/** A CliIo reading paths from the repository's root, as a shell in a checkout would. */
function rootIo(env: Record<string, string> = {}) {
  const io = captureIo({ cwd: root, env });
  return { ...io, readFile: (p: string) => readFile(resolve(root, p), "utf8") };
}

interface Planned {
  event: string;
  dryRun: boolean;
  changes: {
    action: string;
    summary: string;
    assignees: string[];
    operations: { op: string; body?: string; state?: string; resolution?: string }[];
  }[];
  nothing?: string;
  offline: string[];
  log: string[];
}

async function plan(
  file: string,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number; out: Planned | null; err: string }> {
  const io = rootIo(env);
  const event = file.split(".")[0]!;
  const code = await main(
    [
      "plan",
      "--event-name",
      event,
      "--payload",
      join("examples/payloads", file),
      "--codeowners",
      "examples/CODEOWNERS",
      "--policy",
      "examples/nhi-steward.yml",
      "--now",
      NOW,
      ...extra,
    ],
    io,
  );
  return { code, out: code === 0 ? (JSON.parse(io.out()) as Planned) : null, err: io.err() };
}

/** What each example plans: the change's action and its operations, or nothing (and why). */
const EXPECTED: Record<string, { action: "open" | "update"; ops: string[]; assignees?: string[] } | { nothing: RegExp }> = {
  "secret_scanning_alert_location.created.json": { action: "open", ops: ["create-issue"], assignees: ["octocat"] },
  "secret_scanning_alert.created.json": { action: "open", ops: ["create-issue"] },
  "secret_scanning_alert.reopened.json": { action: "open", ops: ["create-issue"] },
  "secret_scanning_alert.validated.json": { action: "open", ops: ["create-issue"] },
  "secret_scanning_alert.publicly_leaked.json": { action: "open", ops: ["create-issue"] },
  "secret_scanning_alert.resolved.json": { nothing: /^no issue known offline: .*resolved: no open issue/ },
  "secret_scanning_alert.assigned.json": { nothing: /^no issue known offline: / },
  "issues.closed.json": { action: "update", ops: ["resolve-alert", "update-issue", "comment"] },
  "issue_comment.created.json": { action: "update", ops: ["comment"] },
  "repository_dispatch.nhi-alert.json": { action: "open", ops: ["create-issue"] },
  "personal_access_token_request.created.json": { action: "open", ops: ["create-issue"] },
  "personal_access_token_request.approved.json": { action: "open", ops: ["create-issue"] },
  "personal_access_token_request.denied.json": { nothing: /^no issue known offline: .*was denied; no issue was opened for it/ },
  "personal_access_token_request.cancelled.json": { nothing: /^no issue known offline: .*was cancelled; no issue was opened for it/ },
  "installation.created.json": { nothing: /^no open alert known offline: / },
  "installation_repositories.added.json": { nothing: /^no open alert known offline: / },
};

const files = readdirSync(payloads).filter((f) => f.endsWith(".json"));

describe("plan: every example payload", () => {
  it("has an expectation here, and every event the App handles has an example", () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const event of ROUTED_EVENTS)
      expect(
        files.some((f) => f.startsWith(`${event}.`)),
        event,
      ).toBe(true);
  });

  it.each(files)("%s plans the change the App would make", async (file) => {
    const { code, out, err } = await plan(file);
    expect(err).toBe("");
    expect(code).toBe(0);
    const payload = JSON.parse(readFileSync(join(payloads, file), "utf8")) as { action: string };
    expect(out!.event).toBe(`${file.split(".")[0]}.${payload.action}`);
    expect(out!.dryRun).toBe(true);
    const expected = EXPECTED[file]!;
    if ("nothing" in expected) {
      expect(out!.changes).toEqual([]);
      expect(out!.nothing).toMatch(expected.nothing);
      expect(out!.offline.length).toBeGreaterThan(0);
    } else {
      expect(out!.nothing).toBeUndefined();
      expect(out!.changes).toHaveLength(1);
      const [change] = out!.changes;
      expect(change!.action).toBe(expected.action);
      const ops = change!.operations.map((o) => o.op);
      for (const op of expected.ops) expect(ops, change!.summary).toContain(op);
      if (expected.action === "update") expect(ops).not.toContain("create-issue");
      if (expected.assignees) expect(change!.assignees).toEqual(expected.assignees);
    }
    // GitHub's example carries a placeholder secret: it is never printed.
    expect(JSON.stringify(out)).not.toContain("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX-us2");
  });

  it("a resolved alert never plans opening an issue; it would close the issue the App finds", async () => {
    const { out } = await plan("secret_scanning_alert.resolved.json");
    expect(out!.changes).toEqual([]);
    expect(JSON.stringify(out)).not.toMatch(/Revoke or rotate it now|create-issue/);
    expect(out!.offline.join("\n")).toContain("whether acme/api has an issue for secret-scanning:acme/api#42: none known offline");
  });

  describe("--issue: a response issue that exists, as GitHub's REST API returns it", () => {
    // The issue of examples/payloads/issues.closed.json (written by nhi-steward[bot], alert #42), still open.
    const issueFile = (change: (issue: Record<string, unknown>) => void = () => {}) => {
      const issue = JSON.parse(readFileSync(join(payloads, "issues.closed.json"), "utf8")).issue as Record<string, unknown>;
      Object.assign(issue, { state: "open", closed_at: null, state_reason: null });
      issue.labels = (issue.labels as { name: string }[]).filter((l) => !l.name.startsWith("resolution:"));
      change(issue);
      const dir = mkdtempSync(join(tmpdir(), "nhi-plan-issue-"));
      const path = join(dir, "issue.json");
      writeFileSync(path, JSON.stringify(issue));
      return path;
    };

    it("a resolved alert plans closing that issue instead of finding none", async () => {
      const { code, out } = await plan("secret_scanning_alert.resolved.json", ["--issue", issueFile()]);
      expect(code).toBe(0);
      expect(out!.nothing).toBeUndefined();
      const [change] = out!.changes;
      expect(change!.operations).toContainEqual(expect.objectContaining({ op: "update-issue", state: "closed" }));
      expect(out!.offline.join("\n")).not.toContain("whether acme/api has an issue for secret-scanning:acme/api#42");
    });

    it("an issue someone else wrote is refused, with why and what to pass instead", async () => {
      const forged = issueFile((issue) => {
        issue.user = { login: "mallory", id: 66, type: "User" };
        issue.performed_via_github_app = null;
      });
      const { code, out, err } = await plan("secret_scanning_alert.resolved.json", ["--issue", forged]);
      expect(code).toBe(1);
      expect(out).toBeNull();
      expect(err).toMatch(/is not one of nhi-steward's response issues .*written by @mallory, not by nhi-steward\[bot\]/);
    });

    it("a file that is not an issue says what to pass", async () => {
      const { code, err } = await plan("secret_scanning_alert.resolved.json", [
        "--issue",
        issueFile((issue) => delete issue.repository_url),
      ]);
      expect(code).toBe(1);
      expect(err).toContain("gh api repos/OWNER/REPO/issues/N");
    });
  });

  it("a comment on the issue in the payload: /ack by its owner is acknowledged", async () => {
    const { out } = await plan("issue_comment.created.json");
    const [change] = out!.changes;
    expect(change!.summary).toBe("acknowledge secret-scanning:acme/api#42");
    expect(change!.operations.find((o) => o.op === "comment")!.body).toMatch(/^Acknowledged by @octocat\./);
  });

  it("closing the issue with resolution:revoked resolves the alert; its validity now cannot be known offline, and the output says so", async () => {
    const { out } = await plan("issues.closed.json");
    const [change] = out!.changes;
    expect(change!.operations.find((o) => o.op === "resolve-alert")).toMatchObject({ resolution: "revoked" });
    expect(out!.offline.join("\n")).toContain("acme/api alert#42 as GitHub has it now");
  });

  it("--app-slug decides whose issues are records: another app's slug makes the payload's issue a look-alike", async () => {
    for (const file of ["issue_comment.created.json", "issues.closed.json"]) {
      const { code, out } = await plan(file, ["--app-slug", "other-app"]);
      expect(code).toBe(0);
      expect(out!.changes).toEqual([]);
      expect(out!.nothing).toContain(
        "not an nhi-steward record: it was written by @nhi-steward[bot] (app nhi-steward), not by other-app[bot]",
      );
    }
    // NHI_APP_SLUG names it too; --app-slug wins; `SLUG[bot]` is accepted.
    expect((await plan("issue_comment.created.json", [], { NHI_APP_SLUG: "other-app" })).out!.changes).toEqual([]);
    expect(
      (await plan("issue_comment.created.json", ["--app-slug", "nhi-steward[bot]"], { NHI_APP_SLUG: "other-app" })).out!.changes,
    ).toHaveLength(1);
    expect((await plan("issue_comment.created.json", ["--app-slug", "no/slug"])).code).toBe(2);
  });

  it("an action the App does not handle is planned as nothing, naming the actions it does", async () => {
    const io = rootIo();
    expect(await main(["plan", "--event-name", "issues", "--payload", "examples/payloads/issue_comment.created.json"], io)).toBe(0);
    const out = JSON.parse(io.out()) as Planned;
    expect(out).toMatchObject({
      event: "issues.created",
      changes: [],
      nothing: "the App does not handle issues.created (it handles issues.closed).",
    });
  });
});

describe("docs/cli.md's plan example", () => {
  const readme = readFileSync(join(root, "docs/cli.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Command line"), readme.indexOf("\n## ", readme.indexOf("## Command line") + 1));

  it("runs as written against examples/ and exits 0", async () => {
    const commands = [...section.matchAll(/^npx nhi-steward plan (?:.*\\\n)*.*$/gm)]
      .map((m) => m[0].replace(/\\\n/g, " "))
      .filter((c) => c.includes("examples/"));
    expect(commands).toHaveLength(1);
    const argv = commands[0]!.trim().split(/\s+/).slice(2);
    const io = rootIo();
    expect(await main(argv, io)).toBe(0);
    expect(io.err()).toBe("");
    const out = JSON.parse(io.out()) as Planned;
    expect(out.changes[0]).toMatchObject({ action: "open", assignees: ["octocat"] });
  });

  it("names every event the App handles", () => {
    for (const event of ROUTED_EVENTS) expect(section).toContain(`\`${event}\``);
  });
});
