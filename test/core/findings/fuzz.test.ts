import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError } from "../../../src/core/alert/input-error.ts";
import { IDENTITY_CLASSES } from "../../../src/core/policy/identity-classes.ts";
import { dedupeFindings, parseDispatchPayload, parseFindingsReport, type ParseResult } from "../../../src/core/findings/index.ts";
import { describeJsonError, locateJsonError } from "../../../src/core/findings/json.ts";

/** The shape every result must have, checked strictly. */
const nullableString = z.string().nullable();
const findingSchema = z.strictObject({
  source: z.enum(["gitleaks", "trufflehog", "sarif", "dispatch"]),
  fingerprint: z.string().min(1),
  detector: z.string().min(1),
  displayName: z.string().min(1),
  secretType: z.string().min(1),
  identityClass: z.enum(IDENTITY_CLASSES).nullable(),
  provider: nullableString,
  validity: z.enum(["active", "inactive", "unknown"]),
  severityHint: z.enum(["critical", "high", "medium", "low"]).nullable(),
  repository: nullableString,
  locations: z.array(
    z.strictObject({
      path: z.string(),
      startLine: z.int().positive().nullable(),
      endLine: z.int().positive().nullable(),
      commitSha: nullableString,
      url: nullableString,
    }),
  ),
  links: z.array(z.strictObject({ title: z.string(), url: z.string() })),
  description: nullableString,
  identifier: nullableString,
  reporter: z.string().min(1),
});
const resultSchema = z.strictObject({
  findings: z.array(findingSchema),
  skipped: z.array(z.strictObject({ reason: z.string().min(1), where: z.string().min(1) })),
});

/** Runs `parse`: it must return a well-formed ParseResult or throw InputError, nothing else. */
function outcome(parse: () => ParseResult): ParseResult | InputError {
  let result: ParseResult;
  try {
    result = parse();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  const checked = resultSchema.safeParse(result);
  if (!checked.success) throw new Error(`malformed ParseResult: ${JSON.stringify(checked.error.issues)}`);
  expect(() => dedupeFindings(result.findings)).not.toThrow();
  return result;
}

const formats = fc.constantFrom("auto", "gitleaks", "trufflehog", "sarif") as fc.Arbitrary<"auto" | "gitleaks" | "trufflehog" | "sarif">;
const anything = fc.oneof(fc.jsonValue(), fc.string(), fc.integer(), fc.constant(null), fc.constant(undefined));
/** A secret the tests plant: distinctive enough never to occur in the parsers' own text. */
const secret = fc.stringMatching(/^[A-Za-z0-9]{16,40}$/).map((s) => `Zq9x${s}`);

const gitleaksEntry = (s: fc.Arbitrary<string>) =>
  fc.record(
    {
      RuleID: fc.oneof(
        fc.constantFrom("github-pat", "aws-access-token", "generic-api-key", "__proto__", "constructor"),
        fc.string(),
        anything,
      ),
      Description: fc.oneof(fc.string(), anything),
      StartLine: fc.oneof(fc.integer(), anything),
      EndLine: fc.oneof(fc.integer(), anything),
      File: fc.oneof(fc.string(), fc.constantFrom("./a/b.env", "/home/runner/work/r/r/x.yml", "file:///tmp/x"), anything),
      Commit: fc.oneof(fc.stringMatching(/^[0-9a-f]{7,40}$/), anything),
      Link: fc.oneof(fc.webUrl(), anything),
      Fingerprint: fc.oneof(fc.string(), anything),
      Secret: s,
      Match: s.map((v) => `key = ${v}`),
      Message: s.map((v) => `commit ${v}`),
    },
    { requiredKeys: ["Secret"] },
  );

const trufflehogLine = (s: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.string(),
    fc
      .record(
        {
          SourceMetadata: fc.oneof(
            anything,
            fc.record({
              Data: fc.dictionary(
                fc.constantFrom("Git", "Github", "Filesystem", "Slack", "S3"),
                fc.dictionary(fc.constantFrom("file", "line", "commit", "repository", "link", "path"), anything),
              ),
            }),
          ),
          DetectorName: fc.oneof(fc.constantFrom("AWS", "Github", "Slack", "toString"), fc.string(), anything),
          DetectorType: fc.oneof(fc.integer(), anything),
          Verified: fc.oneof(fc.boolean(), anything),
          Raw: s,
          RawV2: s.map((v) => `${v}:part2`),
          Redacted: s,
          ExtraData: fc.oneof(anything, fc.record({ rotation_guide: fc.oneof(fc.webUrl(), anything), hint: s })),
        },
        { requiredKeys: ["Raw"] },
      )
      .map((o) => JSON.stringify(o)),
  );

const sarifLog = (s: fc.Arbitrary<string>) =>
  fc
    .record({
      version: fc.oneof(fc.constant("2.1.0"), anything),
      runs: fc.oneof(
        anything,
        fc.array(
          fc.record(
            {
              tool: fc.oneof(
                anything,
                fc.record({
                  driver: fc.record({
                    name: fc.oneof(fc.string(), anything),
                    rules: fc.oneof(anything, fc.array(fc.record({ id: fc.oneof(fc.string(), anything) }))),
                  }),
                }),
              ),
              versionControlProvenance: fc.oneof(
                anything,
                fc.constant([{ repositoryUri: "https://github.com/acme/api", revisionId: "abcdef1234" }]),
              ),
              results: fc.oneof(
                anything,
                fc.array(
                  fc
                    .tuple(
                      fc.record(
                        {
                          ruleId: fc.oneof(fc.string(), anything),
                          ruleIndex: fc.oneof(fc.integer({ min: -1, max: 3 }), anything),
                          level: fc.oneof(fc.constantFrom("error", "warning", "note", "none"), anything),
                          message: anything,
                          locations: fc.oneof(
                            anything,
                            fc.array(
                              fc.record({
                                physicalLocation: fc.record({
                                  artifactLocation: fc.oneof(
                                    anything,
                                    fc.record({ uri: fc.oneof(fc.string(), anything), index: fc.oneof(fc.integer(), anything) }),
                                  ),
                                  region: fc.oneof(anything, fc.record({ startLine: anything, endLine: anything })),
                                }),
                              }),
                            ),
                          ),
                          partialFingerprints: fc.oneof(anything, fc.dictionary(fc.string(), fc.oneof(fc.string(), anything))),
                          properties: anything,
                        },
                        { requiredKeys: [] },
                      ),
                      s,
                      fc.boolean(),
                    )
                    // The planted value goes where SARIF producers put it: the snippet, quoted again
                    // in the message (and, for gitleaks v7, in properties.offender).
                    .map(([result, value, offender]) => ({
                      ...result,
                      message: { text: `found ${value} here` },
                      locations: [
                        {
                          physicalLocation: {
                            artifactLocation: { uri: "p.txt" },
                            region: { startLine: 2, snippet: { text: `k = "${value}"` } },
                          },
                        },
                        ...(Array.isArray(result.locations) ? result.locations : []),
                      ],
                      ...(offender ? { properties: { offender: value } } : {}),
                    })),
                ),
              ),
            },
            { requiredKeys: [] },
          ),
        ),
      ),
    })
    .map((o) => JSON.stringify(o));

describe("fuzz: parsers return a ParseResult or throw InputError, never anything else", () => {
  it("parseFindingsReport on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: "grapheme" })), formats, (text, format) => {
        outcome(() => parseFindingsReport(text, format));
      }),
      { numRuns: 500 },
    );
  });

  it("parseFindingsReport on arbitrary JSON documents and JSON lines", () => {
    fc.assert(
      fc.property(fc.jsonValue(), formats, (value, format) => {
        outcome(() => parseFindingsReport(JSON.stringify(value), format));
        if (Array.isArray(value)) outcome(() => parseFindingsReport(value.map((v) => JSON.stringify(v) ?? "").join("\n"), format));
      }),
      { numRuns: 500 },
    );
  });

  it("parseFindingsReport on report-shaped input never keeps the planted secret", () => {
    const planted = secret.chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.oneof(
          fc.array(gitleaksEntry(fc.constant(s))).map((a) => JSON.stringify(a)),
          fc.array(trufflehogLine(fc.constant(s))).map((l) => l.join("\n")),
          sarifLog(fc.constant(s)),
        ),
      ),
    );
    fc.assert(
      fc.property(planted, formats, ([s, text], format) => {
        const out = outcome(() => parseFindingsReport(text, format));
        expect(out instanceof InputError ? out.message : JSON.stringify(out)).not.toContain(s);
      }),
      { numRuns: 500 },
    );
  });

  it("gitleaks-, TruffleHog- and SARIF-shaped input with arbitrary field values", () => {
    fc.assert(
      fc.property(fc.array(gitleaksEntry(fc.string())), (entries) => void outcome(() => parseFindingsReport(JSON.stringify(entries)))),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.array(trufflehogLine(fc.string())), (lines) => void outcome(() => parseFindingsReport(lines.join("\n")))),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(sarifLog(fc.string()), (text) => void outcome(() => parseFindingsReport(text))),
      { numRuns: 200 },
    );
  });

  it("parseDispatchPayload on arbitrary JSON values and alert-shaped objects", () => {
    const alertShaped = fc.record(
      {
        identity: fc.oneof(
          anything,
          fc.record(
            {
              class: fc.oneof(fc.constantFrom(...IDENTITY_CLASSES), anything),
              name: fc.oneof(fc.string(), anything),
              identifier: fc.oneof(fc.string(), anything),
              provider: anything,
            },
            { requiredKeys: [] },
          ),
        ),
        resource: fc.oneof(
          anything,
          fc.record(
            { repository: fc.oneof(fc.constantFrom("acme/api", "acme"), anything), url: fc.oneof(fc.webUrl(), anything) },
            { requiredKeys: [] },
          ),
        ),
        validity: fc.oneof(fc.constantFrom("active", "inactive", "unknown"), anything),
        severity: anything,
        locations: fc.oneof(
          anything,
          fc.array(
            fc.record(
              { path: fc.oneof(fc.string(), anything), line: fc.oneof(fc.integer(), anything), commit: anything },
              { requiredKeys: [] },
            ),
          ),
        ),
        links: fc.oneof(anything, fc.array(fc.record({ title: fc.oneof(fc.string(), anything), url: fc.oneof(fc.webUrl(), anything) }))),
        source: fc.oneof(
          anything,
          fc.record({ name: fc.oneof(fc.string(), anything), id: fc.oneof(fc.string(), anything), url: anything }, { requiredKeys: [] }),
        ),
        summary: fc.oneof(fc.string(), anything),
        action: fc.constantFrom("nhi-alert", "other"),
        client_payload: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), anything, alertShaped), (payload) => void outcome(() => parseDispatchPayload(payload))),
      { numRuns: 500 },
    );
  });

  it("a dispatch identifier that carries a token is always refused", () => {
    const token = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{36}$/).map((s) => `ghp_${s}`),
      fc.stringMatching(/^[A-Z0-9]{16}$/).map((s) => `AKIA${s}`),
      fc.stringMatching(/^[A-Za-z0-9]{36}$/).map((s) => `npm_${s}`),
    );
    fc.assert(
      fc.property(token, fc.string({ maxLength: 20 }), (t, around) => {
        const identifier = `${around.replace(/[A-Za-z0-9_]$/, "")} ${t}`.trim();
        const payload = { identity: { class: "api-key", name: "n", identifier }, source: { name: "siem", id: "1" } };
        const out = outcome(() => parseDispatchPayload(payload));
        expect(out).toBeInstanceOf(InputError);
        expect((out as InputError).message).toContain("the identifier must not be the secret itself");
        expect((out as InputError).message).not.toContain(t);
      }),
      { numRuns: 300 },
    );
  });
});

/** Everything the locator may say: fixed phrases, and at most one quoted punctuation character. */
const LOCATOR_PROBLEMS = [
  /^the input is empty$/,
  /^the input ends before the JSON value is complete$/,
  /^a control character \(such as a raw line break\) inside a string; escape it$/,
  /^an invalid \\u escape in a string$/,
  /^an invalid escape in a string$/,
  /^a string is not closed$/,
  /^an invalid number$/,
  /^unexpected (?:'[^A-Za-z0-9]'|letter or digit|byte-order mark|character) (?:after the end of the JSON value|where a value should be)$/,
  /^expected ',' or '\]' after an array element$/,
  /^expected ',' or '\}' after a property value$/,
  /^expected ':' after a property name$/,
  /^a trailing comma before '[\]}]'$/,
  /^expected a double-quoted property name$/,
];

describe("fuzz: the JSON error locator", () => {
  it("finds an in-bounds position for any text JSON.parse rejects, and never quotes letters or digits", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
          fc.json().map((j) => `${j}x`),
        ),
        (text) => {
          let valid = true;
          try {
            JSON.parse(text);
          } catch {
            valid = false;
          }
          if (valid) return;
          const { offset, problem } = locateJsonError(text);
          expect(offset).toBeGreaterThanOrEqual(0);
          expect(offset).toBeLessThanOrEqual(text.length);
          expect(
            LOCATOR_PROBLEMS.some((re) => re.test(problem)),
            problem,
          ).toBe(true);
          expect(describeJsonError(text)).toMatch(/^line \d+, column \d+: /);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("survives deep nesting", () => {
    expect(locateJsonError("[".repeat(200_000)).problem).toBe("the input ends before the JSON value is complete");
    expect(() => parseFindingsReport("[".repeat(200_000))).toThrow(InputError);
  });
});
