import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { DAY_MS, MINUTE_MS, type Duration } from "./duration.ts";

/**
 * When an SLA clock runs.
 *
 * - `24x7`: always. Elapsed durations are real elapsed time; N working days are N × 24 h.
 * - `business`: only inside `start`–`end` local wall-clock time on the ISO weekdays in `days`
 *   (1 = Mon … 7 = Sun), in `timeZone`, except on `holidays` (whole local days, `YYYY-MM-DD`).
 *   Opening hours follow the wall clock across daylight-saving changes: a 09:00–17:00 day is 8 h on
 *   the change day too.
 *
 * Conventions on a business calendar (shared by {@link addWorkingTime} and {@link workingTimeBetween}):
 *
 * 1. A clock started outside working hours (before opening, after closing, on a weekend or a
 *    holiday) starts at the next opening ({@link nextOpening}); the time before it does not count.
 * 2. An elapsed duration counts working time only: 8 h from Mon 16:00 with 09:00–17:00 is 1 h on
 *    Monday + 7 h on Tuesday = Tue 16:00.
 * 3. N working days end at the same local time of day on the Nth working day after the clock
 *    started: 1 business day from Mon 10:00 is Tue 10:00, from Fri 10:00 is Mon 10:00.
 * 4. A deadline is the earliest instant at which the duration is used up, so a clock that starts
 *    at an opening ends at a closing, never at the next opening: 8 h from Mon 09:00 is Mon 17:00,
 *    and 1 business day from Fri 18:00 (clock starts Mon 09:00) is Mon 17:00, not Tue 09:00 —
 *    the same amount of working time, reached the evening before.
 *
 * So `workingTimeBetween(cal, s, addWorkingTime(cal, s, d)) === workingLength(cal, d)` for every
 * start `s`. The one exception is a working-days duration on a calendar whose opening hours contain
 * a daylight-saving change (e.g. 00:00–24:00 in Europe/Berlin): convention 3 keeps the deadline on
 * the wall clock, so the working time across the change is an hour shorter or longer.
 *
 * Treat a calendar as immutable: its checked form is cached per object.
 */
export type Calendar =
  | { kind: "24x7" }
  | {
      kind: "business";
      timeZone: string;
      /** ISO weekdays: 1 = Mon … 7 = Sun, ascending, no repeats. */
      days: number[];
      /** Opening time, `HH:MM`, local. */
      start: string;
      /** Closing time, `HH:MM` (up to `24:00`), local, after `start`. */
      end: string;
      /** Whole days off, `YYYY-MM-DD` in the calendar's time zone. */
      holidays: string[];
    };

export type BusinessCalendar = Extract<Calendar, { kind: "business" }>;

export const ALWAYS: Calendar = Object.freeze({ kind: "24x7" });

const CALENDAR_EXAMPLE = '{ time_zone: "Europe/Berlin", days: "mon-fri", hours: "09:00-17:00", holidays: ["2026-12-25"] }';

// ---------------------------------------------------------------------------------------------
// Reading a calendar from a policy file
// ---------------------------------------------------------------------------------------------

export interface CalendarProblem {
  path: (string | number)[];
  message: string;
}

const DAY_NAMES: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};

const DAYS_EXAMPLE = 'like "mon-fri" or ["mon", "tue", "wed"]';
const HOURS_EXAMPLE = 'like "09:00-17:00"';
const ZONE_EXAMPLE = 'like "Europe/Berlin", "America/New_York" or "UTC"';
const KEYS = ["time_zone", "days", "hours", "holidays"];

function show(value: unknown): string {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

/** The zone's name with IANA capitalisation (`europe/berlin` → `Europe/Berlin`); aliases are kept as written. */
function zoneName(name: string): string {
  const resolved = new Intl.DateTimeFormat("en-GB", { timeZone: name }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/**
 * Names already looked up: the name as {@link zoneName} writes it, or null when it is not a time zone.
 * Each lookup builds an `Intl.DateTimeFormat` (luxon's `isValidZone`, then `zoneName`: ~1 ms a policy
 * load, once per delivery in the App); the answer depends only on the name and the runtime's time-zone
 * data, so it is kept. Bounded: cleared when full.
 */
const zoneLookups = new Map<string, string | null>();
const ZONE_LOOKUPS_SIZE = 512;

/** `name` as an IANA time zone name (capitalised as IANA writes it), or null when it names no time zone. */
export function lookUpTimeZone(name: string): string | null {
  let found = zoneLookups.get(name);
  if (found === undefined) {
    found = IANAZone.isValidZone(name) ? zoneName(name) : null;
    if (zoneLookups.size >= ZONE_LOOKUPS_SIZE) zoneLookups.clear();
    zoneLookups.set(name, found);
  }
  return found;
}

function parseTimeZone(input: unknown, problems: CalendarProblem[]): string | null {
  const path = ["time_zone"];
  if (input === undefined) {
    problems.push({ path, message: `a business-hours calendar needs a time_zone, ${ZONE_EXAMPLE}` });
    return null;
  }
  if (typeof input !== "string") {
    problems.push({ path, message: `time_zone must be the name of an IANA time zone, ${ZONE_EXAMPLE}, not ${show(input)}` });
    return null;
  }
  const zone = lookUpTimeZone(input.trim());
  if (zone === null) {
    problems.push({ path, message: `${JSON.stringify(input)} is not a time zone; name an IANA time zone, ${ZONE_EXAMPLE}` });
    return null;
  }
  return zone;
}

function parseDayItem(item: string, path: (string | number)[], problems: CalendarProblem[]): number[] | null {
  const text = item.trim().toLowerCase();
  const range = /^([a-z]+)\s*[-\u2013]\s*([a-z]+)$/.exec(text);
  const names = range ? [range[1] ?? "", range[2] ?? ""] : [text];
  const numbers = names.map((n) => DAY_NAMES[n]);
  const bad = names.find((_, i) => numbers[i] === undefined);
  if (bad !== undefined) {
    problems.push({ path, message: `${JSON.stringify(bad === text ? item : bad)} is not a day of the week; write days ${DAYS_EXAMPLE}` });
    return null;
  }
  const [from = 1, to = from] = numbers as number[];
  const out: number[] = [];
  // A range may wrap past Sunday: "sun-thu" is Sun, Mon, Tue, Wed, Thu.
  for (let d = from; ; d = (d % 7) + 1) {
    out.push(d);
    if (d === to) break;
  }
  return out;
}

function parseDays(input: unknown, problems: CalendarProblem[]): number[] | null {
  if (input === undefined) return [1, 2, 3, 4, 5];
  let items: { text: string; path: (string | number)[] }[];
  if (typeof input === "string") {
    items = input
      .split(",")
      .filter((s) => s.trim() !== "")
      .map((text) => ({ text, path: ["days"] }));
  } else if (Array.isArray(input)) {
    items = [];
    for (const [i, item] of input.entries()) {
      if (typeof item !== "string") {
        problems.push({ path: ["days", i], message: `${show(item)} is not a day of the week; write days ${DAYS_EXAMPLE}` });
        return null;
      }
      items.push({ text: item, path: ["days", i] });
    }
  } else {
    problems.push({ path: ["days"], message: `days must be a range or a list of days, ${DAYS_EXAMPLE}, not ${show(input)}` });
    return null;
  }
  if (items.length === 0) {
    problems.push({ path: ["days"], message: `days is empty; a business-hours calendar needs at least one working day, ${DAYS_EXAMPLE}` });
    return null;
  }
  const days = new Set<number>();
  let ok = true;
  for (const item of items) {
    const parsed = parseDayItem(item.text, item.path, problems);
    if (parsed) for (const d of parsed) days.add(d);
    else ok = false;
  }
  return ok ? [...days].sort((a, b) => a - b) : null;
}

/** Minutes since local midnight of `HH:MM`, or null. `24:00` is allowed only as a closing time. */
function minutesOf(time: string, closing: boolean): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59) return null;
  if (h < 24 || (closing && h === 24 && min === 0)) return h * 60 + min;
  return null;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

function parseHours(input: unknown, problems: CalendarProblem[]): { start: string; end: string } | null {
  const path = ["hours"];
  if (input === undefined) return { start: "09:00", end: "17:00" };
  if (typeof input !== "string") {
    problems.push({ path, message: `hours must be an opening and a closing time, ${HOURS_EXAMPLE}, not ${show(input)}` });
    return null;
  }
  const shown = JSON.stringify(input);
  const m = /^\s*(\S+?)\s*[-\u2013]\s*(\S+)\s*$/.exec(input);
  if (!m || !/^\d{1,2}:\d{2}$/.test(m[1] ?? "") || !/^\d{1,2}:\d{2}$/.test(m[2] ?? "")) {
    problems.push({ path, message: `hours ${shown} is not an opening and a closing time; write HH:MM-HH:MM, ${HOURS_EXAMPLE}` });
    return null;
  }
  const start = minutesOf(m[1] ?? "", false);
  const end = minutesOf(m[2] ?? "", true);
  if (start === null || end === null) {
    const bad = start === null ? m[1] : m[2];
    problems.push({ path, message: `hours ${shown}: ${bad} is not a time of day; write HH:MM-HH:MM on a 24-hour clock, ${HOURS_EXAMPLE}` });
    return null;
  }
  if (start === end) {
    problems.push({
      path,
      message: `hours ${shown} open and close at the same time; write an opening time before the closing time, ${HOURS_EXAMPLE}`,
    });
    return null;
  }
  if (start > end) {
    problems.push({
      path,
      message: `hours ${shown} close before they open; write the opening time first, ${HOURS_EXAMPLE} (hours past midnight are not supported)`,
    });
    return null;
  }
  return { start: hhmm(start), end: hhmm(end) };
}

function parseHoliday(input: unknown, i: number, problems: CalendarProblem[]): string | null {
  // A YAML 1.1 timestamp arrives as a Date at UTC midnight of the day written.
  if (input instanceof Date && !Number.isNaN(input.getTime())) return input.toISOString().slice(0, 10);
  if (typeof input === "string" && /^\d{4}-\d{2}-\d{2}$/.test(input.trim())) {
    const text = input.trim();
    if (DateTime.fromISO(text, { zone: "utc" }).isValid) return text;
  }
  problems.push({ path: ["holidays", i], message: `${show(input)} is not a date; write holidays as YYYY-MM-DD, like "2026-12-25"` });
  return null;
}

function parseHolidays(input: unknown, problems: CalendarProblem[]): string[] | null {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) {
    problems.push({
      path: ["holidays"],
      message: `holidays must be a list of dates, like ["2026-12-25", "2026-12-26"], not ${show(input)}`,
    });
    return null;
  }
  const out = new Set<string>();
  let ok = true;
  for (const [i, item] of input.entries()) {
    const day = parseHoliday(item, i, problems);
    if (day === null) ok = false;
    else out.add(day);
  }
  return ok ? [...out].sort() : null;
}

function unknownKey(key: string): string {
  const squashed = key.toLowerCase().replace(/[^a-z]/g, "");
  const meant = ["timezone", "tz", "zone"].includes(squashed)
    ? "time_zone"
    : KEYS.find((k) => k.replace(/_/g, "") === squashed || k.slice(0, -1) === squashed);
  const hint = meant ? `did you mean ${meant}? ` : "";
  return `${JSON.stringify(key)} is not a calendar setting; ${hint}a business-hours calendar has time_zone, days, hours and holidays, like ${CALENDAR_EXAMPLE}`;
}

/**
 * Reads a calendar as written in a policy: `"24x7"`, or business hours
 * `{ time_zone, days = "mon-fri", hours = "09:00-17:00", holidays = [] }`. `days` is a range
 * (`"mon-fri"`, `"sun-thu"`), a comma list (`"mon,wed,fri"`) or a list of either; `time_zone` is
 * required. Every problem is reported with its path and a message that says what is wrong and
 * shows an example.
 */
export function parseCalendar(input: unknown): { ok: true; value: Calendar } | { ok: false; problems: CalendarProblem[] } {
  if (typeof input === "string" && input.trim().toLowerCase() === "24x7") return { ok: true, value: { kind: "24x7" } };
  if (typeof input !== "object" || input === null || Array.isArray(input) || input instanceof Date) {
    const message =
      input === undefined
        ? `a calendar is required; write "24x7" for round the clock, or business hours like ${CALENDAR_EXAMPLE}`
        : `${show(input)} is not a calendar; write "24x7" for round the clock, or business hours like ${CALENDAR_EXAMPLE}`;
    return { ok: false, problems: [{ path: [], message }] };
  }
  const fields = input as Record<string, unknown>;
  const problems: CalendarProblem[] = [];
  for (const key of Object.keys(fields)) if (!KEYS.includes(key)) problems.push({ path: [key], message: unknownKey(key) });
  const timeZone = parseTimeZone(fields.time_zone, problems);
  const days = parseDays(fields.days, problems);
  const hours = parseHours(fields.hours, problems);
  const holidays = parseHolidays(fields.holidays, problems);
  if (problems.length > 0 || timeZone === null || days === null || hours === null || holidays === null) return { ok: false, problems };
  return { ok: true, value: { kind: "business", timeZone, days, start: hours.start, end: hours.end, holidays } };
}

/**
 * The calendar setting of a policy: `"24x7"` or business hours (see {@link parseCalendar}),
 * turned into a {@link Calendar}; one issue per problem, at its path. (A transform: JSON Schema
 * generation needs `io: "input"`, where the schema below is used.)
 */
export const calendarSchema = z
  .unknown()
  .transform((input, ctx): Calendar => {
    const parsed = parseCalendar(input);
    if (!parsed.ok) {
      for (const p of parsed.problems) ctx.addIssue({ code: "custom", message: p.message, path: p.path, input });
      return z.NEVER;
    }
    return parsed.value;
  })
  .meta({
    description: 'When the SLA clock runs: "24x7", or business hours in a time zone (other time does not count).',
    anyOf: [
      { type: "string", const: "24x7" },
      {
        type: "object",
        additionalProperties: false,
        required: ["time_zone"],
        properties: {
          time_zone: { type: "string", description: 'IANA time zone, like "Europe/Berlin" or "UTC".' },
          days: {
            description:
              'Working days: a range like "mon-fri", a comma list like "mon,wed,fri", or a list of days or ranges. Default "mon-fri".',
            anyOf: [{ type: "string" }, { type: "array", items: { type: "string" }, minItems: 1 }],
          },
          hours: {
            type: "string",
            pattern: "^\\s*\\d{1,2}:\\d{2}\\s*[-\\u2013]\\s*\\d{1,2}:\\d{2}\\s*$",
            description: 'Opening hours, local, like "09:00-17:00". Default "09:00-17:00".',
          },
          holidays: {
            type: "array",
            items: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
            description: "Whole days off, YYYY-MM-DD in the calendar's time zone.",
          },
        },
      },
    ],
  });

// ---------------------------------------------------------------------------------------------
// Working time
// ---------------------------------------------------------------------------------------------

interface Compiled {
  zone: IANAZone;
  days: ReadonlySet<number>;
  open: number; // minutes after local midnight
  close: number; // minutes after local midnight, up to 1440
  holidays: ReadonlySet<string>;
  /** Opening and closing instants by local day: the zone arithmetic is the costly part. */
  windows: Map<number, Window | null>;
  /** The zone's UTC offset (minutes) by 15-minute slot of UTC time: DST changes fall on such boundaries. */
  offsets: Map<number, number>;
}

const compiledByObject = new WeakMap<BusinessCalendar, Compiled>();
/** By content too: every policy load (one per repository in a sweep) builds new but equal calendars. */
const compiledByContent = new Map<string, Compiled>();
const COMPILED_CACHE_SIZE = 256;

/** Checks a calendar built in code (not read through the schema) once, and prepares it. */
function compile(cal: BusinessCalendar): Compiled {
  const cached = compiledByObject.get(cal);
  if (cached) return cached;
  const content = JSON.stringify([cal.timeZone, cal.days, cal.start, cal.end, cal.holidays]);
  const same = compiledByContent.get(content);
  if (same) {
    compiledByObject.set(cal, same);
    return same;
  }
  if (lookUpTimeZone(cal.timeZone) === null)
    throw new RangeError(`calendar time zone ${JSON.stringify(cal.timeZone)} is not an IANA time zone, like "Europe/Berlin"`);
  const open = minutesOf(cal.start, false);
  const close = minutesOf(cal.end, true);
  if (open === null || close === null || open >= close)
    throw new RangeError(`calendar hours ${cal.start}-${cal.end} are not an opening and a later closing time, like 09:00-17:00`);
  if (cal.days.length === 0 || cal.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
    throw new RangeError(`calendar days [${cal.days.join(", ")}] must be ISO weekdays 1 (Mon) to 7 (Sun), at least one`);
  const badHoliday = cal.holidays.find((h) => !/^\d{4}-\d{2}-\d{2}$/.test(h) || !DateTime.fromISO(h, { zone: "utc" }).isValid);
  if (badHoliday !== undefined)
    throw new RangeError(`calendar holiday ${JSON.stringify(badHoliday)} is not a date written YYYY-MM-DD, like "2026-12-25"`);
  const compiled: Compiled = {
    zone: IANAZone.create(cal.timeZone),
    days: new Set(cal.days),
    open,
    close,
    holidays: new Set(cal.holidays),
    windows: new Map(),
    offsets: new Map(),
  };
  compiledByObject.set(cal, compiled);
  if (compiledByContent.size >= COMPILED_CACHE_SIZE) compiledByContent.clear();
  compiledByContent.set(content, compiled);
  return compiled;
}

function msOf(at: Date, name: string): number {
  const t = at.getTime();
  if (Number.isNaN(t)) throw new RangeError(`${name} is not a valid date`);
  return t;
}

// Local dates are counted as whole days since 1970-01-01 (a plain calendar, no zone).
function ymd(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function isoWeekday(day: number): number {
  return ((new Date(day * DAY_MS).getUTCDay() + 6) % 7) + 1;
}

const SLOT_MS = 15 * 60_000;

function localDay(c: Compiled, t: number): number {
  const slot = Math.floor(t / SLOT_MS);
  let offset = c.offsets.get(slot);
  if (offset === undefined) {
    offset = c.zone.offset(slot * SLOT_MS);
    if (c.offsets.size >= WINDOW_CACHE_DAYS) c.offsets.clear();
    c.offsets.set(slot, offset);
  }
  return Math.floor((t + offset * 60_000) / DAY_MS);
}

function isWorkingDay(c: Compiled, day: number): boolean {
  return c.days.has(isoWeekday(day)) && !c.holidays.has(isoDate(day));
}

/** The instant of a local wall-clock time; a time skipped by a DST change moves forward (luxon). */
function localInstant(c: Compiled, day: number, minutes: number, second = 0, millisecond = 0): number {
  // 24:00 is the first instant of the next day (which is 01:00 where a DST change skips midnight).
  if (minutes >= 1440) return DateTime.fromObject(ymd(day + 1), { zone: c.zone }).toMillis();
  return DateTime.fromObject(
    { ...ymd(day), hour: Math.floor(minutes / 60), minute: minutes % 60, second, millisecond },
    { zone: c.zone },
  ).toMillis();
}

interface Window {
  day: number;
  open: number;
  close: number;
}

const WINDOW_CACHE_DAYS = 4096;

function windowOn(c: Compiled, day: number): Window | null {
  const cached = c.windows.get(day);
  if (cached !== undefined) return cached;
  const w = isWorkingDay(c, day) ? { day, open: localInstant(c, day, c.open), close: localInstant(c, day, c.close) } : null;
  if (c.windows.size >= WINDOW_CACHE_DAYS) c.windows.clear();
  c.windows.set(day, w);
  return w;
}

/** Enough days to pass any run of holidays and weekends (a calendar has at least one working weekday). */
function searchLimit(c: Compiled): number {
  return 7 * (c.holidays.size + 2);
}

/** The working windows that end after `t`, in order, starting with the one containing `t` if any. */
function* windowsFrom(c: Compiled, t: number): Generator<Window> {
  let day = localDay(c, t) - 1;
  let idle = 0;
  for (;;) {
    const w = windowOn(c, day++);
    if (w && w.close > t) {
      idle = 0;
      yield w;
    } else if (++idle > searchLimit(c)) {
      throw new RangeError("calendar has no working time left");
    }
  }
}

function firstWindow(c: Compiled, t: number): Window {
  const next = windowsFrom(c, t).next();
  if (next.done) throw new RangeError("calendar has no working time left");
  return next.value;
}

/** True when the clock runs at `at` (always on `24x7`; inside opening hours on a working day otherwise, closing time excluded). */
export function isWorkingTime(cal: Calendar, at: Date): boolean {
  const t = msOf(at, "at");
  if (cal.kind === "24x7") return true;
  const c = compile(cal);
  const w = firstWindow(c, t);
  return w.open <= t;
}

/** When the clock next runs: `at` itself when inside working time, else the next opening. */
export function nextOpening(cal: Calendar, at: Date): Date {
  const t = msOf(at, "at");
  if (cal.kind === "24x7") return new Date(t);
  const w = firstWindow(compile(cal), t);
  return new Date(Math.max(t, w.open));
}

/**
 * How much working time a duration is: elapsed ms as they are; N working days are N × 24 h on
 * `24x7` and N × the opening hours (wall clock) on a business calendar.
 */
export function workingLength(cal: Calendar, d: Duration): number {
  if (d.kind === "elapsed") return d.ms;
  if (cal.kind === "24x7") return d.days * DAY_MS;
  const c = compile(cal);
  return d.days * (c.close - c.open) * MINUTE_MS;
}

function checkDuration(d: Duration): void {
  const n = d.kind === "elapsed" ? d.ms : d.days;
  if (!Number.isFinite(n) || n < 0 || (d.kind === "working-days" && !Number.isInteger(n))) {
    throw new RangeError(
      d.kind === "elapsed"
        ? `a duration of ${d.ms} ms cannot be added; it must be zero or more`
        : `${d.days} working days cannot be added; it must be a whole number, zero or more`,
    );
  }
}

/**
 * The deadline `d` after `start` on the calendar — see the conventions on {@link Calendar}:
 * outside hours the clock starts at the next opening; elapsed time counts working time only;
 * N working days end at the same local time on the Nth working day; a clock started at an
 * opening ends at a closing.
 */
export function addWorkingTime(cal: Calendar, start: Date, d: Duration): Date {
  const t = msOf(start, "start");
  checkDuration(d);
  if (cal.kind === "24x7") return new Date(t + workingLength(cal, d));
  const c = compile(cal);

  if (d.kind === "elapsed") {
    let left = d.ms;
    for (const w of windowsFrom(c, t)) {
      const from = Math.max(t, w.open);
      if (left <= w.close - from) return new Date(from + left);
      left -= w.close - from;
    }
    throw new RangeError("calendar has no working time left");
  }

  const first = firstWindow(c, t);
  const from = Math.max(t, first.open);
  if (d.days === 0) return new Date(from);
  // Counting working days after the one the clock starts on.
  let day = first.day;
  for (let counted = 0, idle = 0; counted < d.days;) {
    day += 1;
    if (isWorkingDay(c, day)) {
      counted += 1;
      idle = 0;
    } else if (++idle > searchLimit(c)) {
      throw new RangeError("calendar has no working time left");
    }
  }
  if (from === first.open) {
    // Started at an opening: the earliest instant with N working days used is the closing of the
    // working day before the Nth (same working time as the Nth day's opening, reached earlier).
    let before = day - 1;
    while (!isWorkingDay(c, before)) before -= 1;
    return new Date(localInstant(c, before, c.close));
  }
  const local = DateTime.fromMillis(from, { zone: c.zone });
  return new Date(localInstant(c, day, local.hour * 60 + local.minute, local.second, local.millisecond));
}

/**
 * Working time from `from` to `to`, in ms: plain elapsed time on `24x7`, time inside opening
 * hours on a business calendar. Negative when `to` is before `from`.
 */
export function workingTimeBetween(cal: Calendar, from: Date, to: Date): number {
  const a = msOf(from, "from");
  const b = msOf(to, "to");
  if (cal.kind === "24x7") return b - a;
  if (b < a) return 0 - workingTimeBetween(cal, to, from); // 0 - x: never -0
  const c = compile(cal);
  let total = 0;
  for (const w of windowsFrom(c, a)) {
    if (w.open >= b) break;
    total += Math.min(b, w.close) - Math.max(a, w.open);
  }
  return total;
}
