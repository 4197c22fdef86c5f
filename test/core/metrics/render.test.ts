import { describe, expect, it } from "vitest";
import {
  computeMetrics,
  csvField,
  recordFromIssue,
  recordsInScope,
  renderReportCsv,
  renderReportJson,
  renderReportMarkdown,
  type ResponseRecord,
} from "../../../src/core/metrics/index.ts";
import { FROM, HAND_BUILT, NOW, TO, issue } from "./fixtures.ts";

const window = { from: FROM, to: TO };
const records = HAND_BUILT.map((s) => recordFromIssue(issue(s), NOW)).filter((r): r is ResponseRecord => r !== null);
const metrics = computeMetrics(records, window, NOW);
const options = { title: "NHI response report: acme", generatedAt: NOW, window };
const markdown = renderReportMarkdown(metrics, options);

/** The body of every ```mermaid block. */
function mermaidBlocks(md: string): string[] {
  return [...md.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1]!);
}

describe("renderReportMarkdown", () => {
  it("matches the reviewed report for the hand-built set", async () => {
    await expect(markdown).toMatchFileSnapshot("./__snapshots__/report.md");
  });

  it("draws the weekly chart as xychart-beta: p50 hours as bars, compliance % as a line", () => {
    // W45: p50 24 h, compliance 1/3 = 33.3 %. W46: p50 48 h, 1/2 = 50 %. Axis up to max(100, 48).
    expect(mermaidBlocks(markdown)[0]).toBe(
      [
        "xychart-beta",
        '    title "Weekly MTTR p50 (hours, bars) and SLA compliance (%, line)"',
        '    x-axis ["2026-W45", "2026-W46"]',
        '    y-axis "hours / %" 0 --> 100',
        "    bar [24, 48]",
        "    line [33.3, 50]",
      ].join("\n"),
    );
  });

  it("draws the open backlog as a pie, leaving out empty severities", () => {
    // Open: G critical; E, K high; F low; no medium.
    expect(mermaidBlocks(markdown)[1]).toBe(
      ["pie showData", "    title Open backlog by severity", '    "critical" : 1', '    "high" : 2', '    "low" : 1'].join("\n"),
    );
  });

  it("has exactly two Mermaid blocks, every line of them in a shape Mermaid parses", () => {
    const blocks = mermaidBlocks(markdown);
    expect(blocks).toHaveLength(2);
    const xy =
      /^(xychart-beta| {4}title "[^"]*"| {4}x-axis \["[^"]+"(, "[^"]+")*\]| {4}y-axis "[^"]*" \d+ --> \d+| {4}(bar|line) \[\d+(\.\d+)?(, \d+(\.\d+)?)*\])$/;
    const pie = /^(pie showData| {4}title [^\n"]+| {4}"[a-z]+" : \d+)$/;
    for (const line of blocks[0]!.split("\n")) expect(line).toMatch(xy);
    for (const line of blocks[1]!.split("\n")) expect(line).toMatch(pie);
    // One value per week in each series.
    const count = (line: string | undefined) => (line ?? "").split(",").length;
    const lines = blocks[0]!.split("\n");
    expect(count(lines[4])).toBe(count(lines[2]));
    expect(count(lines[5])).toBe(count(lines[2]));
  });

  it("raises the axis above 100 when a p50 is over 100 hours, and plots a week with no data as 0", () => {
    const m = computeMetrics(records, { from: new Date("2026-10-26T00:00:00Z"), to: TO }, NOW);
    // W44 (26 Oct–2 Nov): nothing remediated and no deadline decided → 0, 0.
    const [xy] = mermaidBlocks(renderReportMarkdown(m, { ...options, window: m.window }));
    expect(xy).toContain('x-axis ["2026-W44", "2026-W45", "2026-W46"]');
    expect(xy).toContain("bar [0, 24, 48]");
    expect(xy).toContain("line [0, 33.3, 50]");
    const slow = computeMetrics(
      records.map((r) => (r.issue === 4 ? { ...r, openedAt: new Date("2026-11-01T00:00:00Z") } : r)),
      window,
      NOW,
    );
    // D now took 10 days 9 h = 249 h: W46's p50 is 249 → the axis goes to 249.
    expect(mermaidBlocks(renderReportMarkdown(slow, options))[0]).toContain('y-axis "hours / %" 0 --> 249');
  });

  it("links the slowest open items, escaping their titles and never @-mentioning owners", () => {
    expect(markdown).toContain(
      "| 1 | [acme/api#6](https://github.com/acme/responses/issues/6) Leaked \\| token &lt;b&gt;x&lt;/b&gt; in \\*docs\\* \\[old\\] | low | `(unassigned)` | 46 days |",
    );
    // "#7" in a title is the alert's number, not an issue of the report's repository: no reference.
    expect(markdown).toContain(
      "| 2 | [acme/api#7](https://github.com/acme/responses/issues/7) Leaked secret #\u200b7 | critical | `@bob` | 27 days | 2026-10-20 04:00 UTC **breached** |",
    );
    expect(markdown).not.toMatch(/(^|[^`])@(alice|bob|carol|dave|acme)/m);
  });

  it("says so when nothing is open and the window is empty", () => {
    const m = computeMetrics([], { from: TO, to: TO }, NOW);
    const md = renderReportMarkdown(m, { ...options, window: m.window });
    expect(mermaidBlocks(md)).toEqual([]);
    expect(md).toContain("The window is empty.");
    expect(md).toContain("No open items.");
    expect(md).toContain("| Time to remediate | — (no items) |");
  });
});

describe("renderReportJson", () => {
  const json = renderReportJson(metrics);
  const doc = JSON.parse(json) as Record<string, unknown>;

  it("has a stable key order, ISO instants, and durations in ms and hours", () => {
    expect(Object.keys(doc)).toEqual([
      "version",
      "window",
      "now",
      "totals",
      "timeToAcknowledge",
      "timeToRemediate",
      "compliance",
      "bySeverity",
      "byIdentityClass",
      "byOwner",
      "bySystem",
      "escalations",
      "backlog",
      "slowestOpen",
      "weekly",
    ]);
    expect(doc.window).toEqual({ from: "2026-11-02T00:00:00.000Z", to: "2026-11-16T00:00:00.000Z" });
    // 63.2 h = 227,520,000 ms; 40.625 h rounds to 40.63.
    expect(doc.timeToRemediate).toEqual({
      count: 5,
      meanMs: 227_520_000,
      meanHours: 63.2,
      p50Ms: 86_400_000,
      p50Hours: 24,
      p90Ms: 777_600_000,
      p90Hours: 216,
    });
    expect((doc.timeToAcknowledge as { meanHours: number }).meanHours).toBe(40.63);
    expect((doc.slowestOpen as unknown[])[0]).toEqual({
      key: "secret-scanning:acme/api#6",
      repo: "acme/api",
      issue: 6,
      url: "https://github.com/acme/responses/issues/6",
      title: "Leaked | token <b>x</b> in *docs* [old]",
      severity: "low",
      owner: "(unassigned)",
      openedAt: "2026-10-01T00:00:00.000Z",
      ageMs: 46 * 86_400_000,
      ageHours: 1104,
      remediateBy: null,
      breached: false,
    });
  });

  it("is byte-for-byte the same for the same metrics, whatever order the records came in", () => {
    expect(renderReportJson(computeMetrics([...records].reverse(), window, NOW))).toBe(json);
    expect(json.endsWith("}\n")).toBe(true);
  });
});

describe("renderReportCsv", () => {
  it("quotes commas, quotes and line breaks per RFC 4180", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField("")).toBe("");
  });

  it("writes a header and one CRLF-terminated row per record", () => {
    const [a] = records;
    const odd: ResponseRecord = { ...a!, key: "k,1", system: 'pay "core"\nteam', resolution: "revoked, then rotated" };
    const csv = renderReportCsv([odd]);
    expect(csv).toBe(
      "key,repo,issue,url,severity,identity_class,owner,system,state,opened_at,acknowledged_at,remediated_at,resolution,remediate_by,breached,escalation_level,auto_revoked,time_to_acknowledge_h,time_to_remediate_h\r\n" +
        '"k,1",acme/api,1,https://github.com/acme/responses/issues/1,critical,aws-access-key,@alice,"pay ""core""\nteam",closed,' +
        '2026-11-02T09:00:00.000Z,2026-11-02T09:30:00.000Z,2026-11-02T13:00:00.000Z,"revoked, then rotated",2026-11-02T17:00:00.000Z,false,0,false,0.5,4\r\n',
    );
  });

  it("leaves nulls empty and uses the report's definitions for the times", () => {
    const inScope = recordsInScope(records, window);
    const rows = renderReportCsv(inScope).split("\r\n");
    expect(rows).toHaveLength(inScope.length + 2); // header, rows, and the empty string after the last CRLF
    // C: never acknowledged, 48 h − 24 h snoozed → 24 h to remediate, and so to acknowledge.
    expect(rows[3]).toBe(
      "secret-scanning:acme/api#3,acme/api,3,https://github.com/acme/responses/issues/3,high,aws-access-key,@alice,,closed,2026-11-04T08:00:00.000Z,,2026-11-06T08:00:00.000Z,revoked,2026-11-05T08:00:00.000Z,true,0,false,24,24",
    );
    // F: open, no deadline, nothing acknowledged or remediated.
    expect(rows[6]).toBe(
      "secret-scanning:acme/api#6,acme/api,6,https://github.com/acme/responses/issues/6,low,generic,(unassigned),,open,2026-10-01T00:00:00.000Z,,,,,false,0,false,,",
    );
  });
});
