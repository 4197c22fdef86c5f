import { z } from "zod";

/**
 * How long an SLA clock runs.
 *
 * - `elapsed`: an amount of time in milliseconds. On a `24x7` calendar it is wall-clock time; on a
 *   business calendar only working time counts, so `2d` there means 48 *working* hours (six
 *   09:00–17:00 days), not two business days.
 * - `working-days`: whole working days of the calendar (`5 business days`). On `24x7` one is 24 h.
 */
export type Duration = { kind: "elapsed"; ms: number } | { kind: "working-days"; days: number };

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The longest clock a policy may set: 1000 days, or 1000 business days. */
export const MAX_DAYS = 1000;

const EXAMPLES = "30m, 4h, 1h30m, 2d or 5 business days";

type Unit = "business-day" | "week" | "day" | "hour" | "minute";

const UNIT_MS: Record<Exclude<Unit, "business-day">, number> = { week: 7 * DAY_MS, day: DAY_MS, hour: HOUR_MS, minute: MINUTE_MS };

/** One `<number><unit>` term. The unit may not run on into more letters: `4 hrs` is not `4 h` + `rs`. */
const TERM = /(\d+(?:\.\d+)?)\s*(business\s+days?|working\s+days?|bd|weeks?|w|days?|d|hours?|h|minutes?|mins?|m)(?![a-z])/y;
const SEPARATOR = /\s*(?:(?:,|and(?![a-z]))\s*)?/y;
const SPACE = /\s*/y;

function unitOf(word: string): Unit {
  if (word.startsWith("business") || word.startsWith("working") || word === "bd") return "business-day";
  if (word.startsWith("w")) return "week";
  if (word.startsWith("d")) return "day";
  if (word.startsWith("h")) return "hour";
  return "minute";
}

function matchAt(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

interface Term {
  value: string;
  unit: Unit;
}

/** Splits `1h 30m`, `1 hour and 30 minutes`, `1h, 30m` into terms; null when the text is not made of terms. */
function terms(text: string): Term[] | null {
  const out: Term[] = [];
  let at = matchAt(SPACE, text, 0)?.[0].length ?? 0;
  while (at < text.length) {
    let from = at;
    if (out.length > 0) from += matchAt(SEPARATOR, text, at)?.[0].length ?? 0;
    const m = matchAt(TERM, text, from);
    if (!m) return null;
    out.push({ value: m[1] ?? "", unit: unitOf((m[2] ?? "").replace(/\s+/g, " ")) });
    at = from + m[0].length;
    at += matchAt(SPACE, text, at)?.[0].length ?? 0;
  }
  return out.length > 0 ? out : null;
}

/** `value` × `scale` as an exact integer, or null when it is not a whole number (works on the decimal digits, no float error). */
function scaled(value: string, scale: number): number | null {
  const [whole = "0", fraction = ""] = value.split(".");
  const denominator = 10 ** fraction.length;
  const numerator = Number(whole) * denominator + Number(fraction || "0");
  const product = numerator * scale;
  return product % denominator === 0 ? product / denominator : null;
}

/**
 * Reads a duration as people write it in a policy: `30m`, `4h`, `1h30m`, `90 min`, `2 hours`,
 * `1d` / `3 days` (24 h days), `1w` / `2 weeks`, and `1 business day`, `5 business days`, `2bd`
 * (also `working days`). Case and spaces do not matter; terms may be joined by spaces, `,` or `and`
 * and are added up. Elapsed durations are whole minutes and may use decimals that come out whole
 * (`1.5h`). Zero, negative, mixed (business days + hours) and over-long durations are errors.
 */
export function parseDuration(text: string): { ok: true; value: Duration } | { ok: false; error: string } {
  const shown = JSON.stringify(text);
  const fail = (why: string) => ({ ok: false as const, error: `${shown} ${why}` });
  const normal = text.trim().toLowerCase();

  const negative = /^[-\u2212]/.test(normal);
  const body = negative ? normal.slice(1) : normal;
  if (/^\d+(?:\.\d+)?$/.test(body)) return fail(`has no unit; write it like ${EXAMPLES}`);
  const parts = terms(body);
  if (!parts) return fail(`is not a duration; write it like ${EXAMPLES}`);
  if (negative) return fail(`is negative; an SLA needs a positive duration, like ${EXAMPLES}`);

  const businessDays = parts.filter((t) => t.unit === "business-day");
  if (businessDays.length > 0 && businessDays.length < parts.length) {
    return fail("mixes business days with elapsed time; write one or the other, like 5 business days or 4h");
  }

  if (businessDays.length > 0) {
    let days = 0;
    for (const t of businessDays) {
      const n = scaled(t.value, 1);
      if (n === null) return fail("is not a whole number of business days; write it like 1 business day or 2 business days");
      days += n;
    }
    if (days === 0) return fail(`is zero; an SLA needs a positive duration, like ${EXAMPLES}`);
    if (days > MAX_DAYS) return fail(`is longer than ${MAX_DAYS} business days, the longest SLA clock`);
    return { ok: true, value: { kind: "working-days", days } };
  }

  let minutes = 0;
  for (const t of parts) {
    const n = scaled(t.value, UNIT_MS[t.unit as Exclude<Unit, "business-day">] / MINUTE_MS);
    if (n === null) return fail("is not a whole number of minutes; write it like 1h30m or 90m");
    minutes += n;
  }
  if (minutes === 0) return fail(`is zero; an SLA needs a positive duration, like ${EXAMPLES}`);
  if (minutes * MINUTE_MS > MAX_DAYS * DAY_MS) return fail(`is longer than ${MAX_DAYS} days, the longest SLA clock`);
  return { ok: true, value: { kind: "elapsed", ms: minutes * MINUTE_MS } };
}

/** The message for a value that is not a string: a bare number is read as text and told it has no unit. */
function notAString(input: unknown): string {
  if (typeof input === "number") {
    const parsed = parseDuration(String(input));
    if (!parsed.ok) return parsed.error;
  }
  if (input === undefined) return `a duration is required; write it like ${EXAMPLES}`;
  const shown =
    typeof input === "boolean" || input === null ? JSON.stringify(input) : Array.isArray(input) ? "a list" : `a ${typeof input}`;
  return `${shown} is not a duration; write it like ${EXAMPLES}`;
}

/**
 * A duration in a policy file: a string (see {@link parseDuration}) turned into a {@link Duration}.
 * The issue message is parseDuration's error; a bare YAML number (`acknowledge: 4`) is told it has
 * no unit. (A transform: JSON Schema generation needs `io: "input"`, where this is a string.)
 */
export const durationSchema = z
  .string({ error: (issue) => notAString(issue.input) })
  .transform((text, ctx): Duration => {
    const parsed = parseDuration(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.error, input: text });
      return z.NEVER;
    }
    return parsed.value;
  })
  .meta({
    description: `A duration, like ${EXAMPLES}. On a business-hours calendar hours and days count working time only.`,
    examples: ["30m", "4h", "1h30m", "2d", "5 business days"],
  });

function plural(n: number, one: string, many: string = one + "s"): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The wording of a duration for people: `4 h`, `1 h 30 min`, `2 days 3 h`, `1 business day`,
 * `5 business days`. The text reads back through {@link parseDuration} to the same duration
 * (for whole minutes; seconds and milliseconds, which a policy cannot set, are shown as `s`, `ms`).
 */
export function formatDuration(d: Duration): string {
  if (d.kind === "working-days") return plural(d.days, "business day");
  let rest = Math.round(d.ms);
  const parts: string[] = [];
  const days = Math.floor(rest / DAY_MS);
  rest -= days * DAY_MS;
  const hours = Math.floor(rest / HOUR_MS);
  rest -= hours * HOUR_MS;
  const minutes = Math.floor(rest / MINUTE_MS);
  rest -= minutes * MINUTE_MS;
  const seconds = Math.floor(rest / 1000);
  rest -= seconds * 1000;
  if (days) parts.push(plural(days, "day"));
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (seconds) parts.push(`${seconds} s`);
  if (rest) parts.push(`${rest} ms`);
  return parts.length > 0 ? parts.join(" ") : "0 min";
}
