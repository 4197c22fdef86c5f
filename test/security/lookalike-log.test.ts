/**
 * A look-alike issue (a person's copy of a record, marker and label included) is reported once per
 * process, not on every event: commenting on it again and again cannot fill the App's log.
 */
import { expect, it } from "vitest";
import { asUser, comment, deliver, PLANTED, responseIssues, worldsStartedInTests } from "../support/world.ts";

const startWorld = worldsStartedInTests();

it("comments on a look-alike are ignored, and it is reported once", async () => {
  const w = await startWorld();
  const n = w.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  await deliver(w, "secret_scanning_alert", "created", "acme/api", n);
  const [real] = responseIssues(w, "acme/api");
  const fake = (await asUser(w, "mallory", "POST", "/repos/acme/api/issues", {
    title: real!.title,
    body: real!.body,
    labels: ["nhi-response"],
  })) as { number: number };

  for (const text of ["/ack", "/snooze 3d fine", "/resolve false-positive test data"])
    expect(await comment(w, "acme/api", fake.number, "mallory", text)).toBe(200);

  const warnings = w.log.lines.filter((l) => l.message.includes(`acme/api#${fake.number} carries an nhi-steward marker`));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]!.level).toBe("warn");
  expect(w.sandbox.state.alert("acme", "api", n)!.state).toBe("open");
});
