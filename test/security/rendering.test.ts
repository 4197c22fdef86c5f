// Control: rendering that cannot be abused. Text from outside (a committed file path, a detector's
// report, a repository_dispatch alert) reaches issues escaped: it cannot plant a marker the parser
// reads (the marker is read only from the body's last line, src/core/issue/marker.ts), mention a
// user or team, or inject a link or an image (src/core/issue/markdown.ts, used by render.ts).
// End to end: the app (webhooks and repository_dispatch) and the Action run from its sources.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runActionBundle, type ActionRun } from "../../src/action/local-runner.ts";
import { decodeMarker, markerKeys } from "../../src/core/issue/marker.ts";
import { nhiAlert } from "../fixtures/findings/dispatch.ts";
import { asUser, deliver, dispatchPayload, PLANTED, responseIssues, sendWebhook, worldPerTest } from "../support/world.ts";

const runs: ActionRun[] = [];
const world = worldPerTest({ extra: () => runs.map((r) => r.stdout + r.summary).join("") });
beforeEach(() => {
  runs.length = 0;
});

/** An issue's body as the sandbox holds it ("" when it has none). */
const bodyOf = (issue: { body?: string | null }) => issue.body ?? "";

/** A marker as an attacker would plant it: it names another alert. */
const planted = (key: string) => `<!-- nhi-steward:v1 {"v":1,"key":"${key}","repo":"acme/api","alert":2} -->`;

/**
 * What GitHub renders and acts on: the body without its marker line (an HTML comment) and without
 * code spans (where nothing is a mention, a link or HTML).
 */
function live(body: string): string {
  const lines = body.trimEnd().split("\n");
  expect(lines.at(-1)).toMatch(/^<!-- nhi-steward:v1 \{.*\} -->$/);
  return lines
    .slice(0, -1)
    .join("\n")
    .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, "");
}

/** The destinations of the Markdown links in a body. */
const linkTargets = (md: string) => [...md.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1]!);

/** A body as a hostile dispatch or report could bend it: no mention of the teams, no image, no link elsewhere. */
function expectInert(body: string, allowedHosts: string[]): void {
  const text = live(body);
  expect(text).not.toMatch(/@acme\/(security|platform)/);
  expect(text).not.toMatch(/(^|[^\\])!\[/);
  expect(text).not.toMatch(/<(img|form|a |script|details open)/i);
  // Only our own marker: nothing else in the raw body looks like one.
  expect(body.split("<!-- nhi-steward:v1").length).toBe(2);
  for (const target of linkTargets(text)) {
    expect(target).not.toMatch(/[\s()<>]/);
    const url = new URL(target);
    expect(["http:", "https:"]).toContain(url.protocol);
    expect(allowedHosts).toContain(url.hostname);
  }
}

describe("a planted marker in a committed file path", () => {
  it("is never read: the issue's marker names its own alert, and the alert it names still gets its own issue", async () => {
    const s = world.sandbox.state;
    const path = `src/${planted("secret-scanning:acme/api#2")}.env`;
    const first = s.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: PLANTED.pat,
      locations: [{ path, startLine: 3 }],
    });
    await deliver(world, "secret_scanning_alert", "created", "acme/api", first.number);

    const [issue] = responseIssues(world, "acme/api");
    expect(decodeMarker(bodyOf(issue!))).toMatchObject({ key: `secret-scanning:acme/api#${first.number}`, alert: first.number });
    expect(markerKeys(bodyOf(issue!))).toEqual([`secret-scanning:acme/api#${first.number}`]);
    // The path is shown, in a code span, with its marker look-alike broken in the raw text too.
    expect(bodyOf(issue!)).toContain("src/<\u200b!-- nhi-steward:v1");
    expect(bodyOf(issue!).split("<!-- nhi-steward:v1").length).toBe(2);

    // Someone who can edit the issue puts a marker for alert #2 above ours, as raw text.
    const edited = `${planted("secret-scanning:acme/api#2")}\n\n${bodyOf(issue!)}`;
    await asUser(world, "alice", "PATCH", `/repos/acme/api/issues/${issue!.number}`, { body: edited });
    expect(markerKeys(edited)).toEqual([`secret-scanning:acme/api#${first.number}`]);

    // The alert the planted markers name arrives: it gets its own issue; the first alert keeps its one issue.
    const second = s.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      locations: [{ path: "infra/deploy.sh", startLine: 1 }],
    });
    expect(second.number).toBe(2);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", second.number);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", first.number);
    const issues = responseIssues(world, "acme/api");
    expect(issues.map((i) => decodeMarker(bodyOf(i))!.key).sort()).toEqual(["secret-scanning:acme/api#1", "secret-scanning:acme/api#2"]);
    expect(decodeMarker(issues.find((i) => i.number === issue!.number)!.body)!.key).toBe(`secret-scanning:acme/api#${first.number}`);
  });
});

/** An nhi-alert whose identity name mentions two teams and whose links try to escape and add images. */
const hostileDispatch = () =>
  nhiAlert({
    identity: {
      class: "cloud-access-key",
      name: "@acme/security @acme/platform deployer",
      provider: "Amazon AWS @acme/platform",
      identifier: "arn:aws:iam::123456789012:user/deployer",
    },
    resource: {
      repository: "acme/api",
      system: "@acme/security ![s](https://evil.example/s.png)",
      url: "https://console.aws.amazon.com/iam/home#/users/deployer",
    },
    locations: [
      {
        path: `infra/${planted("secret-scanning:acme/api#1")} @acme/platform.tf`,
        line: 8,
        url: "https://github.com/acme/api/blob/4f9c2b7/infra/main.tf)![x](https://evil.example/x.png",
      },
    ],
    links: [
      {
        title: "Runbook](https://evil.example/phish) ![x](https://evil.example/x.png) [more",
        url: "https://wiki.example.com/nhi/aws)![x](https://evil.example/x.png",
      },
    ],
    source: { name: "wiz", id: "wiz-issue-1", url: "https://app.wiz.io/issues/1)![x](https://evil.example/x.png" },
  });

const POLICY = 'fallback_owner: "@bob"\nowners:\n  - match: { identity_classes: [cloud-access-key, generic] }\n    owners: ["@bob"]\n';
const HOSTS = ["github.com", "app.wiz.io", "wiki.example.com", "console.aws.amazon.com"];

describe("a hostile repository_dispatch or detector report", () => {
  it("through the app: no live mention of @acme/security or @acme/platform, no injected link or image, the right marker", async () => {
    world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
    expect(await sendWebhook(world, "repository_dispatch", dispatchPayload(world, "acme/api", hostileDispatch()))).toBe(200);

    const [issue] = responseIssues(world, "acme/api");
    expect(issue).toBeDefined();
    expect(issue!.assignees).toEqual(["bob"]);
    expect(markerKeys(bodyOf(issue!))).toEqual([decodeMarker(bodyOf(issue!))!.key]);
    expect(decodeMarker(bodyOf(issue!))!.key).toMatch(/^dispatch:acme\/api@/);
    expectInert(bodyOf(issue!), HOSTS);
    // Still shown: the name (escaped), and the links, each one link to its own host.
    expect(bodyOf(issue!)).toContain("@\u200bacme/security @\u200bacme/platform deployer");
    expect(linkTargets(live(bodyOf(issue!)))).toEqual(
      expect.arrayContaining([
        "https://wiki.example.com/nhi/aws%29!%5Bx%5D%28https://evil.example/x.png",
        "https://app.wiz.io/issues/1%29!%5Bx%5D%28https://evil.example/x.png",
      ]),
    );
    // The title is plain text on one line.
    expect(issue!.title).not.toMatch(/[\r\n]/);
  });

  it("through the Action (an alert input, and a gitleaks report with a planted marker in File and a bad Link)", async () => {
    world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
    const source = join(process.cwd(), "src/action/index.ts");
    const dispatched = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/api",
      event: "workflow_dispatch",
      inputs: { token: "ghs_x", alert: JSON.stringify(hostileDispatch()) },
      bundle: source,
    });
    runs.push(dispatched);
    expect(dispatched.code).toBe(0);

    const report = join(mkdtempSync(join(tmpdir(), "nhi-security-")), "gitleaks.json");
    const finding = {
      RuleID: "generic-api-key",
      Description: "@acme/security [x](https://evil.example/)",
      File: `config/${planted("secret-scanning:acme/api#1")}.env`,
      StartLine: 4,
      Commit: "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b",
      Link: "https://github.com/acme/api/blob/4f9c2b7/config/app.env)![x](https://evil.example/x.png",
      Secret: PLANTED.npm,
      Match: `TOKEN=${PLANTED.npm}`,
      Fingerprint: "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b:config/app.env:generic-api-key:4",
    };
    writeFileSync(report, JSON.stringify([finding]));
    const scanned = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/api",
      event: "push",
      inputs: { token: "ghs_x", findings: report },
      bundle: source,
    });
    runs.push(scanned);
    expect(scanned.code).toBe(0);

    const issues = responseIssues(world, "acme/api");
    expect(issues).toHaveLength(2);
    for (const issue of issues) {
      expectInert(bodyOf(issue), HOSTS);
      expect(markerKeys(bodyOf(issue))).toHaveLength(1);
      expect(markerKeys(bodyOf(issue))[0]).toMatch(/^(dispatch|gitleaks):acme\/api@/);
    }
  });
});
