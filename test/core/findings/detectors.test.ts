import { describe, expect, it } from "vitest";
import { describeDetector, detectorTable } from "../../../src/core/findings/detectors.ts";
import { PROVIDER_CLASSES, SECRET_TYPE_CLASSES } from "../../../src/core/policy/default-pack.generated.ts";

describe("detector table", () => {
  it.each(detectorTable())("%s agrees with the default policy pack", (_key, info) => {
    const packClass = SECRET_TYPE_CLASSES[info.secretType];
    if (packClass) expect(info.identityClass).toBe(packClass);
    // A type the pack does not know must carry its class, or the policy would call it generic.
    else expect(info.identityClass).not.toBeNull();
    if (info.provider !== null) expect(Object.keys(PROVIDER_CLASSES)).toContain(info.provider);
  });

  it.each([
    ["github-pat", "github_personal_access_token"],
    ["AWS", "aws_access_key_id"],
    ["aws", "aws_access_key_id"],
    ["slack-webhook-url", "slack_incoming_webhook_url"],
    ["generic-api-key", "generic_api_key"],
    ["SlackWebhook", "slack_incoming_webhook_url"],
    ["AzureBatch", "azure_batch"],
    ["HTTPBasicAuth", "http_basic_auth"],
    ["toString", "to_string"],
  ])("%s → %s", (detector, secretType) => {
    expect(describeDetector(detector).secretType).toBe(secretType);
  });

  it("derives a readable name for an unmapped detector", () => {
    expect(describeDetector("jwt").displayName).toBe("JWT");
    expect(describeDetector("MailchimpApiKey").displayName).toBe("Mailchimp API key");
    expect(describeDetector("--").displayName).toBe("Unknown secret");
  });

  it("tells GitHub token kinds apart by the raw value's prefix only", () => {
    expect(describeDetector("Github", "gho_x").secretType).toBe("github_oauth_access_token");
    expect(describeDetector("Github", "ghr_x").secretType).toBe("github_refresh_token");
    expect(describeDetector("Github", "github_pat_x").secretType).toBe("github_personal_access_token");
    expect(describeDetector("Github", "0123456789abcdef").secretType).toBe("github_personal_access_token");
  });
});
