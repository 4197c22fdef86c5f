import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/alert/input-error.ts";
import { normalizeLocation, normalizeSecretScanningAlert, repositoryFrom } from "../../src/core/alert/secret-scanning.ts";
import { alertFromTokenRequest } from "../../src/core/alert/token-request.ts";
import { parseCodeowners } from "../../src/core/codeowners/index.ts";
import { policyFrom } from "../../src/core/policy/load.ts";
import { validatePolicyText } from "../../src/core/policy/validate.ts";
import { rawAlert } from "../fixtures/webhooks.ts";

/** Either a value or a clear InputError: never anything else. */
function valueOrInputError(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message.length).toBeGreaterThan(20);
  }
}

describe("fuzzed input never crashes", () => {
  it("the secret scanning normalisers take anything", () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (alert, repo) => {
        valueOrInputError(() => normalizeSecretScanningAlert(alert, { owner: "acme", name: "api" }, null));
        valueOrInputError(() => repositoryFrom(repo));
        expect(() => normalizeLocation(alert)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it("mutated real alerts either normalise or name the broken field", () => {
    const keys = Object.keys(rawAlert());
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.anything(), (key, value) => {
        valueOrInputError(() => normalizeSecretScanningAlert({ ...rawAlert(), [key]: value }, { owner: "acme", name: "api" }, "private"));
      }),
      { numRuns: 2000 },
    );
  });

  it("the token request normaliser takes anything", () => {
    const policy = policyFrom({});
    fc.assert(
      fc.property(fc.anything(), (payload) =>
        valueOrInputError(() =>
          alertFromTokenRequest({ action: "created", organization: { login: "acme" }, personal_access_token_request: payload }, policy),
        ),
      ),
      { numRuns: 1000 },
    );
  });

  it("the policy validator returns problems for any text, never throws", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `fallback_owner: ${s}\nsystems: [${s}]`),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const r = validatePolicyText(text, "f.yml");
          expect(r.policy === null).toBe(r.problems.length > 0);
          for (const p of r.problems) expect(p.line).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("the CODEOWNERS parser takes any text and still answers", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 40 }), (text, path) => {
        const co = parseCodeowners(text);
        expect(["owned", "no-owners", "unmatched"]).toContain(co.match(path.replace(/^\/+/, "")).kind);
      }),
      { numRuns: 1000 },
    );
  });
});
