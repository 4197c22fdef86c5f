import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import {
  chooseMethod,
  CredentialsApiRevoker,
  FineGrainedAccessRevoker,
  WebhookRevoker,
  type RevocationMethod,
} from "../../../src/github/revoke/index.ts";
import type { OctokitLike } from "../../../src/github/octokit-port.ts";
import { silentLogger } from "../../../src/log.ts";
import { target } from "./support.ts";

const clock = new VirtualClock("2025-06-02T10:00:00Z");
const noFetch: typeof fetch = () => Promise.reject(new Error("no network in this test"));
const credentials = new CredentialsApiRevoker({ baseUrl: "https://api.github.test", clock, log: silentLogger, fetch: noFetch });
const fineGrained = new FineGrainedAccessRevoker({ octokit: {} as OctokitLike, log: silentLogger });
const cloud = new WebhookRevoker({
  url: "https://rotate.acme.test/",
  signingSecret: "k",
  clock,
  log: silentLogger,
  fetch: noFetch,
  supports: (t) => t.identityClass === "cloud-access-key",
});
const catchAll = new WebhookRevoker({
  url: "https://rotate.acme.test/",
  signingSecret: "k",
  clock,
  log: silentLogger,
  fetch: noFetch,
  name: "catch-all",
});

describe("chooseMethod", () => {
  const methods: RevocationMethod[] = [credentials, fineGrained, cloud];

  it("picks the first method, in the order given, that supports the target", () => {
    expect(chooseMethod(methods, target())?.name).toBe("credentials-api");
    expect(chooseMethod([fineGrained, credentials], target({ patId: 9 }))?.name).toBe("fine-grained-pat-access");
    expect(chooseMethod([credentials, fineGrained], target({ patId: 9 }))?.name).toBe("credentials-api");
    expect(chooseMethod(methods, target({ secretType: "aws_access_key_id", identityClass: "cloud-access-key" }))?.name).toBe("webhook");
    expect(chooseMethod(methods, target({ secretType: "github_app_installation_access_token", patId: 3 }))?.name).toBe(
      "fine-grained-pat-access",
    );
  });

  it("returns null when none does", () => {
    expect(chooseMethod(methods, target({ secretType: "slack_api_token", identityClass: "api-key" }))).toBeNull();
    expect(chooseMethod([], target())).toBeNull();
  });

  it("a catch-all webhook last takes what the others do not", () => {
    expect(chooseMethod([...methods, catchAll], target({ secretType: "slack_api_token", identityClass: "api-key" }))?.name).toBe(
      "catch-all",
    );
  });
});
