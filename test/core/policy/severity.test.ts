import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import type { Visibility } from "../../../src/core/alert/types.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { severityOf } from "../../../src/core/policy/severity.ts";
import { rawAlert } from "../../fixtures/webhooks.ts";

function sev(
  a: Parameters<typeof rawAlert>[0],
  visibility: Visibility = "private",
  policy: object = {},
  properties: Record<string, string> | null = null,
) {
  const alert = normalizeSecretScanningAlert(rawAlert(a), { owner: "acme", name: "api" }, visibility);
  return severityOf(
    alert,
    {
      source: "secret-scanning",
      secretType: alert.secretType,
      provider: null,
      identityClass: "personal-access-token",
      repo: "acme/api",
      path: null,
      visibility,
      properties,
    },
    policyFrom(policy),
  ).severity;
}

describe("severity", () => {
  it.each([
    [{ validity: "active", publicly_leaked: true }, "private", "critical"],
    [{ validity: "active" }, "public", "critical"],
    [{ validity: "active" }, "private", "high"],
    [{ validity: "unknown", publicly_leaked: true }, "private", "high"],
    [{ validity: "unknown" }, "public", "high"],
    [{ validity: "unknown", push_protection_bypassed: true }, "private", "high"],
    [{ validity: "unknown" }, "private", "medium"],
    [{ validity: "inactive" }, "public", "low"],
  ] as const)("%j in a %s repository is %s by default", (a, visibility, expected) => {
    expect(sev(a, visibility)).toBe(expected);
  });

  it("applies the policy's rules first, including repository properties, then its default", () => {
    const policy = {
      severity: {
        rules: [
          {
            when: { property: { name: "criticality", value: ["high", "critical"] }, validity: ["active", "unknown"] },
            severity: "critical",
          },
        ],
        default: "low",
      },
    };
    expect(sev({ validity: "unknown" }, "private", policy, { criticality: "high" })).toBe("critical");
    expect(sev({ validity: "unknown" }, "private", policy, { criticality: "low" })).toBe("low");
    expect(sev({ validity: "active" }, "private", policy, { criticality: "low" })).toBe("high");
  });
});
