import { describe, expect, it } from "vitest";
import { classify } from "../../../src/core/policy/classify.ts";
import { PROVIDER_CLASSES, RUNBOOKS, SECRET_TYPE_CLASSES } from "../../../src/core/policy/default-pack.generated.ts";
import { IDENTITY_CLASSES } from "../../../src/core/policy/identity-classes.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";

describe("the default policy pack", () => {
  it("maps every secret type it lists to a class that has a runbook with a checklist", () => {
    const types = Object.entries(SECRET_TYPE_CLASSES);
    expect(types.length).toBeGreaterThan(300);
    for (const [type, cls] of types) {
      expect(IDENTITY_CLASSES, type).toContain(cls);
      expect(RUNBOOKS[cls], type).toMatch(/## Do now\n- \[ \] /);
    }
    for (const cls of Object.values(PROVIDER_CLASSES)) expect(IDENTITY_CLASSES).toContain(cls);
  });

  it.each([
    ["github_personal_access_token", "personal-access-token"],
    ["github_oauth_access_token", "oauth-token"],
    ["aws_access_key_id", "cloud-access-key"],
    ["npm_access_token", "ci-cd-token"],
    ["slack_incoming_webhook_url", "webhook-secret"],
    ["stripe_api_key", "api-key"],
    ["postgres_connection_string", "database-credential"],
    ["rsa_private_key", "private-key"],
  ])("classifies GitHub's %s as %s", (secretType, cls) => {
    expect(classify({ secretType, provider: null }).identityClass).toBe(cls);
  });

  it("falls back to the provider, then to generic, and says so", () => {
    expect(classify({ secretType: "brand_new_pattern", provider: "Amazon AWS" })).toMatchObject({
      identityClass: "cloud-access-key",
      reason: expect.stringContaining("provider Amazon AWS"),
    });
    expect(classify({ secretType: "brand_new_pattern", provider: null })).toEqual({
      identityClass: "generic",
      reason: expect.stringContaining("treated as generic"),
    });
  });

  it("lets the policy map its own patterns", () => {
    const policy = policyFrom({ identity_classes: { "ci-cd-token": ["acme_deploy_key"] } });
    expect(classify({ secretType: "acme_deploy_key", provider: null }, policy)).toMatchObject({
      identityClass: "ci-cd-token",
      reason: expect.stringContaining("mapped by the policy"),
    });
  });
});
