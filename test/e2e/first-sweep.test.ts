/**
 * After a restart, the App's first sweep runs a minute or two after start, not one whole interval
 * later: an alert whose delivery was missed while the App was down gets its issue within minutes.
 * The App's timers are injected (no wall-clock waits); the jitter's source too.
 */
import { Probot, ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import { nhiStewardApp } from "../../src/app/app.ts";
import { FIRST_SWEEP_DELAY_MS, firstSweepDelay, type SweepTimers } from "../../src/app/interval-sweep.ts";
import { localAppKey } from "../../src/app/local-server.ts";
import { retryOnFailure } from "../../src/github/octokit.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";
import { PLANTED, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

/** Timers that only record what the App asked for; the test fires them. */
function fakeTimers() {
  const scheduled: { kind: "after" | "every"; ms: number; fn: () => Promise<void> }[] = [];
  const timers: SweepTimers = {
    after: (ms, fn) => void scheduled.push({ kind: "after", ms, fn }),
    every: (ms, fn) => void scheduled.push({ kind: "every", ms, fn }),
  };
  return { timers, scheduled };
}

/** A second App process against the sandbox, started with the production default of hourly sweeps. */
async function startApp(timers: SweepTimers, random: () => number) {
  const probot = new Probot({
    appId: 1,
    privateKey: await localAppKey(),
    secret: "s",
    baseUrl: world.sandbox.url,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      throttle: { ...(o.throttle as object), enabled: false },
    })).plugin(retryOnFailure),
  });
  await probot.load(
    nhiStewardApp({
      clock: world.clock,
      log: world.log,
      identity: SANDBOX_APP_IDENTITY,
      apiUrl: world.sandbox.url,
      sweepEveryMinutes: 60,
      sweepTimers: timers,
      sweepRandom: random,
    }),
  );
}

describe("the first sweep after a start", () => {
  it("runs a minute or two after start and opens the issue of an alert missed while the App was down; then every interval", async () => {
    // Created while the App was down: its delivery failed, and GitHub does not send it again.
    const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: PLANTED.pat,
      validity: "active",
      locations: [{ path: "infra/deploy.sh", startLine: 1 }],
    }).number;
    const { timers, scheduled } = fakeTimers();
    await startApp(timers, () => 0.5);
    // One timer, 90 s away (60 s, plus half of 60 s of jitter); no interval yet.
    expect(scheduled.map((t) => [t.kind, t.ms])).toEqual([["after", 90_000]]);
    expect(responseIssues(world, "acme/api")).toEqual([]);

    world.clock.advance(90_000);
    await scheduled[0]!.fn();
    const [issue] = responseIssues(world, "acme/api");
    expect(issue?.title).toContain(`(secret scanning alert #${n})`);
    expect(issue?.assignees).toEqual(["alice"]);
    // From then on, every hour.
    expect(scheduled.map((t) => [t.kind, t.ms])).toEqual([
      ["after", 90_000],
      ["every", 3_600_000],
    ]);
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    world.clock.advance(3_600_000);
    await scheduled[1]!.fn();
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("replicas started together spread their first sweeps over a minute, never past the first interval", () => {
    expect(firstSweepDelay(3_600_000, () => 0)).toBe(FIRST_SWEEP_DELAY_MS);
    expect(firstSweepDelay(3_600_000, () => 0.999)).toBeLessThan(2 * FIRST_SWEEP_DELAY_MS);
    expect(FIRST_SWEEP_DELAY_MS).toBeLessThanOrEqual(60_000);
    // A one-minute interval: the first sweep is never later than that.
    expect(firstSweepDelay(60_000, () => 0.9)).toBe(60_000);
  });
});
