import fc from "fast-check";
import { DateTime } from "luxon";
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

const MIN = 60_000;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);

const biz = (timeZone: string, days: number[], start: string, end: string, holidays: string[] = []): Calendar => ({
  kind: "business",
  timeZone,
  days,
  start,
  end,
  holidays,
});

/** Calendars whose opening hours never contain a daylight-saving change. */
const WALL_CLOCK_SAFE: Calendar[] = [
  { kind: "24x7" },
  biz("Europe/Berlin", [1, 2, 3, 4, 5], "09:00", "17:00", [
    "2026-04-03",
    "2026-04-06",
    "2026-05-01",
    "2026-12-24",
    "2026-12-25",
    "2026-12-31",
    "2027-01-01",
  ]),
  biz("Europe/Berlin", [1, 2, 3, 4, 5, 6, 7], "07:30", "22:00"),
  biz("America/New_York", [1, 2, 3, 4, 5], "08:30", "17:30", ["2026-07-03", "2026-11-26"]),
  biz("Asia/Dubai", [7, 1, 2, 3, 4], "08:00", "16:00"),
  biz("Asia/Kolkata", [1, 2, 3, 4, 5, 6], "10:00", "18:30"),
  biz("Pacific/Auckland", [1, 2, 3, 4, 5], "09:00", "17:00"),
  // Chile changes its clocks at midnight.
  biz("America/Santiago", [1, 2, 3, 4, 5], "09:00", "17:00"),
  biz("UTC", [1, 2, 3, 4, 5], "09:00", "17:00"),
  biz("UTC", [3], "13:15", "15:45", ["2026-06-17"]),
];

/** Round-the-clock hours in zones with daylight saving: the changes fall inside working hours. */
const DST_IN_HOURS: Calendar[] = [
  biz("Europe/Berlin", [1, 2, 3, 4, 5, 6, 7], "00:00", "24:00", ["2026-12-25"]),
  biz("America/Santiago", [1, 2, 3, 4, 5, 6, 7], "00:00", "24:00"),
  biz("America/New_York", [6, 7], "00:00", "24:00"),
];

/** Instants in 2026: any millisecond, or on a quarter hour (which often hits an opening exactly). */
const starts = fc
  .oneof(
    fc.integer({ min: YEAR_START, max: YEAR_END - 1 }),
    fc.integer({ min: 0, max: (YEAR_END - YEAR_START) / (15 * MIN) - 1 }).map((q) => YEAR_START + q * 15 * MIN),
  )
  .map((ms) => new Date(ms));

const elapsed = fc.integer({ min: 1, max: 60 * 24 * 30 }).map((m): Duration => ({ kind: "elapsed", ms: m * MIN }));
const workingDays = fc.integer({ min: 1, max: 30 }).map((days): Duration => ({ kind: "working-days", days }));

const RUNS = { numRuns: 300 };

describe("addWorkingTime and workingTimeBetween agree (random starts in 2026)", () => {
  it("elapsed durations: the working time from start to deadline is the duration, on every calendar", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE, ...DST_IN_HOURS), starts, elapsed, (cal, s, d) => {
        expect(workingTimeBetween(cal, s, addWorkingTime(cal, s, d))).toBe(workingLength(cal, d));
      }),
      RUNS,
    );
  });

  it("working days: the working time from start to deadline is N × the opening hours, where DST stays outside them", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE), starts, workingDays, (cal, s, d) => {
        expect(workingTimeBetween(cal, s, addWorkingTime(cal, s, d))).toBe(workingLength(cal, d));
      }),
      RUNS,
    );
  });

  it("a deadline is the earliest instant the duration is used up: the moment before it is working time", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE, ...DST_IN_HOURS), starts, fc.oneof(elapsed, workingDays), (cal, s, d) => {
        const deadline = addWorkingTime(cal, s, d);
        expect(deadline.getTime()).toBeGreaterThan(nextOpening(cal, s).getTime());
        expect(isWorkingTime(cal, new Date(deadline.getTime() - 1))).toBe(true);
      }),
      RUNS,
    );
  });

  it("working days started inside hours (not at opening) end at the same local wall-clock time, whatever DST did in between", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE.slice(1), ...DST_IN_HOURS), starts, workingDays, (cal, s, d) => {
        if (cal.kind !== "business" || !isWorkingTime(cal, s) || workingTimeBetween(cal, s, new Date(s.getTime() - 1)) === 0) return;
        const local = (at: Date) => DateTime.fromJSDate(at, { zone: cal.timeZone }).toFormat("HH:mm:ss.SSS");
        expect(local(addWorkingTime(cal, s, d))).toBe(local(s));
      }),
      RUNS,
    );
  });

  it("the next opening is working time and nothing before it counts", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE, ...DST_IN_HOURS), starts, (cal, s) => {
        const opening = nextOpening(cal, s);
        expect(isWorkingTime(cal, opening)).toBe(true);
        expect(workingTimeBetween(cal, s, opening)).toBe(0);
        expect(opening.getTime() === s.getTime()).toBe(isWorkingTime(cal, s));
      }),
      RUNS,
    );
  });

  it("working time adds up: a → b plus b → c is a → c, in any order", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WALL_CLOCK_SAFE, ...DST_IN_HOURS), starts, starts, starts, (cal, a, b, c) => {
        expect(workingTimeBetween(cal, a, b) + workingTimeBetween(cal, b, c)).toBe(workingTimeBetween(cal, a, c));
      }),
      { numRuns: 100 },
    );
  });
});
