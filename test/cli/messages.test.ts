/** What the CLI says about a user's own files names those files, where the problem is. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { locationCreated } from "../fixtures/webhooks.ts";
import { captureIo } from "../support/capture-io.ts";

const dir = mkdtempSync(join(tmpdir(), "nhi-messages-"));
const file = (name: string, content: string) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

describe("nhi-steward plan --codeowners FILE", () => {
  it("names FILE (not .github/CODEOWNERS) in the reason and in the lines it skipped", async () => {
    const owners = file("team-owners.txt", "/infra/ alice\n* @acme/platform\n/infra/deploy.sh @bob\n");
    const payload = file("location.json", JSON.stringify(locationCreated("infra/deploy.sh", 12)));
    const io = captureIo();
    expect(
      await main(
        [
          "plan",
          "--event-name",
          "secret_scanning_alert_location",
          "--payload",
          payload,
          "--codeowners",
          owners,
          "--now",
          "2026-11-26T09:00:00Z",
        ],
        io,
      ),
    ).toBe(0);
    const [change] = JSON.parse(io.out()).changes;
    expect(change.why).toBe(`${owners} line 3: \`/infra/deploy.sh @bob\``);
    expect(change.operations[0].body).toContain(`${owners} line 3`);
    expect(change.operations[0].body).toContain(`${owners} line 1 was skipped: Invalid owner \`alice\``);
    expect(io.out()).not.toContain(".github/CODEOWNERS line");
  });
});

describe("nhi-steward validate FILE", () => {
  it("reports a YAML syntax error at its line and column", async () => {
    const policy = file(
      "policy.yml",
      '# org policy\nfallback_owner: "@acme/security"\nteam_mentions: ["@acme/security"\nissues_in: alert-repository\n',
    );
    const io = captureIo();
    expect(await main(["validate", policy], io)).toBe(1);
    expect(io.out()).toMatch(
      new RegExp(
        `^${policy.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \\]\\.$`,
      ),
    );
  });

  it("says what to write for a missing key", async () => {
    const policy = file("targets.yml", "sla:\n  targets:\n    high: { acknowledge: 1h, remediate: 4h }\n");
    const io = captureIo();
    expect(await main(["validate", policy], io)).toBe(1);
    expect(io.out()).toBe(
      `${policy}:3:11: sla.targets.high.calendar is missing: write \`calendar: 24x7\` or \`calendar: business\`. Count round the clock, or only in \`sla.business_hours\`.`,
    );
  });
});
