import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runActionBundle, type ActionRun } from "../../src/action/local-runner.ts";
import { checkWebhookPayload } from "../../src/sandbox/webhooks.ts";
import { PLANTED, responseIssues, type World, worldsStartedInTests } from "../support/world.ts";

const documented = createRequire(import.meta.url)("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, unknown>[];
}[];

/**
 * A GitHub that refuses the requests `refuse` matches as it refuses a token (status and GitHub's
 * message), and passes the others to `upstream` (the sandbox) when given: the workflow's
 * GITHUB_TOKEN reads the repository but not its secret scanning alerts.
 */
async function refusingGitHub(
  status: number,
  message: string,
  options: { refuse?: RegExp; upstream?: string } = {},
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (options.upstream && !(options.refuse ?? /.*/).test(req.url ?? "")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([k, v]) => typeof v === "string" && !["host", "content-length", "connection"].includes(k)),
        ) as Record<string, string>;
        void fetch(`${options.upstream}${req.url}`, {
          method: req.method!,
          headers,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
        }).then(async (r) => {
          res.writeHead(
            r.status,
            Object.fromEntries(
              [...r.headers].filter(([k]) => !["content-encoding", "content-length", "transfer-encoding", "connection"].includes(k)),
            ),
          );
          res.end(Buffer.from(await r.arrayBuffer()));
        });
      });
      return;
    }
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ message, documentation_url: "https://docs.github.com/rest", status: String(status) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const TOKEN = "ghs_e2eTOKENvalue0123456789";
const startWorld = worldsStartedInTests();
let github: Awaited<ReturnType<typeof refusingGitHub>> | null = null;
const runs: ActionRun[] = [];
afterEach(async () => {
  // Whatever went wrong, the token is never printed (but to the runner, to mask it: `::add-mask::`).
  for (const r of runs)
    expect(
      r.stdout
        .split("\n")
        .filter((l) => !l.startsWith("::add-mask::"))
        .join("\n") + JSON.stringify(r.outputs),
    ).not.toContain("TOKENvalue");
  runs.length = 0;
  await github?.close();
  github = null;
});

async function action(
  apiUrl: string,
  inputs: Record<string, string>,
  options: { repository?: string; event?: string } = {},
): Promise<ActionRun> {
  const run = await runActionBundle({
    apiUrl,
    repository: options.repository ?? "acme/api",
    event: options.event ?? "schedule",
    inputs: { token: TOKEN, ...inputs },
  });
  runs.push(run);
  return run;
}

/** The step's failure line (`::error::…`). */
const failure = (run: ActionRun) =>
  run.stdout
    .split("\n")
    .filter((l) => l.startsWith("::error::"))
    .join("\n");

describe("the Action says what to do when it is set up wrong (dist/index.js)", () => {
  it("the workflow's GITHUB_TOKEN: secret scanning alerts are not accessible, use an App installation token", async () => {
    const world = await startWorld();
    github = await refusingGitHub(403, "Resource not accessible by integration", {
      refuse: /\/secret-scanning\//,
      upstream: world.sandbox.url,
    });
    const run = await action(github.url, {});
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain(
      "GitHub answered 403 (Resource not accessible by integration) to GET /repos/acme/api/secret-scanning/alerts.",
    );
    expect(failure(run)).toContain(
      "The workflow's GITHUB_TOKEN cannot read secret scanning alerts: pass an App installation token in input `token`",
    );
  });

  it("a wrong or expired token: 401 said as such", async () => {
    github = await refusingGitHub(401, "Bad credentials");
    const run = await action(github.url, {});
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain(
      "GitHub answered 401 (Bad credentials) to GET /repos/acme/api: the token is wrong, expired or revoked; pass a current App installation token in input `token`",
    );
  });

  it("a wrong token with findings: 401 fails the step, said once", async () => {
    github = await refusingGitHub(401, "Bad credentials");
    const report = join(mkdtempSync(join(tmpdir(), "nhi-findings-")), "gitleaks.json");
    writeFileSync(report, readFileSync("test/fixtures/findings/gitleaks-report.json", "utf8"));
    const run = await action(github.url, { findings: report }, { event: "push" });
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain("GitHub answered 401 (Bad credentials) to GET /repos/acme/api: the token is wrong, expired or revoked");
  });

  it("a findings file that is not there: names the input and the path, before any request", async () => {
    github = await refusingGitHub(500, "never asked");
    const path = join(tmpdir(), "nhi-no-such-dir", "gitleaks.json");
    const run = await action(github.url, { findings: path }, { event: "push" });
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain(
      `input \`findings\`: the file ${JSON.stringify(path)} does not exist: write the detector's report there in an earlier step`,
    );
    expect(github.requests).toEqual([]);
  });

  it("a token with a line break: refused without echoing it", async () => {
    github = await refusingGitHub(500, "never asked");
    const run = await action(github.url, { token: `${TOKEN}\nghs_secondTOKENvalue` });
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain("input `token` contains a line break or a space (not shown here)");
    expect(github.requests).toEqual([]);
  });

  it("an action of a routed event that no route handles (issues.opened): nothing to do, nothing asked", async () => {
    // GitHub's documented example of issues.opened (@octokit/webhooks-examples), which matches its webhook schema.
    const issueOpened = documented.find((e) => e.name === "issues")!.examples.find((p) => p.action === "opened")!;
    expect(checkWebhookPayload("issues", issueOpened)).toEqual([]);
    github = await refusingGitHub(500, "never asked");
    const run = await runActionBundle({
      apiUrl: github.url,
      repository: "acme/api",
      event: "issues",
      payload: issueOpened,
      inputs: { token: TOKEN },
    });
    runs.push(run);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("the issues event (opened) has nothing for it to do");
    expect(run.outputs.opened).toBe("0");
    expect(github.requests).toEqual([]);
  });

  it("a token pasted into app-slug: refused without echoing it", async () => {
    github = await refusingGitHub(500, "never asked");
    const run = await action(github.url, { "app-slug": TOKEN });
    expect(run.code).not.toBe(0);
    expect(failure(run)).toContain("app-slug is not a GitHub App slug");
    expect(failure(run)).toContain("It looks like a token");
  });
});

describe("the Action's step result and outputs (dist/index.js against the sandbox)", () => {
  function seed(w: World) {
    const s = w.sandbox.state;
    s.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: PLANTED.pat,
      validity: "active",
      locations: [{ path: "infra/deploy.sh", startLine: 12 }],
    });
    s.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      validity: "unknown",
      locations: [{ path: "src/config.ts", startLine: 4 }],
    });
    s.addSecretScanningAlert("acme", "site", {
      secretType: "npm_access_token",
      secret: PLANTED.npm,
      locations: [{ path: "index.html", startLine: 1 }],
    });
  }

  it("accepts dry-run: TRUE, as Actions reads YAML booleans", async () => {
    const world = await startWorld();
    seed(world);
    const run = await action(world.sandbox.url, { "dry-run": "TRUE" });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.outputs.plan!).dryRun).toBe(true);
    expect(world.sandbox.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("a finding that cannot be routed (unknown repository) fails the step", async () => {
    const world = await startWorld();
    const report = join(mkdtempSync(join(tmpdir(), "nhi-findings-")), "gitleaks.json");
    writeFileSync(report, readFileSync("test/fixtures/findings/gitleaks-report.json", "utf8"));
    const run = await action(world.sandbox.url, { findings: report }, { repository: "acme/no-such-repo", event: "push" });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/::error::gitleaks finding in acme\/no-such-repo: could not be routed/);
    expect(failure(run)).toMatch(/nhi-steward: \d+ finding\(s\) could not be handled; the log says why\./);
  });

  it("alerts come before the app inventory in max-operations, and `opened` counts response issues only", async () => {
    const world = await startWorld();
    seed(world);
    const first = await action(world.sandbox.url, { scope: "organization", "max-operations": "2" });
    expect(first.code).toBe(0);
    expect(first.outputs.opened).toBe("0");
    const changes = (run: ActionRun) => JSON.parse(run.outputs.plan!).changes as { alert: string; action: string; status: string }[];
    expect(
      changes(first)
        .filter((c) => c.alert.startsWith("secret-scanning:"))
        .map((c) => c.status),
    ).toEqual(["deferred", "deferred", "deferred"]);
    expect(
      changes(first)
        .filter((c) => c.alert.startsWith("inventory:"))
        .map((c) => c.status),
    ).toEqual(["deferred"]);
    expect(world.sandbox.requests.filter((r) => r.method === "POST" && r.path.endsWith("/issues"))).toEqual([]);
    const second = await action(world.sandbox.url, { scope: "organization" });
    expect(
      changes(second)
        .filter((c) => c.alert.startsWith("inventory:"))
        .map((c) => c.status),
    ).toEqual(["applied"]);
    expect(second.outputs.opened).toBe("3");
    expect([...responseIssues(world, "acme/api"), ...responseIssues(world, "acme/site")]).toHaveLength(3);
  });
});
