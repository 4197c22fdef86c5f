// Control: the marker is the last line outside code fences that is a whole marker; a marker planted
// in a line of other text (a file path, a detector field, a quoted comment) or inside a code fence is
// never read, and text people write below the marker does not hide it (src/core/issue/marker.ts).
import { describe, expect, it } from "vitest";
import {
  decodeMarker,
  encodeKeyMarker,
  encodeMarker,
  markerKey,
  markerKeys,
  markerSchema,
  markerText,
  replaceMarker,
  type MarkerInput,
} from "../../src/core/issue/marker.ts";

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

describe("marker: the last marker line outside fences", () => {
  const planted = encodeMarker({ ...marker, key: "secret-scanning:acme/api#2", alert: 2 });
  const real = encodeMarker(marker);

  it("reads the real marker at the end, not one planted earlier", () => {
    for (const body of [`Where: \`${planted}\` line 3\n\n${real}`, `${planted}\n\ntext\n\n${real}`, `${planted}\n${real}`]) {
      expect(decodeMarker(body)?.key).toBe("secret-scanning:acme/api#12");
      expect(markerKey(body)).toBe("secret-scanning:acme/api#12");
      expect(markerKeys(body)).toEqual(["secret-scanning:acme/api#12"]);
      expect(markerText(body)).toContain('"alert":12');
    }
  });

  it("allows trailing whitespace and CRLF line ends (bodies edited on GitHub)", () => {
    expect(decodeMarker(`text\r\n\r\n${real}\r\n  \n`)?.alert).toBe(12);
  });

  it("reads the marker when people wrote below it (GitHub's editor shows it, and new notes go after it)", () => {
    for (const body of [`${real}\nmore text`, `${real}\n\n<!-- a comment -->`, `text\n\n${real}\r\n\r\nRotated on Monday. @bob FYI\n`]) {
      expect(decodeMarker(body)?.key).toBe("secret-scanning:acme/api#12");
      expect(markerKey(body)).toBe("secret-scanning:acme/api#12");
      expect(markerKeys(body)).toEqual(["secret-scanning:acme/api#12"]);
    }
    // Below it, only a marker of its own line counts, and the last one outside a fence wins.
    expect(decodeMarker(`${real}\n\nsee \`${planted}\``)?.alert).toBe(12);
    expect(decodeMarker(`${real}\n\n\`\`\`\n${planted}\n\`\`\``)?.alert).toBe(12);
  });

  it("reads no marker with other text on its own line", () => {
    for (const body of [`${real} trailing`, `text ${real}\nmore`, `x \`${planted}\`\n\nplease fix this`]) {
      expect(decodeMarker(body)).toBeNull();
      expect(markerKey(body)).toBeNull();
      expect(markerKeys(body)).toEqual([]);
      expect(markerText(body)).toBeNull();
    }
  });

  it("replaceMarker moves the marker back to the end below what people wrote after it", () => {
    const body = `# Title\n\ntext\n\n${real}\n\nRotated on Monday.\n\n\`\`\`\nleft open`;
    const next = replaceMarker(body, { ...marker, severity: "critical" });
    expect(next.indexOf("Rotated on Monday.")).toBeLessThan(next.indexOf("<!-- nhi-steward:v1"));
    expect(next.match(/<!-- nhi-steward:v1/g)).toHaveLength(1);
    expect(decodeMarker(next)).toMatchObject({ key: "secret-scanning:acme/api#12", severity: "critical" });
    expect(next.trimEnd().endsWith("-->")).toBe(true);
  });

  it("reads no marker inside a code fence, closed or left open", () => {
    expect(decodeMarker(`text\n\n\`\`\`\n${real}\n\`\`\``)).toBeNull();
    expect(decodeMarker(`text\n\n\`\`\`html\n${real}`)).toBeNull();
    expect(decodeMarker(`text\n\n~~~~\n~~~\n${real}`)).toBeNull();
    // A fence that was closed before it does not count.
    expect(decodeMarker(`\`\`\`\ncode\n\`\`\`\n\n${real}`)?.alert).toBe(12);
  });

  it("reads no marker that does not start its line, or spans lines", () => {
    expect(decodeMarker(`text ${real}`)).toBeNull();
    expect(decodeMarker(`text\n\n<!-- nhi-steward:v1 {"v":1,\n"key":"k"} -->`)).toBeNull();
  });

  it("keeps reading the key markers of config-error, report and inventory issues", () => {
    expect(markerKey(`body\n\n${encodeKeyMarker("config-error:acme/api:.github/nhi-steward.yml", "config-error")}`)).toBe(
      "config-error:acme/api:.github/nhi-steward.yml",
    );
    expect(markerKey(`x\n<!-- nhi-steward:inventory {"apps":{}} -->\n${encodeKeyMarker("inventory:acme", "inventory")}`)).toBe(
      "inventory:acme",
    );
  });

  it("replaceMarker rewrites the marker at the end and leaves a planted one as text", () => {
    const body = `Where: \`${planted}\`\n\n${real}\n`;
    const next = replaceMarker(body, { ...marker, severity: "critical" });
    expect(next.startsWith(`Where: \`${planted}\``)).toBe(true);
    expect(decodeMarker(next)).toMatchObject({ key: "secret-scanning:acme/api#12", severity: "critical" });
    expect(next.endsWith("\n")).toBe(true);
  });

  it("replaceMarker appends a marker to a body without one at its end, closing an open fence first", () => {
    const appended = replaceMarker(`${planted}\n\nsomeone wrote this after it`, marker);
    expect(decodeMarker(appended)?.key).toBe("secret-scanning:acme/api#12");
    const fenced = replaceMarker("notes\n```\nleft open", marker);
    expect(decodeMarker(fenced)?.key).toBe("secret-scanning:acme/api#12");
  });
});
