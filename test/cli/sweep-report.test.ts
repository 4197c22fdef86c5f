import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIo } from "../support/capture-io.ts";
import { deliver, PLANTED, startWorld, type World } from "../support/world.ts";

let world: World;
beforeAll(async () => {
  world = await startWorld();
  const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/a.sh", startLine: 1 }],
  }).number;
  await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
  world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "npm_access_token",
    secret: PLANTED.npm,
    locations: [{ path: "src/b.ts", startLine: 1 }],
  });
});
afterAll(async () => {
  expect(world.sandbox.validationErrors).toEqual([]);
  await world.close();
});

const env = () => ({ GITHUB_TOKEN: "ghs_cli", GITHUB_API_URL: world.sandbox.url, NHI_APP_SLUG: "nhi-steward" });

describe("nhi-steward sweep and report from a shell", () => {
  it("sweep --dry-run prints the plan and writes nothing", async () => {
    const io = captureIo({ env: env() });
    expect(await main(["sweep", "--repo", "acme/api", "--dry-run"], io)).toBe(0);
    const plan = JSON.parse(io.out());
    expect(plan.dryRun).toBe(true);
    expect(plan.changes.map((c: { action: string; status: string }) => `${c.action}:${c.status}`)).toContain("open:planned");
    expect(world.sandbox.requests.filter((r) => r.method !== "GET" && r.token === "ghs_cli")).toEqual([]);
  });

  it("report prints the metrics and writes Markdown, JSON and CSV", async () => {
    const out = mkdtempSync(join(tmpdir(), "nhi-report-"));
    const io = captureIo({ env: env() });
    expect(await main(["report", "--repo", "acme/api", "--days", "7", "--out", out], io)).toBe(0);
    expect(io.out()).toContain("nhi-steward report: acme/api, last 7 days");
    expect(readFileSync(join(out, "report.csv"), "utf8").split("\n")).toHaveLength(3); // header, one item, final newline
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))).toBeTypeOf("object");
  });

  it.each([
    [["sweep", "--repo", "acme/api", "--org", "acme"], "needs exactly one of --repo or --org"],
    [["report", "--org", "acme", "--days", "0"], "--days must be a whole number from 1 to 366"],
    [["sweep", "--repo", "not-a-repo"], "is not a repository name; write it as owner/name"],
  ])("%j explains the mistake", async (argv, message) => {
    const io = captureIo({ env: env() });
    expect(await main(argv, io)).toBe(2);
    expect(io.err()).toContain(message);
  });

  it("sweep --state keeps a state file, and the next sweep with it reads only what changed", async () => {
    // The CLI runs on the real clock: GitHub (the sandbox) must agree on what "a day ago" means.
    world.clock.advance(Math.max(0, Date.now() - world.clock.now().getTime()));
    const file = join(mkdtempSync(join(tmpdir(), "nhi-cli-state-")), "state.jsonl");
    const first = captureIo({ env: env() });
    expect(await main(["sweep", "--repo", "acme/api", "--dry-run", "--state", file], first)).toBe(0);
    expect(first.err()).toContain("sweep state: no state from an earlier sweep; this sweep reads everything.");
    expect(existsSync(file)).toBe(true);
    world.clock.advance(5 * 60_000);
    const mark = world.sandbox.requests.length;
    const second = captureIo({ env: env() });
    expect(await main(["sweep", "--repo", "acme/api", "--dry-run", "--state", file], second)).toBe(0);
    expect(second.err()).toContain("sweep state: reading only what changed since the last sweep");
    expect(JSON.parse(second.out()).changes.map((c: { action: string }) => c.action)).toEqual(
      JSON.parse(first.out()).changes.map((c: { action: string }) => c.action),
    );
    const alertList = world.sandbox.requests.slice(mark).filter((r) => r.path === "/repos/acme/api/secret-scanning/alerts");
    expect(alertList.map((r) => r.query.sort)).toEqual(["updated"]);
  });

  it("with an installation token and no --app-slug, says how to name the app instead of guessing which issues are its own", async () => {
    const io = captureIo({ env: { GITHUB_TOKEN: "ghs_cli", GITHUB_API_URL: world.sandbox.url } });
    expect(await main(["sweep", "--repo", "acme/api", "--dry-run"], io)).toBe(2);
    expect(io.err()).toContain("nhi-steward cannot tell which account it writes as (GET /user answered 403)");
    expect(io.err()).toContain("the CLI's `--app-slug`");
  });

  it("with a person's token, acts as that person: the app's issues are not theirs", async () => {
    world.sandbox.state.addToken("ghp_erin_cli", "erin");
    const io = captureIo({ env: { GITHUB_TOKEN: "ghp_erin_cli", GITHUB_API_URL: world.sandbox.url } });
    expect(await main(["report", "--repo", "acme/api"], io)).toBe(0);
    expect(io.err()).toContain(
      "carries an nhi-steward marker but is not an nhi-steward record: it was written by @nhi-steward[bot] (app nhi-steward), not by erin",
    );
  });

  it("says which variable to set when there is no token", async () => {
    const io = captureIo({ env: {} });
    expect(await main(["report", "--repo", "acme/api"], io)).toBe(2);
    expect(io.err()).toContain("Set GITHUB_TOKEN");
  });
});
