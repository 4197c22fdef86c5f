import { describe, expect, it } from "vitest";
import type { Calendar } from "../../../src/core/sla/calendar.ts";
import {
  atRiskShareSchema,
  clockLabel,
  clockState,
  computeDeadlines,
  DEFAULT_BUSINESS_CALENDAR,
  DEFAULT_SLA,
  remaining,
  type ClockState,
  type Severity,
  type SlaTarget,
} from "../../../src/core/sla/deadlines.ts";

// 2026: Mon 23 Nov … Fri 27 Nov, Sat 28, Sun 29, Mon 30 Nov. The default business calendar is Mon–Fri 09:00–17:00 UTC.
const t = (iso: string) => new Date(iso);
const MIN = 60_000;
const H = 60 * MIN;
const ALWAYS: Calendar = { kind: "24x7" };

describe("DEFAULT_SLA", () => {
  it("holds the documented defaults", () => {
    expect(DEFAULT_SLA).toEqual({
      critical: { acknowledge: { kind: "elapsed", ms: 1 * H }, remediate: { kind: "elapsed", ms: 4 * H }, calendar: { kind: "24x7" } },
      high: { acknowledge: { kind: "elapsed", ms: 8 * H }, remediate: { kind: "elapsed", ms: 24 * H }, calendar: { kind: "24x7" } },
      medium: {
        acknowledge: { kind: "working-days", days: 1 },
        remediate: { kind: "working-days", days: 5 },
        calendar: DEFAULT_BUSINESS_CALENDAR,
      },
      low: {
        acknowledge: { kind: "working-days", days: 2 },
        remediate: { kind: "working-days", days: 15 },
        calendar: DEFAULT_BUSINESS_CALENDAR,
      },
    });
    expect(DEFAULT_BUSINESS_CALENDAR).toEqual({
      kind: "business",
      timeZone: "UTC",
      days: [1, 2, 3, 4, 5],
      start: "09:00",
      end: "17:00",
      holidays: [],
    });
  });

  it("cannot be changed by one caller for everyone", () => {
    expect(() => {
      (DEFAULT_SLA.critical as { acknowledge: unknown }).acknowledge = { kind: "elapsed", ms: 1 };
    }).toThrow(TypeError);
    expect(() => {
      (DEFAULT_BUSINESS_CALENDAR as { holidays: string[] }).holidays.push("2026-12-25");
    }).toThrow(TypeError);
  });
});

describe("computeDeadlines with the default targets", () => {
  it.each<[Severity, string, string, string]>([
    ["critical", "2026-11-27T16:00:00Z", "2026-11-27T17:00:00Z", "2026-11-27T20:00:00Z"],
    ["high", "2026-11-27T16:00:00Z", "2026-11-28T00:00:00Z", "2026-11-28T16:00:00Z"],
    ["medium", "2026-11-27T16:00:00Z", "2026-11-30T16:00:00Z", "2026-12-04T16:00:00Z"],
    ["low", "2026-11-27T16:00:00Z", "2026-12-01T16:00:00Z", "2026-12-18T16:00:00Z"],
    ["critical", "2026-11-28T10:00:00Z", "2026-11-28T11:00:00Z", "2026-11-28T14:00:00Z"],
    ["medium", "2026-11-28T10:00:00Z", "2026-11-30T17:00:00Z", "2026-12-04T17:00:00Z"],
  ])("%s opened %s: acknowledge by %s, remediate by %s", (severity, start, ack, rem) => {
    expect(computeDeadlines(t(start), DEFAULT_SLA[severity])).toEqual({ acknowledgeBy: t(ack), remediateBy: t(rem) });
  });

  it("counts both clocks from the opening, on the target's own calendar and zone, across the autumn DST change", () => {
    const target: SlaTarget = {
      acknowledge: { kind: "elapsed", ms: 4 * H },
      remediate: { kind: "working-days", days: 2 },
      calendar: { kind: "business", timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", holidays: [] },
    };
    expect(computeDeadlines(t("2026-10-23T15:00:00+02:00"), target)).toEqual({
      acknowledgeBy: t("2026-10-26T11:00:00+01:00"), // 2 h Friday + 2 h Monday
      remediateBy: t("2026-10-27T15:00:00+01:00"), // 15:00 on the 2nd working day, local time
    });
  });
});

describe("clockState: share of the window's working time used", () => {
  // 24x7, 4 h: 10:00 → 14:00.
  it.each<[string, string, ClockState]>([
    ["before the clock starts", "2026-11-23T09:00:00Z", "on-track"],
    ["0% used", "2026-11-23T10:00:00Z", "on-track"],
    ["74% used (2 h 57 min 36 s)", "2026-11-23T12:57:36Z", "on-track"],
    ["75% used (3 h)", "2026-11-23T13:00:00Z", "at-risk"],
    ["99% used", "2026-11-23T13:57:36Z", "at-risk"],
    ["100% used: the deadline", "2026-11-23T14:00:00Z", "breached"],
    ["after the deadline", "2026-11-24T09:00:00Z", "breached"],
  ])("24x7 4 h window, %s → %s", (_, now, state) => {
    expect(clockState(ALWAYS, t("2026-11-23T10:00:00Z"), t("2026-11-23T14:00:00Z"), t(now))).toBe(state);
  });

  // Business calendar, 5 business days from Mon 09:00 = 40 working hours, due Fri 17:00.
  it.each<[string, string, ClockState]>([
    ["0% used", "2026-11-23T09:00:00Z", "on-track"],
    ["74% used (29 h 36 min: Thu 14:36)", "2026-11-26T14:36:00Z", "on-track"],
    ["a second before 75%", "2026-11-26T14:59:59Z", "on-track"],
    ["75% used (30 h: Thu 15:00)", "2026-11-26T15:00:00Z", "at-risk"],
    ["100% used: Fri 17:00", "2026-11-27T17:00:00Z", "breached"],
  ])("medium remediation on business hours, %s → %s", (_, now, state) => {
    const start = t("2026-11-23T09:00:00Z");
    const { remediateBy } = computeDeadlines(start, DEFAULT_SLA.medium);
    expect(remediateBy).toEqual(t("2026-11-27T17:00:00Z"));
    expect(clockState(DEFAULT_BUSINESS_CALENDAR, start, remediateBy, t(now))).toBe(state);
  });

  // Acknowledge 1 business day from Fri 15:00 → Mon 15:00: 8 working hours, 75% = Mon 13:00.
  it.each<[string, ClockState, ClockState]>([
    ["2026-11-27T17:00:00Z", "on-track", "on-track"],
    ["2026-11-28T12:00:00Z", "on-track", "on-track"],
    ["2026-11-29T23:59:00Z", "on-track", "at-risk"],
    ["2026-11-30T12:59:00Z", "on-track", "at-risk"],
    ["2026-11-30T13:00:00Z", "at-risk", "at-risk"],
    ["2026-11-30T15:00:00Z", "breached", "breached"],
  ])(
    "a business clock stands still over the weekend: at %s it is %s (a 24x7 clock over the same window: %s)",
    (now, business, roundTheClock) => {
      const start = t("2026-11-27T15:00:00Z");
      const deadline = t("2026-11-30T15:00:00Z");
      expect(clockState(DEFAULT_BUSINESS_CALENDAR, start, deadline, t(now))).toBe(business);
      expect(clockState(ALWAYS, start, deadline, t(now))).toBe(roundTheClock);
    },
  );

  it("uses the configured share", () => {
    const at = (now: string, share?: number) => clockState(ALWAYS, t("2026-11-23T10:00:00Z"), t("2026-11-23T14:00:00Z"), t(now), share);
    expect(at("2026-11-23T12:00:00Z", 0.5)).toBe("at-risk");
    expect(at("2026-11-23T12:00:00Z")).toBe("on-track");
    expect(at("2026-11-23T13:59:59Z", 1)).toBe("on-track");
    expect(() => at("2026-11-23T12:00:00Z", 0)).toThrow(RangeError);
    expect(() => at("2026-11-23T12:00:00Z", 1.5)).toThrow(RangeError);
    expect(() => at("2026-11-23T12:00:00Z", Number.NaN)).toThrow(RangeError);
  });

  it("labels the states sla:on-track, sla:at-risk, sla:breached", () => {
    expect((["on-track", "at-risk", "breached"] as const).map(clockLabel)).toEqual(["sla:on-track", "sla:at-risk", "sla:breached"]);
  });
});

describe("remaining", () => {
  it.each<[string, Calendar, string, string, number]>([
    ["24x7: real time left", ALWAYS, "2026-11-27T16:00:00Z", "2026-11-30T10:00:00Z", 66 * H],
    [
      "business hours: working time left (1 h Friday + 1 h Monday)",
      DEFAULT_BUSINESS_CALENDAR,
      "2026-11-27T16:00:00Z",
      "2026-11-30T10:00:00Z",
      2 * H,
    ],
    ["at the deadline: nothing", DEFAULT_BUSINESS_CALENDAR, "2026-11-30T10:00:00Z", "2026-11-30T10:00:00Z", 0],
    ["overdue: minus the time since", DEFAULT_BUSINESS_CALENDAR, "2026-11-30T12:00:00Z", "2026-11-30T10:00:00Z", -2 * H],
    [
      "overdue over a weekend: minus the real time since, not the working time",
      DEFAULT_BUSINESS_CALENDAR,
      "2026-11-30T09:00:00Z",
      "2026-11-27T17:00:00Z",
      -64 * H,
    ],
  ])("%s", (_, cal, now, deadline, ms) => {
    expect(remaining(cal, t(now), t(deadline))).toBe(ms);
  });
});

describe("atRiskShareSchema", () => {
  it("accepts a share above 0 and at most 1", () => {
    expect(atRiskShareSchema.parse(0.75)).toBe(0.75);
    expect(atRiskShareSchema.parse(1)).toBe(1);
  });

  it.each<[unknown, string]>([
    [0, "0"],
    [1.5, "1.5"],
    [75, "75"],
    ["75%", '"75%"'],
    [undefined, "nothing"],
  ])("rejects %j", (input, shown) => {
    expect(atRiskShareSchema.safeParse(input).error?.issues.map((i) => i.message)).toEqual([
      `${shown} is not a share; write a number above 0 and at most 1, like 0.75 for "at risk once 75% of the time is used"`,
    ]);
  });
});
