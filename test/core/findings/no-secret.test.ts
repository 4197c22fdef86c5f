import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/alert/input-error.ts";
import {
  parseDispatchPayload,
  parseFindingsReport,
  parseGitleaksReport,
  parseSarif,
  parseTrufflehogReport,
} from "../../../src/core/findings/index.ts";
import { nhiAlert } from "../../fixtures/findings/dispatch.ts";
import * as planted from "../../fixtures/findings/planted.ts";

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/findings/${name}`, import.meta.url), "utf8");

/** Everything a parse produced, or the error it threw, as one string to search. */
function everything(run: () => unknown): string {
  try {
    return JSON.stringify(run());
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return `${(error as InputError).message} ${JSON.stringify((error as InputError).problems)}`;
  }
}

describe("the raw secret never survives parsing", () => {
  it.each([
    [
      "gitleaks",
      "gitleaks-report.json",
      [planted.GITLEAKS_PLANTED, planted.GITLEAKS_PLANTED_PAT],
      () => parseGitleaksReport(fixture("gitleaks-report.json")),
    ],
    [
      "trufflehog",
      "trufflehog.jsonl",
      [planted.TRUFFLEHOG_PLANTED, planted.TRUFFLEHOG_PLANTED_KEY_ID, planted.TRUFFLEHOG_PLANTED_GHS, planted.TRUFFLEHOG_PLANTED_DATADOG],
      () => parseTrufflehogReport(fixture("trufflehog.jsonl")),
    ],
    ["sarif", "secrets.sarif", [planted.SARIF_PLANTED, planted.SARIF_PLANTED_MESSAGE], () => parseSarif(fixture("secrets.sarif"))],
  ])("%s: the fixture holds the planted values and the result holds none", (_format, file, values, run) => {
    for (const v of values) expect(fixture(file)).toContain(v);
    const out = everything(run);
    for (const v of values) expect(out).not.toContain(v);
    expect(JSON.stringify(parseFindingsReport(fixture(file)))).toBe(out);
  });

  it("dispatch: a token in free text is redacted, a token as the identifier is refused without being quoted", () => {
    const token = planted.DISPATCH_PLANTED_TOKEN;
    const kept = everything(() =>
      parseDispatchPayload(nhiAlert({ summary: `token ${token} seen`, links: [{ title: `key ${token}`, url: "https://e.example/x" }] })),
    );
    expect(kept).not.toContain(token);
    const refused = everything(() =>
      parseDispatchPayload(nhiAlert({ identity: { class: "personal-access-token", name: "bot", identifier: token } })),
    );
    expect(refused).toContain("must not be the secret itself");
    expect(refused).not.toContain(token);
  });

  it("a secret copied into a kept field (the path, the description) is replaced there too", () => {
    const secret = "plantedEverywhere0x4Rt8Yp2Wq6";
    const report = JSON.stringify([
      { RuleID: "x", Description: `matches ${secret}`, File: `conf/${secret}.env`, StartLine: 1, Secret: secret, Match: secret },
    ]);
    const out = JSON.stringify(parseGitleaksReport(report));
    expect(out).not.toContain(secret);
    expect(out).toContain("conf/[redacted].env");
  });

  it("errors about broken reports never quote the report", () => {
    const secret = planted.GITLEAKS_PLANTED;
    for (const text of [
      `[{"Secret": "${secret}", `,
      `[{"Secret": ${secret}}]`,
      `${secret}`,
      `{"runs": [${secret}]}`,
      `[{"Secret": "${secret}\n"}]`,
    ]) {
      for (const format of ["auto", "gitleaks", "sarif", "trufflehog"] as const) {
        expect(everything(() => parseFindingsReport(text, format))).not.toContain(secret);
      }
    }
  });

  it("a secret-shaped value is redacted even where the parser could not know it was the secret", () => {
    const line = JSON.stringify({
      SourceMetadata: { Data: { Git: { file: `notes/${planted.DISPATCH_PLANTED_TOKEN}.txt`, line: 1 } } },
      DetectorName: "Github",
    });
    expect(JSON.stringify(parseTrufflehogReport(line))).not.toContain(planted.DISPATCH_PLANTED_TOKEN);
  });
});
