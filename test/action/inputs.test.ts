import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_INPUTS, readInputs, type InputName } from "../../src/action/inputs.ts";

const given = (values: Partial<Record<InputName, string>>) => (name: InputName) => values[name] ?? "";

describe("Action inputs", () => {
  it("applies the defaults action.yml declares", () => {
    expect(readInputs(given({ token: "t" }))).toEqual({
      token: "t",
      command: "sweep",
      scope: "repository",
      "dry-run": false,
      "max-operations": 200,
      "report-days": 30,
      findings: "",
      alert: "",
      "sweep-state": "",
      shard: { index: 1, count: 1 },
      "app-slug": "",
    });
  });

  it.each([
    [
      { token: "t", scope: "organization", "dry-run": "true", "max-operations": "5" },
      { scope: "organization", "dry-run": true, "max-operations": 5 },
    ],
    [{ token: "t", "dry-run": " false " }, { "dry-run": false }],
    [{ token: "t", scope: "organization", shard: "3/4" }, { shard: { index: 3, count: 4 } }],
    [{ token: "t", "sweep-state": " /tmp/nhi/state.json.gz " }, { "sweep-state": "/tmp/nhi/state.json.gz" }],
  ])("accepts %j", (values, expected) => {
    expect(readInputs(given(values))).toMatchObject(expected);
  });

  it.each(["true", "True", "TRUE", "false", "False", "FALSE"])("reads dry-run %s as core.getBooleanInput does (YAML booleans)", (v) => {
    expect(readInputs(given({ token: "t", "dry-run": v }))["dry-run"]).toBe(v.toLowerCase() === "true");
  });

  it.each([
    [{}, "input `token` is required"],
    [{ token: "t", scope: "enterprise" }, "input `scope` must be `repository` or `organization`"],
    [{ token: "t", "dry-run": "yes" }, "input `dry-run` must be `true` or `false`"],
    [{ token: "t", "max-operations": "ten" }, "input `max-operations` must be a whole number"],
    [{ token: "t", "max-operations": "0" }, "input `max-operations` must be at least 1"],
    [{ token: "t", command: "purge" }, "input `command` must be `sweep` or `report`"],
    [{ token: "t", "report-days": "400" }, "input `report-days` must be from 1 to 366"],
    [{ token: "t", shard: "5/4" }, "input `shard` must be a part of the organisation written k/n"],
    [{ token: "t", shard: "half" }, "input `shard` must be a part of the organisation written k/n"],
  ])("rejects %j with %s", (values, message) => {
    expect(() => readInputs(given(values))).toThrow(message);
  });

  it("never echoes the token or a token passed as app-slug", () => {
    const token = "ghs_0123456789abcdefSECRET";
    const bad = [`${token}\nghs_second_line`, `${token} extra`];
    for (const t of bad) {
      let message = "";
      try {
        readInputs(given({ token: t }));
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain("input `token` contains a line break or a space (not shown here)");
      expect(message).not.toContain("SECRET");
    }
    // The other inputs are quoted nowhere either, in case a secret lands in the wrong one.
    let message = "";
    try {
      readInputs(
        given({ token: "t", scope: token, "dry-run": token, "max-operations": token, command: token, "report-days": token, shard: token }),
      );
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("input `scope`");
    expect(message).not.toContain("SECRET");
  });

  it("matches action.yml, which runs on node24 from dist/", () => {
    const yml = parse(readFileSync("action.yml", "utf8"));
    expect(Object.keys(yml.inputs)).toEqual(Object.keys(ACTION_INPUTS));
    expect(yml.runs).toEqual({ using: "node24", main: "dist/index.js" });
  });
});
