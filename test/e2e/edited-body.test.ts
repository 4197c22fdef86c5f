/**
 * A person edits a response issue's body on GitHub and writes below nhi-steward's marker (the web
 * editor shows the marker, and new notes go at the end). The issue stays nhi-steward's record: a
 * redelivery finds it instead of opening a second one, commands still work, and the clock still runs.
 */
import { expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { asUser, comment, deliver, PLANTED, responseIssues, sweepAsAction, worldsStartedInTests } from "../support/world.ts";

const startWorld = worldsStartedInTests();

const NOTE = "Rotated the token on Monday, waiting for the deploy. — alice";

it("a note written below the marker: no second issue, /ack applies, the sweep runs the clock", async () => {
  const w = await startWorld();
  const n = w.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  }).number;
  expect(await deliver(w, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
  const [opened] = responseIssues(w, "acme/api");
  expect(opened).toBeDefined();

  // alice edits the body in GitHub's editor and types her note at the end, below the marker.
  await asUser(w, "alice", "PATCH", `/repos/acme/api/issues/${opened!.number}`, { body: `${opened!.body}\n\n${NOTE}\n` });
  expect(responseIssues(w, "acme/api")[0]!.body!.trimEnd().endsWith(NOTE)).toBe(true);

  // A redelivery of the alert finds the issue: still one.
  w.clock.advance(60_000);
  expect(await deliver(w, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
  expect(responseIssues(w, "acme/api")).toHaveLength(1);

  // alice's /ack is applied to it.
  expect(await comment(w, "acme/api", opened!.number, "alice", "/ack")).toBe(200);
  expect(decodeMarker(responseIssues(w, "acme/api")[0]!.body)?.acknowledged?.by).toBe("alice");

  // A day later the sweep runs the clock on that issue (the body is nhi-steward's to re-render;
  // people's notes belong in comments) and opens nothing new.
  const before = decodeMarker(responseIssues(w, "acme/api")[0]!.body)!;
  w.clock.advance(26 * 60 * 60_000);
  await sweepAsAction(w);
  const after = responseIssues(w, "acme/api");
  expect(after).toHaveLength(1);
  const marker = decodeMarker(after[0]!.body)!;
  expect(marker.key).toBe(`secret-scanning:acme/api#${n}`);
  expect(marker.timeline.length).toBeGreaterThan(before.timeline.length);
  expect(after[0]!.body!.trimEnd().endsWith("-->")).toBe(true);
});
