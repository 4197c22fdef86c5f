import { readFileSync, rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lastMondayEvening } from "../../src/cli/commands/simulate.ts";
import { main } from "../../src/cli/main.ts";
import { captureIo } from "../support/capture-io.ts";

describe("nhi-steward simulate", () => {
  it("runs the app and the built Action against the demo organisation and shows who got what", async () => {
    const io = captureIo();
    expect(await main(["simulate"], io)).toBe(0);
    const out = io.out();
    expect(out).toContain("1. The app receives signed secret_scanning_alert webhooks for 3 alerts:");
    expect(out).toMatch(/exit 0; outputs: opened=\d+ updated=\d+/);
    expect(out).toContain("via Action");
    expect(out).toContain("→ @carol: .github/CODEOWNERS line 4");
    // The rest of the loop, on the virtual clock.
    expect(out).toMatch(
      /after hours: the sweep escalates \(Escalation L\d.*, to on-call: outside business hours\) and pages: [1-9]\d* page\(s\) sent/,
    );
    expect(out).toMatch(/\/ack by @\w+ → acknowledged at /);
    expect(out).toMatch(/a day later, the sweep: [1-9]\d* clock\(s\) advanced/);
    expect(out).toMatch(/closes it with resolution:revoked → issue closed; the alert on GitHub: resolved as revoked/);
    const report = /metrics report \(Markdown with Mermaid charts\): (\S+\.md)/.exec(out);
    expect(report).not.toBeNull();
    const markdown = readFileSync(report![1]!, "utf8");
    expect(markdown).toContain("```mermaid");
    rmSync(report![1]!);
    expect(out).toContain("Planted secret values found in issues, comments, labels, logs, pages, the report or the job summary: 0 of 5.");
    expect(out).not.toContain("Requests GitHub would have rejected");
  }, 60_000);

  it("tells the same story whatever day and hour it is run: it starts on the latest Monday at 22:55 UTC", () => {
    // Every hour of a week (the real clock decided which escalation levels had fired by 02:00 before).
    const monday = Date.parse("2026-11-30T22:55:00Z");
    for (let h = 0; h < 7 * 24; h++) {
      const now = new Date(monday + h * 3_600_000 + 60_000);
      expect(lastMondayEvening(now).toISOString()).toBe("2026-11-30T22:55:00.000Z");
    }
    expect(lastMondayEvening(new Date("2026-11-30T22:55:00Z")).toISOString()).toBe("2026-11-30T22:55:00.000Z");
    expect(lastMondayEvening(new Date("2026-11-30T22:54:00Z")).toISOString()).toBe("2026-11-23T22:55:00.000Z");
  });
});
