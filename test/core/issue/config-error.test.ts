// Control: a config-error issue quotes the policy file's problems escaped (they hold keys and values
// from the file), and its key marker is its last line (src/core/issue/config-error.ts, marker.ts).
import { describe, expect, it } from "vitest";
import { configErrorKey, planConfigError } from "../../../src/core/issue/config-error.ts";
import { markerKey } from "../../../src/core/issue/marker.ts";

const repo = { owner: "acme", name: "api" };
const PATH = ".github/nhi-steward.yml";

describe("config-error issue", () => {
  it("escapes what the problems quote from the file, keeps our code spans, and ends with its marker", () => {
    const problems = [
      'line 2, column 3: `fallback_owner`: "@acme/security @acme/platform" is not one owner',
      'line 4: _extends: "<!-- nhi-steward:v1 {"v":1,"key":"secret-scanning:acme/api#1"} -->" is not a repository; write `.github`',
      "line 5: `systems[0].name`: ![x](https://evil.example/x.png)\nand a second line",
    ];
    const change = planConfigError(repo, PATH, problems, null);
    const op = change.ops[0] as { op: "create-issue"; title: string; body: string };
    expect(markerKey(op.body)).toBe(configErrorKey(repo, PATH));
    expect(op.body.split("<!-- nhi-steward:v1").length).toBe(2);
    expect(op.body.trimEnd().split("\n").at(-1)).toMatch(/^<!-- nhi-steward:v1 \{.*"kind":"config-error"\} -->$/);
    expect(op.body).toContain('- line 2, column 3: `fallback_owner`: "@\u200bacme/security @\u200bacme/platform" is not one owner');
    expect(op.body).toContain("write `.github`");
    expect(op.body).toContain("- line 5: `systems[0].name`: !\\[x\\](https:\u200b//evil.example/x.png) and a second line");
    expect(op.body).not.toContain("@acme/");
  });
});
