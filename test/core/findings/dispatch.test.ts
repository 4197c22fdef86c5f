import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsImport from "ajv-formats";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { dispatchJsonSchema, parseDispatchPayload } from "../../../src/core/findings/index.ts";
import { nhiAlert } from "../../fixtures/findings/dispatch.ts";
import { DISPATCH_PLANTED_TOKEN } from "../../fixtures/findings/planted.ts";

const HINT = "Fix client_payload to match the published JSON Schema policies/dispatch-schema.json and send the repository_dispatch again.";
const CLASSES =
  "personal-access-token, oauth-token, github-app-credential, ci-cd-token, cloud-access-key, service-account-key, api-key, database-credential, private-key, webhook-secret, generic";
const TOP_KEYS = "identity, resource, validity, severity, locations, links, source, summary";

function problemsOf(payload: unknown): string[] {
  try {
    parseDispatchPayload(payload);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const e = error as InputError;
    expect(e.message.startsWith("The nhi-alert dispatch payload is invalid: ")).toBe(true);
    expect(e.message.endsWith(HINT)).toBe(true);
    return e.problems;
  }
  throw new Error("expected InputError");
}

function withIdentity(fields: Record<string, unknown>): Record<string, unknown> {
  return nhiAlert({ identity: { ...(nhiAlert().identity as object), ...fields } });
}

describe("parseDispatchPayload", () => {
  it("turns a valid alert into one finding", () => {
    expect(parseDispatchPayload(nhiAlert())).toEqual({
      findings: [
        {
          source: "dispatch",
          fingerprint: "dispatch:wiz:arn:aws:iam::123456789012:user/ci-deployer",
          detector: "wiz",
          displayName: "ci-deployer",
          secretType: "cloud_access_key",
          identityClass: "cloud-access-key",
          provider: "Amazon AWS",
          validity: "active",
          severityHint: "high",
          repository: "acme/api",
          locations: [
            { path: "infra/main.tf", startLine: 8, endLine: 8, commitSha: "4f9c2b7e1d3a5c6b8e0f2a4c6e8b0d2f4a6c8e0b", url: null },
          ],
          links: [
            { title: "wiz alert wiz-issue-8812", url: "https://app.wiz.io/issues/8812" },
            { title: "payments-prod", url: "https://console.aws.amazon.com/iam/home#/users/ci-deployer" },
            { title: "Runbook", url: "https://wiki.example.com/nhi/aws" },
          ],
          description: "Access key of ci-deployer was used from an unknown network.",
          identifier: "arn:aws:iam::123456789012:user/ci-deployer",
          reporter: "wiz",
        },
      ],
      skipped: [],
    });
  });

  it("needs only identity and source; validity defaults to unknown", () => {
    const minimal = { identity: { class: "api-key", name: "billing-bot", identifier: "key-7f3a" }, source: { name: "siem", id: "42" } };
    expect(parseDispatchPayload(minimal).findings[0]).toMatchObject({
      validity: "unknown",
      severityHint: null,
      repository: null,
      locations: [],
      links: [],
      description: null,
      provider: null,
    });
  });

  it("accepts the whole repository_dispatch event and refuses other event types", () => {
    expect(parseDispatchPayload({ action: "nhi-alert", client_payload: nhiAlert() }).findings).toHaveLength(1);
    expect(() => parseDispatchPayload({ action: "deploy", client_payload: nhiAlert() })).toThrow('event_type: must be "nhi-alert"');
  });

  it.each<[string, unknown, string[]]>([
    [
      "missing identity",
      { source: { name: "wiz", id: "1" } },
      ["client_payload.identity: is required: send { class, name, identifier, provider? } describing the identity"],
    ],
    ["not an object", "alert!", ["client_payload: must be an object: send a JSON object"]],
    ["unknown class", withIdentity({ class: "robot" }), [`client_payload.identity.class: must be one of ${CLASSES}`]],
    [
      "11 top-level keys",
      nhiAlert({ extra1: 1, extra2: 2, extra3: 3 }),
      [
        `client_payload: has 11 top-level keys, but GitHub accepts at most 10: send only ${TOP_KEYS}`,
        `client_payload: has unknown keys "extra1", "extra2", "extra3": allowed keys are ${TOP_KEYS}`,
      ],
    ],
    [
      "an unknown identity key",
      withIdentity({ secret: "x" }),
      ['client_payload.identity: has unknown key "secret": allowed keys are class, name, provider, identifier'],
    ],
    [
      "bad repository form",
      nhiAlert({ resource: { repository: "https://github.com/acme/api" } }),
      ['client_payload.resource.repository: must be "owner/name", e.g. "acme/api"'],
    ],
    [
      "too many locations",
      nhiAlert({ locations: Array.from({ length: 51 }, (_, i) => ({ path: `f${i}.env` })) }),
      ["client_payload.locations: has more than 50 entries: send the 50 most relevant and link the rest through links or source.url"],
    ],
    [
      "too many links",
      nhiAlert({ links: Array.from({ length: 21 }, () => ({ title: "t", url: "https://e.example" })) }),
      ["client_payload.links: has more than 20 entries: send at most 20 links"],
    ],
    [
      "identity.name a number",
      withIdentity({ name: 42 }),
      ['client_payload.identity.name: must be a string: a human name for the identity, e.g. "ci-deployer"'],
    ],
    [
      "empty identifier",
      withIdentity({ identifier: "  " }),
      [
        "client_payload.identity.identifier: must not be empty: an id that names the credential without being it: a key id, client id, token name or ARN",
      ],
    ],
    [
      "validity unknown word",
      nhiAlert({ validity: "revoked" }),
      ["client_payload.validity: must be one of active, inactive, unknown (leave it out when not known)"],
    ],
    [
      "severity a number",
      nhiAlert({ severity: 9 }),
      ["client_payload.severity: must be one of critical, high, medium, low (or leave it out)"],
    ],
    [
      "locations an object",
      nhiAlert({ locations: { path: "a" } }),
      ["client_payload.locations: must be an array of { path, line?, commit?, url? }"],
    ],
    [
      "line a string",
      nhiAlert({ locations: [{ path: "a.env", line: "8" }] }),
      ["client_payload.locations.0.line: must be a whole number of 1 or more"],
    ],
    [
      "commit not a SHA",
      nhiAlert({ locations: [{ path: "a.env", commit: "main" }] }),
      ["client_payload.locations.0.commit: must be a commit SHA: 7 to 64 hexadecimal characters"],
    ],
    [
      "javascript: URL",
      nhiAlert({ source: { name: "wiz", id: "1", url: "javascript:alert(1)" } }),
      ["client_payload.source.url: must be an http(s) URL: a link to the alert in the reporting platform"],
    ],
    [
      "source missing id",
      nhiAlert({ source: { name: "wiz" } }),
      ["client_payload.source.id: is required: the platform's own id for this alert"],
    ],
    [
      "summary too long",
      nhiAlert({ summary: "x".repeat(501) }),
      ["client_payload.summary: is longer than 500 characters: shorten it and link the details through links or source.url"],
    ],
  ])("rejects %s with the field path and how to fix it", (_name, payload, problems) => {
    expect(problemsOf(payload)).toEqual(problems);
  });

  it.each([
    ["a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_)", DISPATCH_PLANTED_TOKEN],
    ["a GitHub fine-grained personal access token (github_pat_)", "github_pat_11PLANTEDFAKE0000000000_abcdefghij"],
    ["an AWS access key (AKIA…/ASIA…)", "AKIAPLANTEDEXAMPLE01"],
    ["an AWS access key (AKIA…/ASIA…)", "ASIAPLANTEDEXAMPLE02"],
    ["a Slack token (xoxa-, xoxb-, xoxp-, xoxr-, xoxs-)", "xoxb-1234567890-PLANTEDfake"],
    ["a Stripe secret key (sk_live_, rk_live_)", "sk_live_PLANTEDfake0000"],
    ["a private key (-----BEGIN … PRIVATE KEY-----)", "-----BEGIN RSA PRIVATE KEY-----"],
    ["an npm token (npm_)", "npm_PLANTEDfake0000000000000000000000000"],
    ["a JSON Web Token (eyJ….eyJ….…)", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJl"],
  ])("refuses an identifier that looks like %s, without quoting it", (shape, identifier) => {
    const problems = problemsOf(withIdentity({ identifier }));
    expect(problems).toEqual([
      `client_payload.identity.identifier: looks like ${shape}; the identifier must not be the secret itself: send an id that names the credential (key id, client id, token name or ARN), never the credential`,
    ]);
    expect(problems.join(" ")).not.toContain(identifier);
  });

  it.each([
    "AKIAIOSFODNN7",
    "client-7f3a9c2e",
    "arn:aws:iam::123456789012:role/deployer",
    "projects/acme/serviceAccounts/ci@acme.iam.gserviceaccount.com",
    "ghp_",
    "xoxb-short",
  ])("accepts identifiers that name a credential: %s", (identifier) => {
    expect(parseDispatchPayload(withIdentity({ identifier })).findings[0]!.identifier).toBe(identifier);
  });

  it("redacts a token pasted into free text instead of keeping it", () => {
    const result = parseDispatchPayload(nhiAlert({ summary: `Leaked token ${DISPATCH_PLANTED_TOKEN} in CI logs` }));
    expect(result.findings[0]!.description).toBe("Leaked token [redacted] in CI logs");
    expect(JSON.stringify(result)).not.toContain(DISPATCH_PLANTED_TOKEN);
  });
});

describe("dispatchJsonSchema", () => {
  it("is what policies/dispatch-schema.json holds (regenerate it from dispatchJsonSchema() when this fails)", () => {
    const committed = readFileSync(new URL("../../../policies/dispatch-schema.json", import.meta.url), "utf8");
    expect(committed).toBe(JSON.stringify(dispatchJsonSchema(), null, 2) + "\n");
  });

  it("has at most 10 top-level properties, as GitHub allows in client_payload", () => {
    const schema = dispatchJsonSchema() as { properties: Record<string, unknown>; additionalProperties: boolean; required: string[] };
    expect(Object.keys(schema.properties).length).toBeLessThanOrEqual(10);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(["identity", "source"]);
  });

  it("accepts and refuses what parseDispatchPayload does (checked with a JSON Schema validator)", () => {
    type FormatsPlugin = (ajv: Ajv) => Ajv;
    const addFormats = ((addFormatsImport as unknown as { default?: FormatsPlugin }).default ??
      addFormatsImport) as unknown as FormatsPlugin;
    const validate = addFormats(new Ajv({ strict: false })).compile(
      JSON.parse(readFileSync(new URL("../../../policies/dispatch-schema.json", import.meta.url), "utf8")),
    );
    const minimal = { identity: { class: "api-key", name: "billing-bot", identifier: "key-7f3a" }, source: { name: "siem", id: "42" } };
    for (const ok of [nhiAlert(), minimal]) expect(validate(ok)).toBe(true);
    for (const bad of [
      { source: { name: "wiz", id: "1" } },
      nhiAlert({ extra: 1 }),
      withIdentity({ class: "robot" }),
      nhiAlert({ resource: { repository: "acme" } }),
      nhiAlert({ summary: "x".repeat(501) }),
    ]) {
      expect(validate(bad)).toBe(false);
      expect(() => parseDispatchPayload(bad)).toThrow(InputError);
    }
  });
});
