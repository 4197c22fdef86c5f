import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import { PagerDutyClient, type PagerDutyOptions } from "../../../src/github/notify/pagerduty.ts";
import type { PageDetails } from "../../../src/github/notify/types.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { expectNoLeak, PLANTED, recordingFetch, useNock, type Wire } from "../revoke/support.ts";

useNock();

const PD = "https://events.pagerduty.com";
const ROUTING_KEY = "R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY32";

function setup(over: Partial<PagerDutyOptions> = {}) {
  const log = new MemoryLogger();
  const clock = new VirtualClock("2025-06-02T23:15:00.000Z");
  const wire: Wire[] = [];
  const sleep = vi.fn(async (_ms: number) => {});
  const client = new PagerDutyClient({ routingKey: ROUTING_KEY, clock, log, fetch: recordingFetch(wire), retry: { sleep }, ...over });
  return { client, log, clock, wire, sleep };
}

const DETAILS: PageDetails = {
  alertKey: "secret-scanning:acme/api#12",
  summary: "acme/api alert#12: GitHub personal access token leaked; SLA lapsed at 2025-06-02T23:00Z; owner @alice unreachable",
  severity: "critical",
  repo: "acme/api",
  alertNumber: 12,
  secretType: "github_personal_access_token",
  identityClass: "personal-access-token",
  issueUrl: "https://github.com/acme/api/issues/7",
  alertUrl: "https://github.com/acme/api/security/secret-scanning/12",
  deadline: "2025-06-02T23:00:00.000Z",
  details: { owner: "@alice" },
};

const accepted = (dedupKey: string) => ({ status: "success", message: "Event processed", dedup_key: dedupKey });

describe("PagerDutyClient: the event", () => {
  it("POSTs a trigger to /v2/enqueue in the Events API v2 shape", async () => {
    const { client, log, wire } = setup();
    const scope = nock(PD, { badheaders: ["authorization"] })
      .post("/v2/enqueue", {
        routing_key: ROUTING_KEY,
        event_action: "trigger",
        dedup_key: "secret-scanning:acme/api#12",
        payload: {
          summary: DETAILS.summary,
          source: "acme/api",
          severity: "critical",
          timestamp: "2025-06-02T23:15:00.000Z",
          component: "github_personal_access_token",
          group: "acme",
          class: "personal-access-token",
          custom_details: {
            owner: "@alice",
            alert_key: "secret-scanning:acme/api#12",
            repo: "acme/api",
            alert_number: 12,
            secret_type: "github_personal_access_token",
            identity_class: "personal-access-token",
            severity: "critical",
            deadline: "2025-06-02T23:00:00.000Z",
            issue_url: "https://github.com/acme/api/issues/7",
          },
        },
        links: [
          { href: "https://github.com/acme/api/issues/7", text: "Response issue" },
          { href: "https://github.com/acme/api/security/secret-scanning/12", text: "Secret scanning alert" },
        ],
      })
      .matchHeader("content-type", "application/json")
      .reply(202, accepted("secret-scanning:acme/api#12"));

    const result = await client.trigger(DETAILS);

    expect(result).toEqual({
      ok: true,
      status: 202,
      dedupKey: "secret-scanning:acme/api#12",
      detail: "PagerDuty accepted the trigger (HTTP 202)",
      attempts: 1,
    });
    scope.done();
    expect(wire.map((w) => w.url)).toEqual([`${PD}/v2/enqueue`]);
    expect(log.text()).toContain("acme/api alert#12: pagerduty: trigger accepted (HTTP 202)");
    expectNoLeak(ROUTING_KEY, { log: log.text(), result });
  });

  it.each([
    ["critical", "critical"],
    ["high", "error"],
    ["medium", "warning"],
    ["low", "info"],
  ] as const)("maps severity %s to %s", async (ours, theirs) => {
    const { client, wire } = setup();
    nock(PD).post("/v2/enqueue").reply(202, accepted(DETAILS.alertKey));
    await client.trigger({ ...DETAILS, severity: ours });
    expect((JSON.parse(wire[0]?.body ?? "") as { payload: { severity: string } }).payload.severity).toBe(theirs);
  });

  it("uses the alert key as dedup_key, so a repeat lands on the same alert", async () => {
    const { client, wire, clock } = setup();
    nock(PD).post("/v2/enqueue").times(2).reply(202, accepted(DETAILS.alertKey));
    const first = await client.trigger(DETAILS);
    clock.advance(30 * 60_000);
    const second = await client.trigger({ ...DETAILS, summary: "acme/api alert#12: still open" });
    const keys = wire.map((w) => (JSON.parse(w.body) as { dedup_key: string }).dedup_key);
    expect(keys).toEqual([DETAILS.alertKey, DETAILS.alertKey]);
    expect([first.dedupKey, second.dedupKey]).toEqual([DETAILS.alertKey, DETAILS.alertKey]);
  });

  it("hashes an alert key longer than PagerDuty's 255 characters", async () => {
    const { client, wire } = setup();
    nock(PD).post("/v2/enqueue").reply(202, {});
    const alertKey = `secret-scanning:acme/${"r".repeat(300)}#1`;
    const result = await client.trigger({ ...DETAILS, alertKey });
    const sent = (JSON.parse(wire[0]?.body ?? "") as { dedup_key: string }).dedup_key;
    expect(sent).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.dedupKey).toBe(sent);
  });

  it("cuts the summary to 1,024 characters", async () => {
    const { client, wire } = setup();
    nock(PD).post("/v2/enqueue").reply(202, accepted(DETAILS.alertKey));
    await client.trigger({ ...DETAILS, summary: `${"x".repeat(1100)}🔑` });
    const summary = (JSON.parse(wire[0]?.body ?? "") as { payload: { summary: string } }).payload.summary;
    expect(Array.from(summary)).toHaveLength(1024);
    expect(summary.endsWith("x…")).toBe(true);
  });

  it("leaves a short summary alone and omits links it has not got", async () => {
    const { client, wire } = setup();
    nock(PD).post("/v2/enqueue").reply(202, accepted(DETAILS.alertKey));
    await client.trigger({ ...DETAILS, issueUrl: null, alertUrl: null });
    const body = JSON.parse(wire[0]?.body ?? "") as { payload: { summary: string }; links: unknown[] };
    expect(body.payload.summary).toBe(DETAILS.summary);
    expect(body.links).toEqual([]);
  });

  it.each(["acknowledge", "resolve"] as const)("sends %s with routing_key, dedup_key and event_action only", async (action) => {
    const { client } = setup();
    const scope = nock(PD)
      .post("/v2/enqueue", { routing_key: ROUTING_KEY, event_action: action, dedup_key: DETAILS.alertKey })
      .reply(202, accepted(DETAILS.alertKey));
    const result = await client[action](DETAILS.alertKey);
    expect(result).toMatchObject({ ok: true, status: 202, dedupKey: DETAILS.alertKey });
    scope.done();
  });
});

describe("PagerDutyClient: retries", () => {
  it("retries 500 and 429, backing off, then succeeds", async () => {
    const { client, sleep, log } = setup();
    const scope = nock(PD)
      .post("/v2/enqueue")
      .reply(500)
      .post("/v2/enqueue")
      .reply(429)
      .post("/v2/enqueue")
      .reply(202, accepted(DETAILS.alertKey));
    const result = await client.trigger(DETAILS);
    expect(result).toEqual({
      ok: true,
      status: 202,
      dedupKey: DETAILS.alertKey,
      detail: "PagerDuty accepted the trigger (HTTP 202) after 3 attempts",
      attempts: 3,
    });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000, 2000]);
    scope.done();
    expect(log.text()).toContain("pagerduty: trigger attempt: HTTP 500");
  });

  it("gives up after 2 retries", async () => {
    const { client, sleep } = setup();
    const scope = nock(PD).post("/v2/enqueue").times(4).reply(503);
    const result = await client.trigger(DETAILS);
    expect(result).toMatchObject({ ok: false, status: 503, attempts: 3, dedupKey: DETAILS.alertKey });
    expect(result.detail).toBe("PagerDuty did not accept the trigger: HTTP 503 after 3 attempts");
    expect(sleep).toHaveBeenCalledTimes(2);
    expect(scope.pendingMocks()).toHaveLength(1); // the 4th reply was never asked for
  });

  it("does not retry a 400, and says what PagerDuty said, without the routing key", async () => {
    const { client, sleep, log } = setup();
    nock(PD)
      .post("/v2/enqueue")
      .reply(400, {
        status: "invalid event",
        message: "Event object is invalid",
        errors: [`routing_key ${ROUTING_KEY} is not a known integration`],
      });
    const result = await client.trigger(DETAILS);
    expect(result).toMatchObject({ ok: false, status: 400, attempts: 1 });
    expect(result.detail).toBe(
      "PagerDuty did not accept the trigger: HTTP 400 (Event object is invalid: routing_key [routing key] is not a known integration)",
    );
    expect(sleep).not.toHaveBeenCalled();
    expectNoLeak(ROUTING_KEY, { log: log.text(), result });
  });

  it("waits as long as Retry-After asks, up to the cap", async () => {
    const { client, sleep } = setup();
    nock(PD)
      .post("/v2/enqueue")
      .reply(429, "", { "retry-after": "5" })
      .post("/v2/enqueue")
      .reply(429, "", { "retry-after": "3600" })
      .post("/v2/enqueue")
      .reply(202, {});
    expect((await client.trigger(DETAILS)).ok).toBe(true);
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([5000, 30_000]);
  });

  it("retries a timeout and a network error", async () => {
    const { client, sleep } = setup({ timeoutMs: 30 });
    nock(PD)
      .post("/v2/enqueue")
      .delay(1000)
      .reply(202) // no body: a late mocked body on an aborted request trips an undici assertion in the mock socket
      .post("/v2/enqueue")
      .replyWithError(Object.assign(new Error("reset"), { code: "ECONNRESET" }))
      .post("/v2/enqueue")
      .reply(202, accepted(DETAILS.alertKey));
    const result = await client.trigger(DETAILS);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("reports status null when no answer ever came", async () => {
    const { client } = setup({ timeoutMs: 20, retry: { retries: 1, sleep: async () => {} } });
    nock(PD).post("/v2/enqueue").times(2).delay(1000).reply(202);
    const result = await client.trigger(DETAILS);
    expect(result).toEqual({
      ok: false,
      status: null,
      dedupKey: DETAILS.alertKey,
      detail: "PagerDuty did not accept the trigger: timed out after 20 ms after 2 attempts",
      attempts: 2,
    });
  });
});

describe("PagerDutyClient: secrets", () => {
  it("a page carries metadata only: no planted secret, and the routing key only in the body PagerDuty needs it in", async () => {
    const { client, log, wire } = setup();
    nock(PD).post("/v2/enqueue").reply(500, { message: "try later" }).post("/v2/enqueue").reply(202, accepted(DETAILS.alertKey));
    const result = await client.trigger(DETAILS);
    expect(result.ok).toBe(true);
    for (const secret of Object.values(PLANTED)) expectNoLeak(secret, { log: log.text(), result, wire });
    expectNoLeak(ROUTING_KEY, { log: log.text(), result, headers: wire.map((w) => w.headers) });
    expect(wire.every((w) => (JSON.parse(w.body) as { routing_key: string }).routing_key === ROUTING_KEY)).toBe(true);
  });

  it("refuses an empty routing key", () => {
    expect(() => setup({ routingKey: "" })).toThrow(/routingKey/);
  });
});
