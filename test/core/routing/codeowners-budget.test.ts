import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import { parseCodeowners } from "../../../src/core/codeowners/index.ts";
import { matchWork } from "../../../src/core/glob.ts";
import { classify } from "../../../src/core/policy/classify.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { CODEOWNERS_MATCH_BUDGET, ownerCandidates } from "../../../src/core/routing/candidates.ts";
import { rawAlert } from "../../fixtures/webhooks.ts";

/**
 * Control: no delivery blocks the event loop (docs/threat-model.md, "Matching"). Each CODEOWNERS
 * line is polynomial, but a file of GitHub's maximum size made only of costly lines is not cheap
 * for a 4 KB path; routing bounds the work per path and says so instead of stalling.
 * Proven by removing the budget in candidates.ts: the first test then fails (4.6 million steps, all lines tried).
 */
// As in the `adversarial-3MB-file` row of bench:codeowners, a few thousand lines instead of 60,000.
const path = `${"a/".repeat(1023)}b`;
const costly = Array.from({ length: 3000 }, (_, i) =>
  i % 2 === 0 ? `${"**/a/".repeat(6)}**/x${i}/**/b/ @acme/t` : `**/${"*a".repeat(10)}*x${i}* @acme/t`,
).join("\n");

function candidatesFor(text: string) {
  const alert = normalizeSecretScanningAlert(rawAlert(), { owner: "acme", name: "api" }, "private", [
    { type: "commit", path, startLine: 1 } as never,
  ]);
  const policy = policyFrom({ fallback_owner: "@acme/security" });
  return ownerCandidates(alert, {
    codeowners: parseCodeowners(text, { path: ".github/CODEOWNERS" }),
    policy,
    classification: classify(alert, policy),
    properties: null,
  });
}

describe("CODEOWNERS work per path is bounded", () => {
  it("a file of costly lines stops at the budget, names no owner and says why", () => {
    const before = matchWork.steps;
    const { notes, steps } = candidatesFor(`* @acme/platform\n${costly}\n`);
    expect(matchWork.steps - before).toBeLessThanOrEqual(CODEOWNERS_MATCH_BUDGET + 1);
    expect(steps.some((s) => s.source === "codeowners")).toBe(false);
    expect(notes.join("\n")).toContain("is too costly to match against");
  });

  it("an ordinary file is matched as always", () => {
    const { steps } = candidatesFor("* @acme/platform\n/a/ @alice\n");
    expect(steps.find((s) => s.source === "codeowners")?.why).toBe(".github/CODEOWNERS line 2: `/a/ @alice`");
  });
});
