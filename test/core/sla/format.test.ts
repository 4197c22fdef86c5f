import { describe, expect, it } from "vitest";
import { formatDeadline, formatSpan } from "../../../src/core/sla/format.ts";

const t = (iso: string) => new Date(iso);

describe("formatDeadline: the deadline in the owner's zone and words", () => {
  it.each<[string, string, string, string, string]>([
    [
      "in hours and minutes, Berlin winter time",
      "2026-11-27T09:00:00Z",
      "Europe/Berlin",
      "2026-11-27T05:40:00Z",
      "Fri 27 Nov 10:00 Europe/Berlin, in 3 h 20 min",
    ],
    ["overdue", "2026-11-23T17:00:00Z", "UTC", "2026-11-23T19:05:00Z", "Mon 23 Nov 17:00 UTC, 2 h 5 min ago"],
    [
      "days and hours for long spans, minutes dropped",
      "2026-11-30T12:00:00Z",
      "UTC",
      "2026-11-28T08:15:00Z",
      "Mon 30 Nov 12:00 UTC, in 2 days 3 h",
    ],
    ["exactly one day", "2026-11-24T12:00:00Z", "UTC", "2026-11-23T12:00:00Z", "Tue 24 Nov 12:00 UTC, in 1 day"],
    ["overdue by days", "2026-11-20T17:00:00Z", "UTC", "2026-11-23T18:30:00Z", "Fri 20 Nov 17:00 UTC, 3 days 1 h ago"],
    ["minutes only", "2026-11-23T12:45:00Z", "UTC", "2026-11-23T12:00:00Z", "Mon 23 Nov 12:45 UTC, in 45 min"],
    [
      "rounded down, never promising more time",
      "2026-11-23T15:20:59Z",
      "UTC",
      "2026-11-23T12:00:00Z",
      "Mon 23 Nov 15:20 UTC, in 3 h 20 min",
    ],
    ["under a minute to go", "2026-11-23T12:00:30Z", "UTC", "2026-11-23T12:00:00Z", "Mon 23 Nov 12:00 UTC, in under a minute"],
    ["due this moment", "2026-11-23T12:00:00Z", "UTC", "2026-11-23T12:00:00Z", "Mon 23 Nov 12:00 UTC, just now"],
    ["half a minute overdue", "2026-11-23T12:00:00Z", "UTC", "2026-11-23T12:00:30Z", "Mon 23 Nov 12:00 UTC, just now"],
    ["a minute overdue", "2026-11-23T12:00:00Z", "UTC", "2026-11-23T12:01:00Z", "Mon 23 Nov 12:00 UTC, 1 min ago"],
    ["another year shows the year", "2027-01-04T09:00:00Z", "UTC", "2026-12-30T09:00:00Z", "Mon 4 Jan 2027 09:00 UTC, in 5 days"],
    [
      "the year as the owner's zone sees it",
      "2027-01-01T00:30:00+01:00",
      "Europe/Berlin",
      "2026-12-31T23:00:00Z",
      "Fri 1 Jan 00:30 Europe/Berlin, in 30 min",
    ],
    ["Berlin summer time", "2026-03-30T07:00:00Z", "Europe/Berlin", "2026-03-27T07:00:00Z", "Mon 30 Mar 09:00 Europe/Berlin, in 3 days"],
    [
      "real time across the spring change: 4 h, though the wall clock moves 5",
      "2026-03-29T04:00:00+02:00",
      "Europe/Berlin",
      "2026-03-28T23:00:00+01:00",
      "Sun 29 Mar 04:00 Europe/Berlin, in 4 h",
    ],
    [
      "real time across the autumn change: 4 h, though the wall clock moves 3",
      "2026-10-25T03:30:00+01:00",
      "Europe/Berlin",
      "2026-10-25T00:30:00+02:00",
      "Sun 25 Oct 03:30 Europe/Berlin, in 4 h",
    ],
    ["another zone", "2026-11-23T14:00:00Z", "America/New_York", "2026-11-23T13:00:00Z", "Mon 23 Nov 09:00 America/New_York, in 1 h"],
    ["a 24-hour clock", "2026-11-23T21:05:00Z", "UTC", "2026-11-23T21:00:00Z", "Mon 23 Nov 21:05 UTC, in 5 min"],
  ])("%s", (_, deadline, zone, now, text) => {
    expect(formatDeadline(t(deadline), zone, t(now))).toBe(text);
  });

  it("refuses an unknown time zone instead of printing a wrong time", () => {
    expect(() => formatDeadline(t("2026-11-23T12:00:00Z"), "Europe/Berln", t("2026-11-23T10:00:00Z"))).toThrow(
      /"Europe\/Berln" is not an IANA time zone/,
    );
  });
});

describe("formatSpan", () => {
  it.each<[number, string]>([
    [59_999, "under a minute"],
    [60_000, "1 min"],
    [3 * 3_600_000, "3 h"],
    [3 * 3_600_000 + 20 * 60_000, "3 h 20 min"],
    [24 * 3_600_000 + 59 * 60_000, "1 day"],
    [-(2 * 3_600_000 + 5 * 60_000), "2 h 5 min"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });
});
