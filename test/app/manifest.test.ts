import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HANDLED_EVENTS } from "../../src/app/app.ts";
import spec from "@octokit/openapi/generated/api.github.com.json" with { type: "json" };

const manifest = parse(readFileSync("app.yml", "utf8")) as { default_events: string[]; default_permissions: Record<string, string> };

describe("app.yml, the App manifest", () => {
  it("asks only for permissions GitHub knows, at a level GitHub allows", () => {
    const known = (spec as unknown as { components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } })
      .components.schemas["app-permissions"]!.properties;
    for (const [name, level] of Object.entries(manifest.default_permissions)) {
      expect(known, name).toHaveProperty(name);
      expect(known[name]!.enum ?? [], name).toContain(level);
    }
  });

  it("subscribes to every event the app handles, and to nothing else", () => {
    expect([...HANDLED_EVENTS].sort()).toEqual([...manifest.default_events].sort());
  });
});
