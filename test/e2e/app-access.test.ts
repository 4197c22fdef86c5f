import { beforeEach, describe, expect, it } from "vitest";
import { responseIssues, sweepAsAction, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.setFile(
    "acme",
    ".github",
    ".github/nhi-steward.yml",
    'fallback_owner: "@acme/security"\napp_access:\n  approved_apps: [dependabot-like]\n',
  );
  world.sandbox.state.setOrgAppInstallation("acme", { id: 501, appSlug: "ci-helper", permissions: { contents: "read", metadata: "read" } });
});

const sweepOrg = () => sweepAsAction(world);
const grants = () => responseIssues(world, "acme/.github").filter((i) => i.title.startsWith("Risky GitHub App"));
const inventory = () => world.sandbox.state.listIssues("acme", ".github").filter((i) => i.labels.includes("nhi-steward:inventory"));

describe("app installations diffed against the inventory issue", () => {
  it("records a baseline, then raises exactly one alert per new risky grant, and none when re-run", async () => {
    await sweepOrg();
    expect(inventory()).toHaveLength(1);
    expect(grants()).toEqual([]);

    world.sandbox.state.setOrgAppInstallation("acme", {
      id: 502,
      appSlug: "shady-deployer",
      permissions: { administration: "write", contents: "write" },
    });
    world.sandbox.state.setOrgAppInstallation("acme", { id: 503, appSlug: "dependabot-like", permissions: { contents: "write" } });
    await sweepOrg();
    expect(grants().map((i) => i.title)).toEqual(["Risky GitHub App “shady-deployer” installation in acme (app installation #502)"]);
    expect(grants()[0]!.body).toContain("shady-deployer was installed with administration: write, contents: write");
    expect(grants()[0]!.assignees).toEqual(["erin"]);
    expect(grants()[0]!.body).toContain("### Risky app access or token grant");

    await sweepOrg();
    expect(grants()).toHaveLength(1);
    expect(inventory()).toHaveLength(1);

    world.sandbox.state.setOrgAppInstallation("acme", {
      id: 501,
      appSlug: "ci-helper",
      permissions: { contents: "write", metadata: "read" },
    });
    await sweepOrg();
    expect(grants().map((i) => i.title)).toContain("Risky GitHub App “ci-helper” permission increase in acme (app installation #501)");
    expect(grants()).toHaveLength(2);
  });
});
