import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { durationSchema, formatDuration, parseDuration, type Duration } from "../../../src/core/sla/duration.ts";

const MIN = 60_000;
const H = 60 * MIN;
const D = 24 * H;
const elapsed = (ms: number): Duration => ({ kind: "elapsed", ms });
const workingDays = (days: number): Duration => ({ kind: "working-days", days });

const EXAMPLES = "30m, 4h, 1h30m, 2d or 5 business days";

describe("parseDuration reads durations as people write them", () => {
  it.each<[string, Duration]>([
    ["30m", elapsed(30 * MIN)],
    ["4h", elapsed(4 * H)],
    ["1h30m", elapsed(90 * MIN)],
    ["1h 30m", elapsed(90 * MIN)],
    ["1 h 30 min", elapsed(90 * MIN)],
    ["90 min", elapsed(90 * MIN)],
    ["90 mins", elapsed(90 * MIN)],
    ["45 minutes", elapsed(45 * MIN)],
    ["1 minute", elapsed(MIN)],
    ["2 hours", elapsed(2 * H)],
    ["1 hour", elapsed(H)],
    ["1 hour and 30 minutes", elapsed(90 * MIN)],
    ["1h, 30m", elapsed(90 * MIN)],
    ["1d", elapsed(D)],
    ["3 days", elapsed(3 * D)],
    ["1 day 2 h 30 min", elapsed(D + 2 * H + 30 * MIN)],
    ["1w", elapsed(7 * D)],
    ["2 weeks", elapsed(14 * D)],
    ["1.5h", elapsed(90 * MIN)],
    ["0.5d", elapsed(12 * H)],
    ["0h 30m", elapsed(30 * MIN)],
    ["1 business day", workingDays(1)],
    ["5 business days", workingDays(5)],
    ["2bd", workingDays(2)],
    ["3 working days", workingDays(3)],
    ["  4H  ", elapsed(4 * H)],
    ["5 Business  Days", workingDays(5)],
    ["1000d", elapsed(1000 * D)],
  ])("%j", (text, expected) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: expected });
  });
});

describe("parseDuration says what is wrong and shows valid examples", () => {
  it.each<[string, string]>([
    ["4 hrs", `"4 hrs" is not a duration; write it like ${EXAMPLES}`],
    ["4 hours ago", `"4 hours ago" is not a duration; write it like ${EXAMPLES}`],
    ["soon", `"soon" is not a duration; write it like ${EXAMPLES}`],
    ["", `"" is not a duration; write it like ${EXAMPLES}`],
    ["   ", `"   " is not a duration; write it like ${EXAMPLES}`],
    ["1h and", `"1h and" is not a duration; write it like ${EXAMPLES}`],
    ["10s", `"10s" is not a duration; write it like ${EXAMPLES}`],
    ["4", `"4" has no unit; write it like ${EXAMPLES}`],
    ["0h", `"0h" is zero; an SLA needs a positive duration, like ${EXAMPLES}`],
    ["0 business days", `"0 business days" is zero; an SLA needs a positive duration, like ${EXAMPLES}`],
    ["-2h", `"-2h" is negative; an SLA needs a positive duration, like ${EXAMPLES}`],
    ["-1 business day", `"-1 business day" is negative; an SLA needs a positive duration, like ${EXAMPLES}`],
    ["1.33h", `"1.33h" is not a whole number of minutes; write it like 1h30m or 90m`],
    ["1.5bd", `"1.5bd" is not a whole number of business days; write it like 1 business day or 2 business days`],
    ["1 business day 4h", `"1 business day 4h" mixes business days with elapsed time; write one or the other, like 5 business days or 4h`],
    ["1001d", `"1001d" is longer than 1000 days, the longest SLA clock`],
    ["1001 business days", `"1001 business days" is longer than 1000 business days, the longest SLA clock`],
  ])("%j", (text, error) => {
    expect(parseDuration(text)).toEqual({ ok: false, error });
  });
});

describe("durationSchema", () => {
  const policy = z.object({ acknowledge: durationSchema });

  it("turns the text into a Duration", () => {
    expect(policy.parse({ acknowledge: "1h30m" })).toEqual({ acknowledge: elapsed(90 * MIN) });
    expect(durationSchema.parse("5 business days")).toEqual(workingDays(5));
  });

  it.each<[unknown, string]>([
    ["4 hrs", `"4 hrs" is not a duration; write it like ${EXAMPLES}`],
    ["0m", `"0m" is zero; an SLA needs a positive duration, like ${EXAMPLES}`],
    [4, `"4" has no unit; write it like ${EXAMPLES}`],
    [true, `true is not a duration; write it like ${EXAMPLES}`],
    [["4h"], `a list is not a duration; write it like ${EXAMPLES}`],
    [undefined, `a duration is required; write it like ${EXAMPLES}`],
  ])("rejects %j with parseDuration's words, at the setting's path", (input, message) => {
    const result = policy.safeParse({ acknowledge: input });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([{ path: ["acknowledge"], message }]);
  });

  it("shows up in the policy JSON Schema (input side) as a documented string", () => {
    expect(z.toJSONSchema(policy, { io: "input" })).toMatchObject({
      properties: { acknowledge: { type: "string", description: expect.stringContaining("5 business days") } },
    });
  });
});

describe("formatDuration", () => {
  it.each<[Duration, string]>([
    [elapsed(4 * H), "4 h"],
    [elapsed(90 * MIN), "1 h 30 min"],
    [elapsed(30 * MIN), "30 min"],
    [elapsed(D), "1 day"],
    [elapsed(2 * D + 3 * H), "2 days 3 h"],
    [elapsed(7 * D), "7 days"],
    [elapsed(90_000), "1 min 30 s"],
    [workingDays(1), "1 business day"],
    [workingDays(5), "5 business days"],
  ])("%j → %s", (d, text) => {
    expect(formatDuration(d)).toBe(text);
  });

  it("writes text that parseDuration reads back to the same duration", () => {
    const durations = fc.oneof(
      fc.integer({ min: 1, max: 1000 * 24 * 60 }).map((m) => elapsed(m * MIN)),
      fc.integer({ min: 1, max: 1000 }).map(workingDays),
    );
    fc.assert(
      fc.property(durations, (d) => {
        expect(parseDuration(formatDuration(d))).toEqual({ ok: true, value: d });
      }),
    );
  });
});
