import { describe, expect, it } from "vitest";
import {
  addWorkingTime,
  isWorkingTime,
  nextOpening,
  workingLength,
  workingTimeBetween,
  type Calendar,
} from "../../../src/core/sla/calendar.ts";
import type { Duration } from "../../../src/core/sla/duration.ts";

// Instants are written with their Europe/Berlin offset: +01:00 in winter (CET), +02:00 in summer (CEST).
// 2026: Mon 23 Nov, Fri 27 Nov, Sat 28 Nov, Mon 30 Nov; holidays Thu 24 + Fri 25 Dec;
// DST starts Sun 29 Mar (02:00 → 03:00) and ends Sun 25 Oct (03:00 → 02:00).
const t = (iso: string) => new Date(iso);
const MIN = 60_000;
const H = 60 * MIN;
const hours = (n: number): Duration => ({ kind: "elapsed", ms: n * H });
const bd = (days: number): Duration => ({ kind: "working-days", days });

const ALWAYS: Calendar = { kind: "24x7" };
const BERLIN: Calendar = {
  kind: "business",
  timeZone: "Europe/Berlin",
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "17:00",
  holidays: ["2026-12-24", "2026-12-25"],
};
const BERLIN_EVERY_DAY: Calendar = {
  kind: "business",
  timeZone: "Europe/Berlin",
  days: [1, 2, 3, 4, 5, 6, 7],
  start: "09:00",
  end: "17:00",
  holidays: [],
};
/** Round the clock, but in a zone with holidays: its hours contain the DST changes. */
const BERLIN_ALL_HOURS: Calendar = {
  kind: "business",
  timeZone: "Europe/Berlin",
  days: [1, 2, 3, 4, 5, 6, 7],
  start: "00:00",
  end: "24:00",
  holidays: ["2026-12-25"],
};

describe("24x7 calendar: the clock always runs, on real elapsed time", () => {
  it("is working time at 03:00 on a Sunday, and the next opening is now", () => {
    expect(isWorkingTime(ALWAYS, t("2026-11-29T03:00:00+01:00"))).toBe(true);
    expect(nextOpening(ALWAYS, t("2026-11-29T03:00:00+01:00"))).toEqual(t("2026-11-29T03:00:00+01:00"));
  });

  it("puts a 4 h deadline 4 h later, at night and at weekends", () => {
    expect(addWorkingTime(ALWAYS, t("2026-11-28T22:30:00+01:00"), hours(4))).toEqual(t("2026-11-29T02:30:00+01:00"));
  });

  it("counts a working day as 24 h", () => {
    expect(addWorkingTime(ALWAYS, t("2026-11-27T16:00:00+01:00"), bd(2))).toEqual(t("2026-11-29T16:00:00+01:00"));
    expect(workingLength(ALWAYS, bd(2))).toBe(48 * H);
  });

  it("measures working time as elapsed time, negative backwards", () => {
    expect(workingTimeBetween(ALWAYS, t("2026-11-27T16:00:00+01:00"), t("2026-11-30T10:00:00+01:00"))).toBe(66 * H);
    expect(workingTimeBetween(ALWAYS, t("2026-11-30T10:00:00+01:00"), t("2026-11-27T16:00:00+01:00"))).toBe(-66 * H);
  });
});

describe("business hours (Mon–Fri 09:00–17:00 Europe/Berlin, 24 + 25 Dec off): when the clock runs", () => {
  it.each<[string, string, boolean, string]>([
    ["at opening", "2026-11-23T09:00:00+01:00", true, "2026-11-23T09:00:00+01:00"],
    ["a minute before opening", "2026-11-23T08:59:00+01:00", false, "2026-11-23T09:00:00+01:00"],
    ["a second before closing", "2026-11-23T16:59:59+01:00", true, "2026-11-23T16:59:59+01:00"],
    ["at closing", "2026-11-23T17:00:00+01:00", false, "2026-11-24T09:00:00+01:00"],
    ["Friday evening", "2026-11-27T18:00:00+01:00", false, "2026-11-30T09:00:00+01:00"],
    ["Saturday noon", "2026-11-28T12:00:00+01:00", false, "2026-11-30T09:00:00+01:00"],
    ["on a holiday", "2026-12-24T10:00:00+01:00", false, "2026-12-28T09:00:00+01:00"],
    ["the evening before two holidays and a weekend", "2026-12-23T17:30:00+01:00", false, "2026-12-28T09:00:00+01:00"],
    ["08:30 UTC, which is 09:30 in Berlin", "2026-11-23T08:30:00Z", true, "2026-11-23T08:30:00Z"],
    ["16:30 UTC, which is 17:30 in Berlin", "2026-11-23T16:30:00Z", false, "2026-11-24T09:00:00+01:00"],
  ])("%s: working=%s, next opening %s", (_, at, working, opening) => {
    expect(isWorkingTime(BERLIN, t(at))).toBe(working);
    expect(nextOpening(BERLIN, t(at))).toEqual(t(opening));
  });
});

describe("business hours: elapsed durations count working time only", () => {
  it.each<[string, string, number, string]>([
    ["inside hours, same day", "2026-11-23T10:00:00+01:00", 2, "2026-11-23T12:00:00+01:00"],
    ["using up the day ends at closing, not next morning", "2026-11-23T09:00:00+01:00", 8, "2026-11-23T17:00:00+01:00"],
    ["1 h Monday + 7 h Tuesday", "2026-11-23T16:00:00+01:00", 8, "2026-11-24T16:00:00+01:00"],
    ["over a weekend", "2026-11-27T16:00:00+01:00", 2, "2026-11-30T10:00:00+01:00"],
    ["over two holidays and a weekend", "2026-12-23T16:00:00+01:00", 2, "2026-12-28T10:00:00+01:00"],
    ["started before opening: from 09:00", "2026-11-23T07:00:00+01:00", 2, "2026-11-23T11:00:00+01:00"],
    ["started after closing: from next morning", "2026-11-23T18:00:00+01:00", 2, "2026-11-24T11:00:00+01:00"],
    ["started on a Saturday: from Monday 09:00", "2026-11-28T12:00:00+01:00", 2, "2026-11-30T11:00:00+01:00"],
    ["started on a holiday: from the next working day", "2026-12-24T10:00:00+01:00", 2, "2026-12-28T11:00:00+01:00"],
    ["2d is 48 working hours: six 8-hour days", "2026-11-23T09:00:00+01:00", 48, "2026-11-30T17:00:00+01:00"],
  ])("%s", (_, start, h, deadline) => {
    expect(addWorkingTime(BERLIN, t(start), hours(h))).toEqual(t(deadline));
    expect(workingTimeBetween(BERLIN, t(start), t(deadline))).toBe(h * H);
  });
});

describe("business hours: N working days end at the same local time on the Nth working day; a clock started at or outside opening hours ends at a closing", () => {
  it.each<[string, string, number, string]>([
    ["Mon 10:00 + 1 → Tue 10:00", "2026-11-23T10:00:00+01:00", 1, "2026-11-24T10:00:00+01:00"],
    ["Mon 16:30 + 1 → Tue 16:30", "2026-11-23T16:30:00+01:00", 1, "2026-11-24T16:30:00+01:00"],
    ["Fri 10:00 + 1 → Mon 10:00 (weekend skipped)", "2026-11-27T10:00:00+01:00", 1, "2026-11-30T10:00:00+01:00"],
    ["Mon 10:00 + 5 → next Mon 10:00", "2026-11-23T10:00:00+01:00", 5, "2026-11-30T10:00:00+01:00"],
    ["Wed 10:00 + 1 → Mon 10:00 (holidays Thu, Fri skipped)", "2026-12-23T10:00:00+01:00", 1, "2026-12-28T10:00:00+01:00"],
    ["started at opening Mon 09:00 + 1 → Mon 17:00", "2026-11-23T09:00:00+01:00", 1, "2026-11-23T17:00:00+01:00"],
    ["started before opening Mon 07:00 + 1 → Mon 17:00", "2026-11-23T07:00:00+01:00", 1, "2026-11-23T17:00:00+01:00"],
    ["started after closing Fri 18:00 + 1 → Mon 17:00", "2026-11-27T18:00:00+01:00", 1, "2026-11-30T17:00:00+01:00"],
    ["started on a Saturday + 2 → Tue 17:00", "2026-11-28T12:00:00+01:00", 2, "2026-12-01T17:00:00+01:00"],
    ["started on a holiday Thu + 1 → Mon 17:00", "2026-12-24T10:00:00+01:00", 1, "2026-12-28T17:00:00+01:00"],
    ["started at opening Mon 09:00 + 5 → Fri 17:00", "2026-11-23T09:00:00+01:00", 5, "2026-11-27T17:00:00+01:00"],
  ])("%s", (_, start, days, deadline) => {
    expect(addWorkingTime(BERLIN, t(start), bd(days))).toEqual(t(deadline));
    expect(workingTimeBetween(BERLIN, t(start), t(deadline))).toBe(days * 8 * H);
  });

  it("counts a working day as the length of the opening hours", () => {
    expect(workingLength(BERLIN, bd(5))).toBe(40 * H);
    expect(workingLength(BERLIN, hours(3))).toBe(3 * H);
  });

  it("returns the clock's start for zero working days or zero time", () => {
    expect(addWorkingTime(BERLIN, t("2026-11-28T12:00:00+01:00"), bd(0))).toEqual(t("2026-11-30T09:00:00+01:00"));
    expect(addWorkingTime(BERLIN, t("2026-11-28T12:00:00+01:00"), hours(0))).toEqual(t("2026-11-30T09:00:00+01:00"));
  });

  it("refuses negative and fractional durations", () => {
    expect(() => addWorkingTime(BERLIN, t("2026-11-23T10:00:00+01:00"), hours(-1))).toThrow(RangeError);
    expect(() => addWorkingTime(BERLIN, t("2026-11-23T10:00:00+01:00"), bd(1.5))).toThrow(/whole number/);
  });
});

describe("business hours: working time between two instants", () => {
  it.each<[string, string, string, number]>([
    ["a full week is 5 × 8 h", "2026-11-23T00:00:00+01:00", "2026-11-30T00:00:00+01:00", 40 * H],
    ["a week with two holidays is 3 × 8 h", "2026-12-21T00:00:00+01:00", "2026-12-28T00:00:00+01:00", 24 * H],
    ["Fri 16:00 → Mon 10:00 is 2 h", "2026-11-27T16:00:00+01:00", "2026-11-30T10:00:00+01:00", 2 * H],
    ["a weekend is nothing", "2026-11-28T00:00:00+01:00", "2026-11-30T00:00:00+01:00", 0],
    ["backwards is negative", "2026-11-30T10:00:00+01:00", "2026-11-27T16:00:00+01:00", -2 * H],
  ])("%s", (_, from, to, ms) => {
    expect(workingTimeBetween(BERLIN, t(from), t(to))).toBe(ms);
  });
});

describe("daylight-saving changes in Europe/Berlin do not move deadlines", () => {
  it.each<[string, string, string]>([
    ["24x7 4 h across 29 Mar is 4 real hours (the wall clock moves 5)", "2026-03-28T23:00:00+01:00", "2026-03-29T04:00:00+02:00"],
    ["24x7 4 h across 25 Oct is 4 real hours (the wall clock moves 3)", "2026-10-25T00:30:00+02:00", "2026-10-25T03:30:00+01:00"],
  ])("%s", (_, start, deadline) => {
    expect(addWorkingTime(ALWAYS, t(start), hours(4))).toEqual(t(deadline));
    expect(workingTimeBetween(ALWAYS, t(start), t(deadline))).toBe(4 * H);
  });

  it.each<[string, string, Duration, string]>([
    ["2 h from Fri 16:00 CET ends Mon 10:00 CEST", "2026-03-27T16:00:00+01:00", hours(2), "2026-03-30T10:00:00+02:00"],
    ["1 business day from Fri 10:00 CET ends Mon 10:00 CEST", "2026-03-27T10:00:00+01:00", bd(1), "2026-03-30T10:00:00+02:00"],
    ["2 h from Fri 16:00 CEST ends Mon 10:00 CET", "2026-10-23T16:00:00+02:00", hours(2), "2026-10-26T10:00:00+01:00"],
    ["1 business day from Fri 10:00 CEST ends Mon 10:00 CET", "2026-10-23T10:00:00+02:00", bd(1), "2026-10-26T10:00:00+01:00"],
    [
      "started Sunday 29 Mar after the change, 1 business day ends Mon 17:00 CEST",
      "2026-03-29T12:00:00+02:00",
      bd(1),
      "2026-03-30T17:00:00+02:00",
    ],
  ])("Mon–Fri 09:00–17:00: %s", (_, start, d, deadline) => {
    expect(addWorkingTime(BERLIN, t(start), d)).toEqual(t(deadline));
  });

  it.each<[string, string, string, string, string]>([
    [
      "29 Mar (02:00 → 03:00)",
      "2026-03-29T00:00:00+01:00",
      "2026-03-30T00:00:00+02:00",
      "2026-03-29T09:00:00+02:00",
      "2026-03-29T17:00:00+02:00",
    ],
    [
      "25 Oct (03:00 → 02:00)",
      "2026-10-25T00:00:00+02:00",
      "2026-10-26T00:00:00+01:00",
      "2026-10-25T09:00:00+01:00",
      "2026-10-25T17:00:00+01:00",
    ],
  ])("every day 09:00–17:00: on %s the day opens at 09:00 local and has 8 working hours", (_, midnight, nextMidnight, opening, closing) => {
    expect(workingTimeBetween(BERLIN_EVERY_DAY, t(midnight), t(nextMidnight))).toBe(8 * H);
    expect(nextOpening(BERLIN_EVERY_DAY, t(midnight))).toEqual(t(opening));
    expect(addWorkingTime(BERLIN_EVERY_DAY, t(midnight), hours(8))).toEqual(t(closing));
  });

  it("on 00:00–24:00 hours, hours are real hours: 24 h from Sat 10:00 before the spring change ends Sun 11:00", () => {
    expect(addWorkingTime(BERLIN_ALL_HOURS, t("2026-03-28T10:00:00+01:00"), hours(24))).toEqual(t("2026-03-29T11:00:00+02:00"));
  });

  it("on 00:00–24:00 hours, a working day stays on the wall clock: Sat 10:00 + 1 day is Sun 10:00 (23 h in spring, 25 h in autumn)", () => {
    const spring = addWorkingTime(BERLIN_ALL_HOURS, t("2026-03-28T10:00:00+01:00"), bd(1));
    expect(spring).toEqual(t("2026-03-29T10:00:00+02:00"));
    expect(workingTimeBetween(BERLIN_ALL_HOURS, t("2026-03-28T10:00:00+01:00"), spring)).toBe(23 * H);
    const autumn = addWorkingTime(BERLIN_ALL_HOURS, t("2026-10-24T10:00:00+02:00"), bd(1));
    expect(autumn).toEqual(t("2026-10-25T10:00:00+01:00"));
    expect(workingTimeBetween(BERLIN_ALL_HOURS, t("2026-10-24T10:00:00+02:00"), autumn)).toBe(25 * H);
  });

  it("on 00:00–24:00 hours, a holiday is the whole local day off", () => {
    expect(isWorkingTime(BERLIN_ALL_HOURS, t("2026-12-24T23:59:00+01:00"))).toBe(true);
    expect(isWorkingTime(BERLIN_ALL_HOURS, t("2026-12-25T00:00:00+01:00"))).toBe(false);
    expect(nextOpening(BERLIN_ALL_HOURS, t("2026-12-25T12:00:00+01:00"))).toEqual(t("2026-12-26T00:00:00+01:00"));
    expect(workingTimeBetween(BERLIN_ALL_HOURS, t("2026-12-24T00:00:00+01:00"), t("2026-12-27T00:00:00+01:00"))).toBe(48 * H);
  });
});

describe("other zones", () => {
  const NEW_YORK: Calendar = {
    kind: "business",
    timeZone: "America/New_York",
    days: [1, 2, 3, 4, 5],
    start: "08:30",
    end: "17:30",
    holidays: [],
  };

  it("reads the opening hours on the calendar's wall clock, across the US change on 8 Mar 2026", () => {
    // Fri 6 Mar 17:00 EST (-05:00) + 1 h → Mon 9 Mar 09:00 EDT (-04:00).
    expect(addWorkingTime(NEW_YORK, t("2026-03-06T17:00:00-05:00"), hours(1))).toEqual(t("2026-03-09T09:00:00-04:00"));
  });

  it("throws on a calendar built in code with an unknown time zone or empty days", () => {
    expect(() => isWorkingTime({ ...NEW_YORK, timeZone: "Mars/Olympus" }, t("2026-03-06T12:00:00Z"))).toThrow(
      /"Mars\/Olympus" is not an IANA time zone/,
    );
    expect(() => isWorkingTime({ ...NEW_YORK, days: [] }, t("2026-03-06T12:00:00Z"))).toThrow(/at least one/);
    expect(() => isWorkingTime({ ...NEW_YORK, start: "18:00" }, t("2026-03-06T12:00:00Z"))).toThrow(/18:00-17:30/);
  });
});
