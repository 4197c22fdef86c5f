import { describe, expect, it } from "vitest";
import {
  ageBucket,
  computeMetrics,
  isoWeeks,
  percentile,
  recordFromIssue,
  recordsInScope,
  summarize,
  type GroupStats,
  type ResponseRecord,
} from "../../../src/core/metrics/index.ts";
import { FROM, HAND_BUILT, NOW, TO, issue } from "./fixtures.ts";

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;

function handBuilt(): ResponseRecord[] {
  return HAND_BUILT.map((s) => recordFromIssue(issue(s), NOW)).filter((r): r is ResponseRecord => r !== null);
}

const window = { from: FROM, to: TO };

function group(groups: GroupStats[], key: string): GroupStats {
  const g = groups.find((x) => x.key === key);
  if (!g) throw new Error(`no group ${key}`);
  return g;
}

describe("percentile: nearest rank", () => {
  it("has no value for no values", () => {
    expect(percentile([], 50)).toBeNull();
    expect(summarize([])).toEqual({ count: 0, meanMs: null, p50Ms: null, p90Ms: null });
  });
  it("is the one value for one value, whatever p", () => {
    expect([0, 50, 90, 100].map((p) => percentile([7], p))).toEqual([7, 7, 7, 7]);
    expect(summarize([7])).toEqual({ count: 1, meanMs: 7, p50Ms: 7, p90Ms: 7 });
  });
  it("with two values: p50 is rank ⌈1⌉ = the smaller, p90 rank ⌈1.8⌉ = 2 = the larger", () => {
    expect(percentile([10, 20], 0)).toBe(10);
    expect(percentile([10, 20], 50)).toBe(10);
    expect(percentile([10, 20], 51)).toBe(20);
    expect(percentile([10, 20], 90)).toBe(20);
    expect(percentile([10, 20], 100)).toBe(20);
    // Unsorted input is sorted first; the mean (15) is not a percentile.
    expect(summarize([20, 10])).toEqual({ count: 2, meanMs: 15, p50Ms: 10, p90Ms: 20 });
  });
  it("the textbook case: 10 values, p90 is rank 9; the mean rounds to the ms", () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(v, 90)).toBe(9);
    expect(percentile(v, 50)).toBe(5);
    expect(summarize([1, 2]).meanMs).toBe(2); // 1.5 → 2
  });
});

describe("age buckets and ISO weeks", () => {
  it("puts each bound in the upper bucket", () => {
    expect([0, D - 1, D, 7 * D - 1, 7 * D, 30 * D - 1, 30 * D, 400 * D].map(ageBucket)).toEqual([
      "<1 d",
      "<1 d",
      "1–7 d",
      "1–7 d",
      "7–30 d",
      "7–30 d",
      ">30 d",
      ">30 d",
    ]);
  });
  it("lists the ISO weeks that overlap the window, clipped to it, across a 53-week year", () => {
    const weeks = isoWeeks({ from: new Date("2026-12-30T12:00:00Z"), to: new Date("2027-01-05T00:00:00Z") });
    expect(weeks.map((w) => [w.week, w.from.toISOString(), w.to.toISOString()])).toEqual([
      ["2026-W53", "2026-12-30T12:00:00.000Z", "2027-01-04T00:00:00.000Z"],
      ["2027-W01", "2027-01-04T00:00:00.000Z", "2027-01-05T00:00:00.000Z"],
    ]);
    expect(isoWeeks({ from: TO, to: TO })).toEqual([]);
  });
});

describe("computeMetrics on the hand-built set (window 2–16 Nov 2026, now = 16 Nov 00:00)", () => {
  const records = handBuilt();
  const m = computeMetrics(records, window, NOW);

  it("reads every issue", () => {
    expect(records).toHaveLength(11);
  });

  it("scopes: opened in the window, remediated in it, or open now", () => {
    // In: A B C D I K (opened in the window), H (opened 25 Oct, remediated 3 Nov), E F G K (open).
    // Out: J (opened and remediated in September).
    expect(recordsInScope(records, window).map((r) => r.issue)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(m.totals).toEqual({
      items: 10,
      opened: 7, // A B C D E I K
      remediated: 5, // A B C D H
      acknowledged: 6, // A B D K explicitly, C H by their fix (G's was on 20 Oct)
      open: 4, // E F G K
      closedUnresolved: 1, // I
      breached: 5, // B (event, late), C (late), G (open past), H (late), K (event, open past)
      escalated: 3, // B level 2, G level 3, K level 1
      autoRevoked: 2, // H, K
      reopened: 1, // D
    });
  });

  it("time to remediate: snoozes subtracted, a reopened item once with its final fix", () => {
    // A 4 h; B 24 h; C 48 h − 24 h snoozed = 24 h; D 48 h (9 Nov 09:00 → 11 Nov 09:00, not the first
    // 2 h fix); H 9 days = 216 h. Sorted 4, 24, 24, 48, 216.
    // p50: rank ⌈0.5 × 5⌉ = 3 → 24 h. p90: rank ⌈4.5⌉ = 5 → 216 h. Mean (4+24+24+48+216)/5 = 316/5 = 63.2 h.
    expect(m.timeToRemediate).toEqual({ count: 5, meanMs: 63.2 * H, p50Ms: 24 * H, p90Ms: 216 * H });
  });

  it("time to acknowledge: a fix acknowledges when nobody did", () => {
    // K 15 min, A 30 min, D 1 h, B 2 h, C 24 h (its time to remediate), H 216 h (ditto).
    // G was acknowledged on 20 Oct (outside); E, F and I were never acknowledged nor fixed.
    // p50: rank ⌈3⌉ = 3 → 1 h. p90: rank ⌈5.4⌉ = 6 → 216 h.
    // Mean (0.25 + 0.5 + 1 + 2 + 24 + 216)/6 = 243.75/6 = 40.625 h = 40 h 37 min 30 s.
    expect(m.timeToAcknowledge).toEqual({ count: 6, meanMs: 40.625 * H, p50Ms: 1 * H, p90Ms: 216 * H });
  });

  it("SLA compliance counts each deadline once, in the window where it was met or missed", () => {
    // Met: A (13:00 ≤ 17:00), D (11 Nov ≤ 12 Nov). Missed: B (due 3 Nov 18:00), C (due 5 Nov, fixed
    // 6 Nov: the snooze did not move it), K (due 15 Nov, open). Not counted: G and H (missed in
    // October), E and I (due after now), F (no deadline). 2 / 5 = 40 %.
    expect(m.compliance).toEqual({ met: 2, missed: 3, rate: 0.4 });
  });

  it("by severity: always all four, most severe first", () => {
    expect(m.bySeverity.map((g) => [g.key, g.items])).toEqual([
      ["critical", 3],
      ["high", 5],
      ["medium", 1],
      ["low", 1],
    ]);
    // critical = A, B, G. Acknowledged after 30 min and 2 h → mean 75 min, p50 (rank 1) 30 min.
    // Remediated after 4 h and 24 h → p50 4 h, p90 24 h. A met, B missed → 50 %.
    expect(group(m.bySeverity, "critical")).toEqual({
      key: "critical",
      items: 3,
      opened: 2,
      open: 1,
      remediated: 2,
      breached: 2,
      timeToAcknowledge: { count: 2, meanMs: 75 * MIN, p50Ms: 30 * MIN, p90Ms: 2 * H },
      timeToRemediate: { count: 2, meanMs: 14 * H, p50Ms: 4 * H, p90Ms: 24 * H },
      compliance: { met: 1, missed: 1, rate: 0.5 },
    });
    // high = C, D, E, H, K. Acknowledged: K 15 min, D 1 h, C 24 h, H 216 h → p50 rank 2 = 1 h,
    // mean (0.25+1+24+216)/4 = 60.3125 h. Remediated: C 24 h, D 48 h, H 216 h → p50 rank 2 = 48 h,
    // p90 rank 3 = 216 h, mean 96 h. C missed, D met, K missed → 1/3.
    expect(group(m.bySeverity, "high")).toEqual({
      key: "high",
      items: 5,
      opened: 4,
      open: 2,
      remediated: 3,
      breached: 3,
      timeToAcknowledge: { count: 4, meanMs: 60.3125 * H, p50Ms: 1 * H, p90Ms: 216 * H },
      timeToRemediate: { count: 3, meanMs: 96 * H, p50Ms: 48 * H, p90Ms: 216 * H },
      compliance: { met: 1, missed: 2, rate: 1 / 3 },
    });
    expect(group(m.bySeverity, "medium").compliance).toEqual({ met: 0, missed: 0, rate: null });
  });

  it("by owner: assignee, else the team mentioned, else (unassigned); most items first, then by name", () => {
    expect(m.byOwner.map((g) => [g.key, g.items])).toEqual([
      ["@alice", 3], // A C K
      ["@bob", 2], // B G
      ["@carol", 2], // D H
      ["(unassigned)", 1], // F
      ["@acme/platform", 1], // E
      ["@dave", 1], // I
    ]);
    // alice: A met, C missed, K missed → 1/3; acknowledged after 15 min, 30 min, 24 h → p50 30 min.
    expect(group(m.byOwner, "@alice").compliance).toEqual({ met: 1, missed: 2, rate: 1 / 3 });
    expect(group(m.byOwner, "@alice").timeToAcknowledge.p50Ms).toBe(30 * MIN);
    // bob: B missed (G was decided in October) → 0 %.
    expect(group(m.byOwner, "@bob").compliance).toEqual({ met: 0, missed: 1, rate: 0 });
    // carol: D met → 100 %; remediated after 48 h and 216 h.
    expect(group(m.byOwner, "@carol")).toMatchObject({
      compliance: { met: 1, missed: 0, rate: 1 },
      timeToRemediate: { p50Ms: 48 * H, p90Ms: 216 * H },
    });
  });

  it("by identity class and by system", () => {
    expect(m.byIdentityClass.map((g) => [g.key, g.items])).toEqual([
      ["aws-access-key", 4],
      ["generic", 2],
      ["github-pat", 2],
      ["slack-token", 2],
    ]);
    // aws-access-key = A C G K: A met, C missed, K missed.
    expect(group(m.byIdentityClass, "aws-access-key").compliance).toEqual({ met: 1, missed: 2, rate: 1 / 3 });
    expect(m.bySystem.map((g) => [g.key, g.items])).toEqual([
      ["payments", 4],
      ["(no system)", 3],
      ["chat", 3],
    ]);
  });

  it("escalations per highest level reached, and auto-revocations", () => {
    expect(m.escalations).toEqual([
      { level: 1, count: 1 },
      { level: 2, count: 1 },
      { level: 3, count: 1 },
    ]);
  });

  it("open backlog by age and severity", () => {
    // E 5 d 12 h, K 2 d → 1–7 d; G 27 d → 7–30 d; F 46 d → >30 d.
    expect(m.backlog).toEqual({
      total: 4,
      byAge: [
        { bucket: "<1 d", count: 0 },
        { bucket: "1–7 d", count: 2 },
        { bucket: "7–30 d", count: 1 },
        { bucket: ">30 d", count: 1 },
      ],
      bySeverity: [
        { severity: "critical", count: 1 },
        { severity: "high", count: 2 },
        { severity: "medium", count: 0 },
        { severity: "low", count: 1 },
      ],
    });
  });

  it("slowest open items, oldest first, with owner and age", () => {
    expect(m.slowestOpen.map((o) => [o.issue, o.owner, o.ageMs, o.breached])).toEqual([
      [6, "(unassigned)", 46 * D, false],
      [7, "@bob", 27 * D, true],
      [5, "@acme/platform", 5 * D + 12 * H, false],
      [11, "@alice", 2 * D, true],
    ]);
  });

  it("weekly series: MTTR p50 and compliance per ISO week", () => {
    // W45 (2–9 Nov): remediated A 4 h, H 216 h, B 24 h, C 24 h → sorted 4, 24, 24, 216, p50 rank 2 = 24 h;
    // decided A met, B missed, C missed → 1/3.
    // W46 (9–16 Nov): remediated D 48 h; decided D met, K missed → 1/2.
    expect(m.weekly.map((w) => [w.week, w.timeToRemediate.count, w.timeToRemediate.p50Ms, w.compliance])).toEqual([
      ["2026-W45", 4, 24 * H, { met: 1, missed: 2, rate: 1 / 3 }],
      ["2026-W46", 1, 48 * H, { met: 1, missed: 1, rate: 0.5 }],
    ]);
  });

  it("is the same whatever order the records come in", () => {
    expect(computeMetrics([...records].reverse(), window, NOW)).toEqual(m);
  });

  it("refuses a window that ends before it starts", () => {
    expect(() => computeMetrics(records, { from: TO, to: FROM }, NOW)).toThrow(RangeError);
  });
});

describe("computeMetrics at scale", () => {
  it("5,000 generated records: completes and every breakdown adds up to the totals", () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const severities = ["critical", "high", "medium", "low"] as const;
    const start = new Date("2026-01-01T00:00:00Z").getTime();
    const now = new Date("2026-12-01T00:00:00Z");
    const records: ResponseRecord[] = Array.from({ length: 5000 }, (_, i) => {
      const openedAt = new Date(start + Math.floor(rand() * 330 * D));
      const fixed = rand() < 0.7;
      const remediatedAt = fixed ? new Date(Math.min(now.getTime(), openedAt.getTime() + Math.floor(rand() * 20 * D))) : null;
      const remediateBy = rand() < 0.9 ? new Date(openedAt.getTime() + Math.floor(rand() * 10 * D)) : null;
      return {
        key: `k${i}`,
        repo: `acme/r${i % 37}`,
        issue: i + 1,
        url: `https://github.com/acme/x/issues/${i + 1}`,
        title: `t${i}`,
        state: fixed || rand() < 0.1 ? "closed" : "open",
        severity: severities[i % 4]!,
        identityClass: `class-${i % 13}`,
        owner: `@owner${i % 97}`,
        system: i % 5 ? `sys${i % 7}` : null,
        openedAt,
        acknowledgedAt: rand() < 0.5 ? new Date(openedAt.getTime() + Math.floor(rand() * D)) : null,
        remediatedAt,
        resolution: fixed ? "revoked" : null,
        acknowledgeBy: null,
        remediateBy,
        escalationLevel: Math.floor(rand() * 4),
        breached: false,
        autoRevoked: rand() < 0.1,
        reopened: rand() < 0.05 ? 1 : 0,
        snoozedMs: rand() < 0.1 ? Math.floor(rand() * D) : 0,
      };
    });
    const window = { from: new Date("2026-06-01T00:00:00Z"), to: now };
    const m = computeMetrics(records, window, now);
    const sum = (xs: { items: number }[]) => xs.reduce((s, g) => s + g.items, 0);
    expect(m.totals.items).toBe(recordsInScope(records, window).length);
    expect(m.totals.items).toBeGreaterThan(2000);
    for (const groups of [m.bySeverity, m.byOwner, m.byIdentityClass, m.bySystem]) expect(sum(groups)).toBe(m.totals.items);
    expect(m.backlog.byAge.reduce((s, a) => s + a.count, 0)).toBe(m.totals.open);
    expect(m.backlog.bySeverity.reduce((s, a) => s + a.count, 0)).toBe(m.totals.open);
    expect(m.timeToRemediate.count).toBe(m.totals.remediated);
    // The weeks partition the window, so they add up to it.
    expect(m.weekly.reduce((s, w) => s + w.timeToRemediate.count, 0)).toBe(m.totals.remediated);
    expect(m.weekly.reduce((s, w) => s + w.compliance.met + w.compliance.missed, 0)).toBe(m.compliance.met + m.compliance.missed);
    expect(m.escalations.reduce((s, e) => s + e.count, 0)).toBe(m.totals.escalated);
    expect(m.slowestOpen).toHaveLength(10);
  });
});
