import { describe, expect, it } from "vitest";
import { z } from "zod";
import { calendarSchema, parseCalendar, type Calendar } from "../../../src/core/sla/calendar.ts";

const business = (over: Partial<Extract<Calendar, { kind: "business" }>> = {}): Calendar => ({
  kind: "business",
  timeZone: "Europe/Berlin",
  days: [1, 2, 3, 4, 5],
  start: "09:00",
  end: "17:00",
  holidays: [],
  ...over,
});

const EXAMPLE = '{ time_zone: "Europe/Berlin", days: "mon-fri", hours: "09:00-17:00", holidays: ["2026-12-25"] }';
const ZONES = 'like "Europe/Berlin", "America/New_York" or "UTC"';
const DAYS = 'like "mon-fri" or ["mon", "tue", "wed"]';

describe("calendarSchema accepts", () => {
  it.each<[string, unknown, Calendar]>([
    ["24x7", "24x7", { kind: "24x7" }],
    ["24X7 with spaces", " 24X7 ", { kind: "24x7" }],
    ["only a time zone: Mon–Fri 09:00–17:00, no holidays", { time_zone: "Europe/Berlin" }, business()],
    ["a time zone in any case, named as IANA writes it", { time_zone: "europe/berlin" }, business()],
    [
      "the full form",
      {
        time_zone: "America/New_York",
        days: ["mon", "tue", "wed", "thu", "fri"],
        hours: "08:30-17:30",
        holidays: ["2026-12-25", "2026-11-26"],
      },
      business({ timeZone: "America/New_York", start: "08:30", end: "17:30", holidays: ["2026-11-26", "2026-12-25"] }),
    ],
    ["a range", { time_zone: "UTC", days: "mon-fri" }, business({ timeZone: "UTC" })],
    [
      "a range wrapping past Sunday",
      { time_zone: "Asia/Dubai", days: "sun-thu" },
      business({ timeZone: "Asia/Dubai", days: [1, 2, 3, 4, 7] }),
    ],
    ["a comma list with a range", { time_zone: "UTC", days: "mon-wed, fri" }, business({ timeZone: "UTC", days: [1, 2, 3, 5] })],
    [
      "full day names in any case, repeats dropped",
      { time_zone: "UTC", days: ["Monday", "TUESDAY", "mon"] },
      business({ timeZone: "UTC", days: [1, 2] }),
    ],
    [
      "one-digit hours and spaces",
      { time_zone: "UTC", hours: "8:30 - 16:00" },
      business({ timeZone: "UTC", start: "08:30", end: "16:00" }),
    ],
    ["a whole day", { time_zone: "UTC", hours: "00:00-24:00" }, business({ timeZone: "UTC", start: "00:00", end: "24:00" })],
    [
      "holidays sorted, repeats dropped",
      { time_zone: "UTC", holidays: ["2026-12-26", "2026-12-25", "2026-12-26"] },
      business({ timeZone: "UTC", holidays: ["2026-12-25", "2026-12-26"] }),
    ],
    [
      "a holiday read by YAML 1.1 as a date",
      { time_zone: "UTC", holidays: [new Date("2026-12-25T00:00:00Z")] },
      business({ timeZone: "UTC", holidays: ["2026-12-25"] }),
    ],
  ])("%s", (_, input, expected) => {
    expect(calendarSchema.parse(input)).toEqual(expected);
  });
});

describe("calendarSchema says what is wrong, where, with an example", () => {
  it.each<[string, unknown, { path: (string | number)[]; message: string }[]]>([
    [
      "24/7",
      "24/7",
      [{ path: [], message: `"24/7" is not a calendar; write "24x7" for round the clock, or business hours like ${EXAMPLE}` }],
    ],
    ["a number", 5, [{ path: [], message: `5 is not a calendar; write "24x7" for round the clock, or business hours like ${EXAMPLE}` }]],
    [
      "a list",
      ["mon"],
      [{ path: [], message: `a list is not a calendar; write "24x7" for round the clock, or business hours like ${EXAMPLE}` }],
    ],
    [
      "nothing",
      undefined,
      [{ path: [], message: `a calendar is required; write "24x7" for round the clock, or business hours like ${EXAMPLE}` }],
    ],
    ["no time zone", { days: "mon-fri" }, [{ path: ["time_zone"], message: `a business-hours calendar needs a time_zone, ${ZONES}` }]],
    [
      "a misspelt time zone",
      { time_zone: "Europe/Berln" },
      [{ path: ["time_zone"], message: `"Europe/Berln" is not a time zone; name an IANA time zone, ${ZONES}` }],
    ],
    [
      "an offset for a time zone",
      { time_zone: "GMT+1" },
      [{ path: ["time_zone"], message: `"GMT+1" is not a time zone; name an IANA time zone, ${ZONES}` }],
    ],
    [
      "a number for a time zone",
      { time_zone: 1 },
      [{ path: ["time_zone"], message: `time_zone must be the name of an IANA time zone, ${ZONES}, not 1` }],
    ],
    [
      "an unknown day",
      { time_zone: "UTC", days: "mon-funday" },
      [{ path: ["days"], message: `"funday" is not a day of the week; write days ${DAYS}` }],
    ],
    [
      "an unknown day in a list",
      { time_zone: "UTC", days: ["mon", "tues", "wensday"] },
      [{ path: ["days", 2], message: `"wensday" is not a day of the week; write days ${DAYS}` }],
    ],
    [
      "a number in the days",
      { time_zone: "UTC", days: ["mon", 3] },
      [{ path: ["days", 1], message: `3 is not a day of the week; write days ${DAYS}` }],
    ],
    [
      "no days",
      { time_zone: "UTC", days: [] },
      [{ path: ["days"], message: `days is empty; a business-hours calendar needs at least one working day, ${DAYS}` }],
    ],
    [
      "days as a number",
      { time_zone: "UTC", days: 5 },
      [{ path: ["days"], message: `days must be a range or a list of days, ${DAYS}, not 5` }],
    ],
    [
      "hours without minutes",
      { time_zone: "UTC", hours: "9-5" },
      [{ path: ["hours"], message: `hours "9-5" is not an opening and a closing time; write HH:MM-HH:MM, like "09:00-17:00"` }],
    ],
    [
      "hours with one time",
      { time_zone: "UTC", hours: "09:00" },
      [{ path: ["hours"], message: `hours "09:00" is not an opening and a closing time; write HH:MM-HH:MM, like "09:00-17:00"` }],
    ],
    [
      "hour 25",
      { time_zone: "UTC", hours: "09:00-25:00" },
      [
        {
          path: ["hours"],
          message: `hours "09:00-25:00": 25:00 is not a time of day; write HH:MM-HH:MM on a 24-hour clock, like "09:00-17:00"`,
        },
      ],
    ],
    [
      "minute 60",
      { time_zone: "UTC", hours: "09:60-17:00" },
      [
        {
          path: ["hours"],
          message: `hours "09:60-17:00": 09:60 is not a time of day; write HH:MM-HH:MM on a 24-hour clock, like "09:00-17:00"`,
        },
      ],
    ],
    [
      "opening at 24:00",
      { time_zone: "UTC", hours: "24:00-24:00" },
      [
        {
          path: ["hours"],
          message: `hours "24:00-24:00": 24:00 is not a time of day; write HH:MM-HH:MM on a 24-hour clock, like "09:00-17:00"`,
        },
      ],
    ],
    [
      "closing before opening",
      { time_zone: "UTC", hours: "17:00-09:00" },
      [
        {
          path: ["hours"],
          message: `hours "17:00-09:00" close before they open; write the opening time first, like "09:00-17:00" (hours past midnight are not supported)`,
        },
      ],
    ],
    [
      "no hours at all",
      { time_zone: "UTC", hours: "09:00-09:00" },
      [
        {
          path: ["hours"],
          message: `hours "09:00-09:00" open and close at the same time; write an opening time before the closing time, like "09:00-17:00"`,
        },
      ],
    ],
    [
      "hours as a number",
      { time_zone: "UTC", hours: 9 },
      [{ path: ["hours"], message: `hours must be an opening and a closing time, like "09:00-17:00", not 9` }],
    ],
    [
      "30 February",
      { time_zone: "UTC", holidays: ["2026-12-25", "2026-02-30"] },
      [{ path: ["holidays", 1], message: `"2026-02-30" is not a date; write holidays as YYYY-MM-DD, like "2026-12-25"` }],
    ],
    [
      "a day-first date",
      { time_zone: "UTC", holidays: ["25.12.2026"] },
      [{ path: ["holidays", 0], message: `"25.12.2026" is not a date; write holidays as YYYY-MM-DD, like "2026-12-25"` }],
    ],
    [
      "one holiday not in a list",
      { time_zone: "UTC", holidays: "2026-12-25" },
      [{ path: ["holidays"], message: `holidays must be a list of dates, like ["2026-12-25", "2026-12-26"], not "2026-12-25"` }],
    ],
    [
      "timezone for time_zone",
      { timezone: "UTC" },
      [
        {
          path: ["timezone"],
          message: `"timezone" is not a calendar setting; did you mean time_zone? a business-hours calendar has time_zone, days, hours and holidays, like ${EXAMPLE}`,
        },
        { path: ["time_zone"], message: `a business-hours calendar needs a time_zone, ${ZONES}` },
      ],
    ],
    [
      "hour for hours",
      { time_zone: "UTC", hour: "09:00-17:00" },
      [
        {
          path: ["hour"],
          message: `"hour" is not a calendar setting; did you mean hours? a business-hours calendar has time_zone, days, hours and holidays, like ${EXAMPLE}`,
        },
      ],
    ],
    [
      "an unrelated key",
      { time_zone: "UTC", sla: "4h" },
      [
        {
          path: ["sla"],
          message: `"sla" is not a calendar setting; a business-hours calendar has time_zone, days, hours and holidays, like ${EXAMPLE}`,
        },
      ],
    ],
    [
      "several problems at once",
      { time_zone: "Nowhere", days: "someday", hours: "late" },
      [
        { path: ["time_zone"], message: `"Nowhere" is not a time zone; name an IANA time zone, ${ZONES}` },
        { path: ["days"], message: `"someday" is not a day of the week; write days ${DAYS}` },
        { path: ["hours"], message: `hours "late" is not an opening and a closing time; write HH:MM-HH:MM, like "09:00-17:00"` },
      ],
    ],
  ])("%s", (_, input, problems) => {
    const result = calendarSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual(problems);
    expect(parseCalendar(input)).toEqual({ ok: false, problems });
  });

  it("reports problems at their path inside the policy", () => {
    const policy = z.object({ sla: z.object({ medium: z.object({ calendar: calendarSchema }) }) });
    const result = policy.safeParse({ sla: { medium: { calendar: { time_zone: "UTC", holidays: ["2026-13-01"] } } } });
    expect(result.error?.issues.map((i) => i.path)).toEqual([["sla", "medium", "calendar", "holidays", 0]]);
  });

  it("documents both forms in the policy JSON Schema (input side)", () => {
    expect(z.toJSONSchema(z.object({ calendar: calendarSchema }), { io: "input" })).toMatchObject({
      properties: { calendar: { anyOf: [{ const: "24x7" }, { type: "object", required: ["time_zone"] }] } },
    });
  });
});
