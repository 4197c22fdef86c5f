import { z } from "zod";
import { ALWAYS, addWorkingTime, workingTimeBetween, type Calendar } from "./calendar.ts";
import { HOUR_MS, type Duration } from "./duration.ts";

export type Severity = "critical" | "high" | "medium" | "low";

/** What an owner must do by when, for one severity. Both clocks start when the issue is opened. */
export interface SlaTarget {
  acknowledge: Duration;
  remediate: Duration;
  calendar: Calendar;
}

/** Freezes a default so no caller can change it for everyone (the types stay the contract's). */
function frozen<T extends object>(value: T): T {
  return Object.freeze(value);
}

/** Mon–Fri 09:00–17:00 UTC, no holidays: the calendar of the default medium and low targets. */
export const DEFAULT_BUSINESS_CALENDAR: Calendar = frozen({
  kind: "business",
  timeZone: "UTC",
  days: frozen([1, 2, 3, 4, 5]),
  start: "09:00",
  end: "17:00",
  holidays: frozen<string[]>([]),
});

const hours = (n: number): Duration => frozen({ kind: "elapsed", ms: n * HOUR_MS });
const workingDays = (n: number): Duration => frozen({ kind: "working-days", days: n });

/**
 * Targets when the policy sets none: critical 1 h / 4 h and high 8 h / 24 h round the clock;
 * medium 1 / 5 and low 2 / 15 business days on {@link DEFAULT_BUSINESS_CALENDAR}.
 */
export const DEFAULT_SLA: Record<Severity, SlaTarget> = frozen({
  critical: frozen({ acknowledge: hours(1), remediate: hours(4), calendar: ALWAYS }),
  high: frozen({ acknowledge: hours(8), remediate: hours(24), calendar: ALWAYS }),
  medium: frozen({ acknowledge: workingDays(1), remediate: workingDays(5), calendar: DEFAULT_BUSINESS_CALENDAR }),
  low: frozen({ acknowledge: workingDays(2), remediate: workingDays(15), calendar: DEFAULT_BUSINESS_CALENDAR }),
});

/** Both deadlines of a response issue opened at `start`; each is counted from `start` on the target's calendar. */
export function computeDeadlines(start: Date, target: SlaTarget): { acknowledgeBy: Date; remediateBy: Date } {
  return {
    acknowledgeBy: addWorkingTime(target.calendar, start, target.acknowledge),
    remediateBy: addWorkingTime(target.calendar, start, target.remediate),
  };
}

export type ClockState = "on-track" | "at-risk" | "breached";

/** The issue label that shows a clock state: `sla:on-track`, `sla:at-risk`, `sla:breached`. */
export function clockLabel(state: ClockState): `sla:${ClockState}` {
  return `sla:${state}`;
}

export const DEFAULT_AT_RISK_SHARE = 0.75;

/** The `at_risk` policy setting: the share of the SLA window used that turns a clock at risk. */
const notAShare = (input: unknown) =>
  `${input === undefined ? "nothing" : typeof input === "object" && input !== null ? "a list or an object" : JSON.stringify(input)} is not a share; write a number above 0 and at most 1, like 0.75 for "at risk once 75% of the time is used"`;

export const atRiskShareSchema = z
  .number({ error: (issue) => notAShare(issue.input) })
  .refine((n) => n > 0 && n <= 1, { error: (issue) => notAShare(issue.input) })
  .meta({ description: "Share of the SLA window (working time) used after which an issue is labelled sla:at-risk, like 0.75." });

/**
 * Where a clock stands at `now`: `breached` once `now` ≥ `deadline`; `at-risk` once the share of
 * the window's *working* time used (`start` → `now` over `start` → `deadline`) reaches
 * `atRiskShare`; `on-track` before that (and before `start`). Outside working hours a business
 * clock does not move, so its state does not change over a weekend.
 */
export function clockState(cal: Calendar, start: Date, deadline: Date, now: Date, atRiskShare = DEFAULT_AT_RISK_SHARE): ClockState {
  if (!(atRiskShare > 0 && atRiskShare <= 1)) throw new RangeError(`atRiskShare ${atRiskShare} must be above 0 and at most 1, like 0.75`);
  if (now.getTime() >= deadline.getTime()) return "breached";
  const window = workingTimeBetween(cal, start, deadline);
  if (window <= 0) return "at-risk"; // nothing left to use, though the deadline is still ahead
  const used = workingTimeBetween(cal, start, now);
  return used >= atRiskShare * window ? "at-risk" : "on-track";
}

/**
 * Time left before `deadline`: working ms while it is ahead (what the owner can still spend),
 * and, once it has passed, minus the real elapsed ms since it (overdue is overdue, hours or not).
 */
export function remaining(cal: Calendar, now: Date, deadline: Date): number {
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return left === 0 ? 0 : left;
  return workingTimeBetween(cal, now, deadline);
}
