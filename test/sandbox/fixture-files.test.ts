/**
 * Every webhook payload stored as a file, checked against GitHub's webhook schemas
 * (@octokit/openapi-webhooks) the way the sandbox checks its own deliveries: the sample payloads in
 * examples/payloads/ (`<event>.<action>.json`, what README's `plan` example uses) and any
 * webhook-shaped JSON under test/. Each must match exactly: no departure is tolerated, and an alert
 * carries no field the schema does not name (GitHub's own example adds `state` and a placeholder
 * `secret`; the samples leave them out, as GitHub's deliveries do). (test/fixtures/webhooks.ts builds payloads in code; those are
 * checked in webhook-schemas.test.ts.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkWebhookPayload } from "../../src/sandbox/webhooks.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** A JSON object shaped like a webhook delivery: an `action` and the envelope GitHub adds. */
function isWebhook(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.action === "string" && ("repository" in v || "installation" in v || "sender" in v);
}

const samples = files(join(root, "examples/payloads"), /\.json$/).map((f) => relative(join(root, "examples/payloads"), f));

describe("examples/payloads", () => {
  it("holds a sample of every event the App plans", () => {
    const events = new Set(samples.map((f) => f.split(".")[0]));
    for (const e of [
      "secret_scanning_alert",
      "secret_scanning_alert_location",
      "issues",
      "issue_comment",
      "repository_dispatch",
      "installation",
    ])
      expect(events, e).toContain(e);
  });

  it.each(samples)("%s matches GitHub's webhook schema for its event and action", (file) => {
    const [event, action] = file.split(".") as [string, string];
    const payload = JSON.parse(readFileSync(join(root, "examples/payloads", file), "utf8")) as Record<string, unknown>;
    expect(payload.action).toBe(action);
    expect(checkWebhookPayload(event, payload)).toEqual([]);
  });
});

describe("JSON under test/", () => {
  it("every webhook-shaped file is named `<event>.<action>.json` and matches GitHub's schema", () => {
    const json = files(join(root, "test"), /\.json$/);
    expect(json.length).toBeGreaterThan(0);
    for (const file of json) {
      const value: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (!isWebhook(value)) continue;
      const [event, action] = file.split("/").pop()!.split(".") as [string, string];
      expect(value.action, file).toBe(action);
      expect(checkWebhookPayload(event, value), file).toEqual([]);
    }
  });

  it("recognises a webhook-shaped file (so the check above cannot pass by finding none)", () => {
    expect(isWebhook(JSON.parse(readFileSync(join(root, "examples/payloads/issues.closed.json"), "utf8")))).toBe(true);
    expect(isWebhook(JSON.parse(readFileSync(join(root, "test/fixtures/findings/gitleaks-report.json"), "utf8")))).toBe(false);
  });
});
