import type { IdentityClass } from "../policy/identity-classes.ts";
import type { Policy } from "../policy/schema.ts";
import type { TargetPolicy } from "../policy/schema-response.ts";
import type { Calendar } from "./calendar.ts";
import { clockState, computeDeadlines, DEFAULT_SLA, type ClockState, type Severity } from "./deadlines.ts";

const ALWAYS: Calendar = { kind: "24x7" };

export interface SlaClock {
  acknowledgeBy: string;
  remediateBy: string;
  calendar: "24x7" | "business";
  timeZone: string;
  startedAt: string;
}

/** The calendar a clock counts in, by the name the marker keeps. */
export function calendarFor(name: string, policy: Policy): Calendar {
  return name === "business" ? policy.sla.business_hours : ALWAYS;
}

/** The display time zone: the business calendar's (people think in it even for 24x7 clocks). */
export function displayZone(policy: Policy): string {
  const bh = policy.sla.business_hours;
  return bh.kind === "business" ? bh.timeZone : "UTC";
}

function targetFor(policy: Policy, severity: Severity, cls: IdentityClass, system: string | null): TargetPolicy {
  const bySystem = system ? policy.systems.find((s) => s.name === system)?.sla?.[severity] : undefined;
  if (bySystem) return bySystem;
  const byClass = policy.sla.by_class[cls]?.[severity];
  if (byClass) return byClass;
  const own = policy.sla.targets[severity];
  if (own) return own;
  const d = DEFAULT_SLA[severity];
  return { acknowledge: d.acknowledge, remediate: d.remediate, calendar: d.calendar.kind === "24x7" ? "24x7" : "business" };
}

/** Deadlines for a response starting at `start`. */
export function startClock(policy: Policy, severity: Severity, cls: IdentityClass, start: Date, system: string | null = null): SlaClock {
  const t = targetFor(policy, severity, cls, system);
  const { acknowledgeBy, remediateBy } = computeDeadlines(start, {
    acknowledge: t.acknowledge,
    remediate: t.remediate,
    calendar: calendarFor(t.calendar, policy),
  });
  return {
    acknowledgeBy: acknowledgeBy.toISOString(),
    remediateBy: remediateBy.toISOString(),
    calendar: t.calendar,
    timeZone: displayZone(policy),
    startedAt: start.toISOString(),
  };
}

/**
 * When severity rises, deadlines tighten: each becomes the earlier of the old one and a fresh
 * clock started now. They never move later.
 */
export function tightenClock(
  previous: SlaClock,
  policy: Policy,
  severity: Severity,
  cls: IdentityClass,
  now: Date,
  system: string | null = null,
): SlaClock {
  const fresh = startClock(policy, severity, cls, now, system);
  const earlier = (a: string, b: string) => (new Date(a) <= new Date(b) ? a : b);
  return {
    ...fresh,
    acknowledgeBy: earlier(previous.acknowledgeBy, fresh.acknowledgeBy),
    remediateBy: earlier(previous.remediateBy, fresh.remediateBy),
    startedAt: previous.startedAt,
  };
}

const RANK: Record<ClockState, number> = { "on-track": 0, "at-risk": 1, breached: 2 };

/** The clock's state now: the worse of the acknowledge clock (until acknowledged) and the remediate clock. */
export function stateOf(clock: SlaClock, policy: Policy, acknowledged: boolean, now: Date): ClockState {
  const cal = calendarFor(clock.calendar, policy);
  const start = new Date(clock.startedAt);
  const rem = clockState(cal, start, new Date(clock.remediateBy), now, policy.sla.at_risk);
  if (acknowledged) return rem;
  const ack = clockState(cal, start, new Date(clock.acknowledgeBy), now, policy.sla.at_risk);
  return RANK[ack] > RANK[rem] ? ack : rem;
}
