import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { alertCreated, locationCreated } from "../fixtures/webhooks.ts";
import { captureIo } from "../support/capture-io.ts";

const dir = mkdtempSync(join(tmpdir(), "nhi-plan-"));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const codeowners = file("CODEOWNERS", "* @acme/platform\n/infra/ @alice\n");
const policy = file("policy.yml", 'fallback_owner: "@dave"\n');

describe("nhi-steward plan", () => {
  it("prints the issue the app would open for a location webhook, without network", async () => {
    const io = captureIo();
    const payload = file("loc.json", JSON.stringify(locationCreated("infra/deploy.sh", 12)));
    const code = await main(
      [
        "plan",
        "--event-name",
        "secret_scanning_alert_location",
        "--payload",
        payload,
        "--codeowners",
        codeowners,
        "--now",
        "2026-11-26T09:00:00Z",
      ],
      io,
    );
    expect(code).toBe(0);
    const plan = JSON.parse(io.out());
    expect(plan.dryRun).toBe(true);
    expect(plan.changes).toHaveLength(1);
    const [change] = plan.changes;
    expect(change).toMatchObject({
      alert: "secret-scanning:acme/api#12",
      repository: "acme/api",
      action: "open",
      assignees: ["alice"],
      why: `${codeowners} line 2: \`/infra/ @alice\``,
    });
    expect(change.operations[0].op).toBe("create-issue");
    expect(change.operations[0].body).toContain("`infra/deploy.sh` line 12");
    expect(change.operations[0].body).toContain('"openedAt":"2026-11-26T09:00:00.000Z"');
  });

  it("routes a created webhook by --path, and to the fallback from --policy when nothing matches", async () => {
    const payload = file("created.json", JSON.stringify(alertCreated()));
    const io = captureIo();
    expect(
      await main(
        [
          "plan",
          "--event-name",
          "secret_scanning_alert",
          "--payload",
          payload,
          "--codeowners",
          file("co2", "/infra/ @alice\n"),
          "--policy",
          policy,
          "--path",
          "web/app.js:3",
        ],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(io.out()).changes[0]).toMatchObject({ assignees: ["dave"], why: "fallback owner `@dave` from the policy" });
  });

  it.each([
    [["plan"], 2, "plan needs --event-name and --payload"],
    [["plan", "--event-name", "push", "--payload", "x"], 2, "is not an event nhi-steward handles"],
    [["plan", "--event-name", "secret_scanning_alert", "--payload", "/nonexistent.json"], 1, "Could not read the payload"],
    [["plan", "--event-name", "secret_scanning_alert", "--payload", "p", "--now", "yesterday"], 2, "is not an ISO 8601 instant"],
    [["plan", "--bogus"], 2, "Unknown option"],
    [["frobnicate"], 2, 'Unknown command "frobnicate"'],
  ])("%j exits %i saying %s", async (argv, exit, message) => {
    const io = captureIo();
    expect(await main(argv, io)).toBe(exit);
    expect(io.err()).toContain(message);
  });

  it("explains a malformed payload instead of crashing", async () => {
    const io = captureIo();
    const payload = file(
      "bad.json",
      JSON.stringify({ action: "created", alert: { secret_type: "x" }, repository: { name: "api", owner: { login: "acme" } } }),
    );
    expect(await main(["plan", "--event-name", "secret_scanning_alert", "--payload", payload], io)).toBe(1);
    expect(io.err()).toContain("alert.number");
  });
});
