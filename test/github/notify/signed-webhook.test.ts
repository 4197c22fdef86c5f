import { createHmac } from "node:crypto";
import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import { SignedWebhookPager, type SignedWebhookPagerOptions } from "../../../src/github/notify/signed-webhook.ts";
import type { PageDetails } from "../../../src/github/notify/types.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { expectNoLeak, PLANTED, recordingFetch, useNock, type Wire } from "../revoke/support.ts";

useNock();

const HOOK = "https://pager.acme.test";
const SIGNING_SECRET = "pager-signing-key-acme";

function setup(over: Partial<SignedWebhookPagerOptions> = {}) {
  const log = new MemoryLogger();
  const clock = new VirtualClock("2025-06-02T23:15:00.000Z");
  const wire: Wire[] = [];
  const sleep = vi.fn(async (_ms: number) => {});
  let n = 0;
  const pager = new SignedWebhookPager({
    url: `${HOOK}/page`,
    signingSecret: SIGNING_SECRET,
    clock,
    log,
    fetch: recordingFetch(wire),
    retry: { sleep },
    newId: () => `delivery-${++n}`,
    ...over,
  });
  return { pager, log, clock, wire, sleep };
}

const sign = (body: string) => `sha256=${createHmac("sha256", SIGNING_SECRET).update(Buffer.from(body, "utf8")).digest("hex")}`;

const DETAILS: PageDetails = {
  alertKey: "secret-scanning:acme/api#12",
  summary: "acme/api alert#12: GitHub personal access token leaked; SLA lapsed",
  severity: "high",
  repo: "acme/api",
  alertNumber: 12,
  secretType: "github_personal_access_token",
  identityClass: "personal-access-token",
  issueUrl: "https://github.com/acme/api/issues/7",
  deadline: "2025-06-02T23:00:00.000Z",
};

describe("SignedWebhookPager", () => {
  it("POSTs a signed page with event, idempotency key and the alert's metadata", async () => {
    const { pager, log, wire } = setup();
    const scope = nock(HOOK, { badheaders: ["authorization"] })
      .post("/page", {
        event: "page",
        action: "trigger",
        dedup_key: "secret-scanning:acme/api#12",
        sent_at: "2025-06-02T23:15:00.000Z",
        summary: DETAILS.summary,
        severity: "high",
        repo: "acme/api",
        alert_number: 12,
        secret_type: "github_personal_access_token",
        identity_class: "personal-access-token",
        issue_url: "https://github.com/acme/api/issues/7",
        alert_url: null,
        deadline: "2025-06-02T23:00:00.000Z",
        details: {},
      })
      .matchHeader("x-nhi-steward-event", "page")
      .matchHeader("idempotency-key", "delivery-1")
      .matchHeader("content-type", "application/json")
      .reply(204);

    const result = await pager.trigger(DETAILS);

    expect(result).toEqual({
      ok: true,
      status: 204,
      dedupKey: DETAILS.alertKey,
      detail: "pager.acme.test accepted the trigger (HTTP 204)",
      attempts: 1,
    });
    scope.done();
    const [sent] = wire as [Wire];
    expect(sent.headers["x-nhi-steward-signature-256"]).toBe(sign(sent.body));
    expect(log.text()).toContain("acme/api alert#12: signed-webhook: trigger accepted by pager.acme.test (HTTP 204)");
    expectNoLeak(SIGNING_SECRET, { log: log.text(), result, wire });
  });

  it("sends resolve with the dedup key and no alert details", async () => {
    const { pager, wire } = setup();
    const scope = nock(HOOK)
      .post("/page", { event: "page", action: "resolve", dedup_key: DETAILS.alertKey, sent_at: "2025-06-02T23:15:00.000Z" })
      .reply(200);
    expect((await pager.resolve(DETAILS.alertKey)).ok).toBe(true);
    scope.done();
    expect(wire[0]?.headers["x-nhi-steward-signature-256"]).toBe(sign(wire[0]?.body ?? ""));
  });

  it("retries 503 with the same idempotency key and signature, then succeeds; a new page gets a new key", async () => {
    const { pager, wire, sleep } = setup();
    nock(HOOK).post("/page").reply(503).post("/page").reply(202).post("/page").reply(202);
    const result = await pager.trigger(DETAILS);
    expect(result).toMatchObject({ ok: true, status: 202, attempts: 2 });
    expect(sleep.mock.calls.map(([ms]) => ms)).toEqual([1000]);
    expect(wire.map((w) => w.headers["idempotency-key"])).toEqual(["delivery-1", "delivery-1"]);
    expect(wire[0]?.headers["x-nhi-steward-signature-256"]).toBe(wire[1]?.headers["x-nhi-steward-signature-256"]);

    await pager.trigger(DETAILS);
    expect(wire[2]?.headers["idempotency-key"]).toBe("delivery-2");
  });

  it("does not retry a 4xx, nor quote the receiver's body", async () => {
    const { pager, sleep } = setup();
    nock(HOOK)
      .post("/page")
      .reply(401, { error: `bad signature, expected ${SIGNING_SECRET}` });
    const result = await pager.trigger(DETAILS);
    expect(result).toEqual({
      ok: false,
      status: 401,
      dedupKey: DETAILS.alertKey,
      detail: "pager.acme.test did not accept the trigger: HTTP 401",
      attempts: 1,
    });
    expect(sleep).not.toHaveBeenCalled();
  });

  it("times out, retries, and reports status null when nothing answered", async () => {
    const { pager, log } = setup({ timeoutMs: 25 });
    nock(HOOK).post("/page").times(3).delay(1000).reply(202);
    const result = await pager.trigger(DETAILS);
    expect(result).toEqual({
      ok: false,
      status: null,
      dedupKey: DETAILS.alertKey,
      detail: "pager.acme.test did not accept the trigger: timed out after 25 ms after 3 attempts",
      attempts: 3,
    });
    expect(log.text()).toContain("acme/api alert#12: signed-webhook: pager.acme.test did not accept the trigger");
  });

  it("carries no planted secret and logs neither the signing key nor the URL's path", async () => {
    const { pager, log, wire } = setup({ url: `${HOOK}/page/T0KEN-IN-PATH` });
    nock(HOOK).post("/page/T0KEN-IN-PATH").reply(500).post("/page/T0KEN-IN-PATH").reply(200);
    const result = await pager.trigger({ ...DETAILS, details: { owner: "@alice" } });
    expect(result.ok).toBe(true);
    for (const secret of Object.values(PLANTED)) expectNoLeak(secret, { log: log.text(), result, wire });
    expectNoLeak(SIGNING_SECRET, { log: log.text(), result, wire });
    expect(`${log.text()}${result.detail}`).not.toContain("T0KEN-IN-PATH");
  });

  it("refuses an empty signing secret", () => {
    expect(() => setup({ signingSecret: "" })).toThrow(/signingSecret/);
  });
});
