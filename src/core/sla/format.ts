import { DateTime } from "luxon";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./duration.ts";
import { lookUpTimeZone } from "./calendar.ts";

// Built by hand rather than with Intl, so the words never depend on the runtime's locale data.
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A span of real time in words, rounded down: `3 h 20 min`, `45 min`, `2 days 3 h` (minutes are
 * dropped from a day on), `under a minute`. The sign is ignored.
 */
export function formatSpan(ms: number): string {
  const total = Math.abs(ms);
  if (total < MINUTE_MS) return "under a minute";
  const days = Math.floor(total / DAY_MS);
  const hours = Math.floor((total % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((total % HOUR_MS) / MINUTE_MS);
  const parts: string[] = [];
  if (days > 0) {
    parts.push(`${days} ${days === 1 ? "day" : "days"}`);
    if (hours > 0) parts.push(`${hours} h`);
  } else {
    if (hours > 0) parts.push(`${hours} h`);
    if (minutes > 0) parts.push(`${minutes} min`);
  }
  return parts.join(" ");
}

/**
 * A deadline as its owner reads it: local date and 24-hour time in `timeZone`, the zone's name,
 * and how far off it is in real time — `Fri 27 Nov 10:00 Europe/Berlin, in 3 h 20 min`,
 * `Mon 23 Nov 17:00 UTC, 2 h 5 min ago`, `…, in 2 days 3 h`. The year is shown only when it is
 * not the current year in that zone. Less than a minute overdue reads `just now`.
 */
export function formatDeadline(deadline: Date, timeZone: string, now: Date): string {
  if (lookUpTimeZone(timeZone) === null) throw new RangeError(`${JSON.stringify(timeZone)} is not an IANA time zone, like "Europe/Berlin"`);
  if (Number.isNaN(deadline.getTime()) || Number.isNaN(now.getTime())) throw new RangeError("formatDeadline needs valid dates");
  const local = DateTime.fromMillis(deadline.getTime(), { zone: timeZone });
  const today = DateTime.fromMillis(now.getTime(), { zone: timeZone });
  const year = local.year === today.year ? "" : ` ${local.year}`;
  const time = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
  const when = `${WEEKDAYS[local.weekday - 1]} ${local.day} ${MONTHS[local.month - 1]}${year} ${time} ${timeZone}`;
  const left = deadline.getTime() - now.getTime();
  const relative = left > 0 ? `in ${formatSpan(left)}` : left > -MINUTE_MS ? "just now" : `${formatSpan(left)} ago`;
  return `${when}, ${relative}`;
}
