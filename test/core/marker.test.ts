import { describe, expect, it } from "vitest";
import { decodeMarker, encodeMarker, markerSchema, type MarkerInput } from "../../src/core/issue/marker.ts";

const marker: MarkerInput = {
  v: 1,
  key: "secret-scanning:acme/api#12",
  repo: "acme/api",
  alert: 12,
  identityClass: "personal-access-token",
  validity: "active",
  publiclyLeaked: false,
  severity: "high",
  system: "pay--ments",
  locations: ["commit:a-->b.txt:3:abc"],
  routing: { source: "codeowners", why: "line 3: `/a--> @x`", assignees: ["alice"], mentions: [], unowned: false, notes: [] },
  openedAt: "2026-11-26T09:00:00.000Z",
};

describe("marker", () => {
  it("round-trips through an issue body", () => {
    const body = `# Title\n\ntext\n\n${encodeMarker(marker)}\n`;
    expect(decodeMarker(body)).toEqual(markerSchema.parse(marker));
    expect(decodeMarker(body)).toMatchObject({ escalation: { level: 0, at: null }, timeline: [], sla: null });
  });
  it("never closes the HTML comment early, whatever the strings hold", () => {
    const encoded = encodeMarker(marker);
    expect(encoded.indexOf("-->")).toBe(encoded.length - 3);
  });
  it("ignores bodies without a marker or with a damaged one", () => {
    expect(decodeMarker("no marker")).toBeNull();
    expect(decodeMarker("<!-- nhi-steward:v1 {not json} -->")).toBeNull();
    expect(decodeMarker('<!-- nhi-steward:v1 {"v":1} -->')).toBeNull();
    expect(decodeMarker(null)).toBeNull();
  });
});
