import { createHash, createHmac } from "node:crypto";
import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import { WebhookRevoker, type WebhookRevokerOptions } from "../../../src/github/revoke/webhook.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { carrying, expectNoLeak, PLANTED, recordingFetch, target, useNock, type Wire } from "./support.ts";

useNock();

const SERVICE = "https://rotate.acme.test";
const URL_ = `${SERVICE}/hooks/nhi?tenant=acme`;
const SIGNING_SECRET = "whsec-shared-between-acme-and-nhi-steward";

function setup(over: Partial<WebhookRevokerOptions> = {}) {
  const log = new MemoryLogger();
  const clock = new VirtualClock("2025-06-02T22:30:00.000Z");
  const wire: Wire[] = [];
  const revoker = new WebhookRevoker({ url: URL_, signingSecret: SIGNING_SECRET, clock, log, fetch: recordingFetch(wire), ...over });
  return { revoker, log, clock, wire };
}

/** Recomputed here, independently of src: HMAC-SHA256 of the raw body, hex, prefixed like GitHub's. */
const expectedSignature = (body: string) =>
  `sha256=${createHmac("sha256", SIGNING_SECRET).update(Buffer.from(body, "utf8")).digest("hex")}`;

/** A secret reader that must never run. */
const untouchable = () => vi.fn(async (): Promise<string> => PLANTED.aws);

const AWS_TARGET = target({
  alertKey: "secret-scanning:acme/api#31",
  alertNumber: 31,
  secretType: "aws_access_key_id",
  identityClass: "cloud-access-key",
  issueUrl: "https://github.com/acme/api/issues/40",
});

describe("WebhookRevoker: the request", () => {
  it("POSTs the alert's metadata, signed, with the event and idempotency headers, and never reads the secret", async () => {
    const { revoker, log, wire } = setup();
    const scope = nock(SERVICE)
      .post("/hooks/nhi", {
        event: "revoke",
        alert_key: "secret-scanning:acme/api#31",
        repo: "acme/api",
        alert_number: 31,
        secret_type: "aws_access_key_id",
        identity_class: "cloud-access-key",
        issue_url: "https://github.com/acme/api/issues/40",
        requested_at: "2025-06-02T22:30:00.000Z",
      })
      .query({ tenant: "acme" })
      .matchHeader("content-type", "application/json")
      .matchHeader("x-nhi-steward-event", "revoke")
      .matchHeader("x-nhi-steward-signature-256", /^sha256=[0-9a-f]{64}$/)
      .reply(202);
    const secret = untouchable();

    const outcome = await revoker.revoke(AWS_TARGET, secret);

    expect(outcome).toEqual({
      status: "revoked",
      method: "webhook",
      detail: "rotation service at rotate.acme.test accepted the request (HTTP 202)",
    });
    scope.done();
    expect(secret).not.toHaveBeenCalled();
    expect(wire).toHaveLength(1);
    const [sent] = wire as [Wire];
    expect(sent.headers["x-nhi-steward-signature-256"]).toBe(expectedSignature(sent.body));
    expect(sent.headers["idempotency-key"]).toBe(createHash("sha256").update("revoke\nsecret-scanning:acme/api#31").digest("hex"));
    expect(sent.headers.authorization).toBeUndefined();
    expect(log.text()).toContain("acme/api alert#31: webhook: revoked");
    expectNoLeak(SIGNING_SECRET, { log: log.text(), outcome, body: sent.body });
  });

  it("signs the exact bytes sent: a different key gives a different signature", async () => {
    const { revoker, wire } = setup();
    nock(SERVICE).post("/hooks/nhi").query(true).reply(200);
    await revoker.revoke(AWS_TARGET, untouchable());
    const [sent] = wire as [Wire];
    const other = `sha256=${createHmac("sha256", "another key").update(sent.body).digest("hex")}`;
    expect(sent.headers["x-nhi-steward-signature-256"]).not.toBe(other);
    expect(sent.headers["x-nhi-steward-signature-256"]).toBe(expectedSignature(sent.body));
  });

  it("sends the same idempotency key for the same alert, and another for another alert", async () => {
    const { revoker, wire, clock } = setup();
    nock(SERVICE).post("/hooks/nhi").query(true).times(3).reply(200);
    await revoker.revoke(AWS_TARGET, untouchable());
    clock.advance(60_000);
    await revoker.revoke(AWS_TARGET, untouchable());
    await revoker.revoke({ ...AWS_TARGET, alertKey: "secret-scanning:acme/api#32", alertNumber: 32 }, untouchable());
    const keys = wire.map((w) => w.headers["idempotency-key"]);
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[0]);
    // The bodies differ (requested_at), so the signatures do too.
    expect(wire[0]?.headers["x-nhi-steward-signature-256"]).not.toBe(wire[1]?.headers["x-nhi-steward-signature-256"]);
  });

  it("supports every target by default, and only what the predicate accepts when given one", () => {
    expect(setup().revoker.supports(AWS_TARGET)).toBe(true);
    const { revoker } = setup({ supports: (t) => t.secretType.startsWith("aws_") });
    expect(revoker.supports(AWS_TARGET)).toBe(true);
    expect(revoker.supports(target())).toBe(false);
  });

  it("refuses an empty signing secret", () => {
    expect(() => setup({ signingSecret: "" })).toThrow(/signingSecret/);
  });
});

describe("WebhookRevoker: answers", () => {
  it.each([
    [200, "revoked", undefined],
    [204, "revoked", undefined],
    [400, "failed", false],
    [401, "failed", false],
    [404, "failed", false],
    [409, "failed", false],
    [429, "failed", true],
    [500, "failed", true],
    [503, "failed", true],
    [302, "failed", false],
  ] as const)("HTTP %i → %s (retryable %s)", async (status, expected, retryable) => {
    const { revoker } = setup();
    nock(SERVICE)
      .post("/hooks/nhi")
      .query(true)
      .reply(status, "", status === 302 ? { location: "https://elsewhere.test/" } : {});
    const outcome = await revoker.revoke(AWS_TARGET, untouchable());
    expect(outcome.status).toBe(expected);
    expect(outcome.detail).toContain(`HTTP ${status}`);
    if (retryable !== undefined) expect(outcome).toMatchObject({ retryable });
  });

  it("times out after the configured time: failed, retryable", async () => {
    const { revoker, log } = setup({ timeoutMs: 40 });
    // The 202 comes on a timer set after the 40 ms abort, so the abort comes first however loaded the
    // machine is; a revoker that waited for the answer would report it.
    nock(SERVICE).post("/hooks/nhi").query(true).delay(1000).reply(202);
    const outcome = await revoker.revoke(AWS_TARGET, untouchable());
    expect(outcome).toEqual({
      status: "failed",
      method: "webhook",
      retryable: true,
      detail: "rotation service at rotate.acme.test: timed out after 40 ms",
    });
    expect(log.text()).toContain("acme/api alert#31: webhook: failed");
  });

  it("defaults to a 10 s timeout", async () => {
    const { revoker } = setup();
    nock(SERVICE).post("/hooks/nhi").query(true).delay(200).reply(202);
    expect((await revoker.revoke(AWS_TARGET, untouchable())).status).toBe("revoked");
  });

  it("a network error is failed, retryable", async () => {
    const { revoker } = setup();
    nock(SERVICE)
      .post("/hooks/nhi")
      .query(true)
      .replyWithError(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
    expect(await revoker.revoke(AWS_TARGET, untouchable())).toMatchObject({
      status: "failed",
      retryable: true,
      detail: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("never reads nor sends the secret, and logs neither it nor the signing key, whatever the answer", async () => {
    for (const reply of [202, 400, 500]) {
      const { revoker, log, wire } = setup();
      nock(SERVICE).post("/hooks/nhi").query(true).reply(reply, { echo: "whatever" });
      const secret = untouchable();
      const outcome = await revoker.revoke(AWS_TARGET, secret);
      expect(secret).not.toHaveBeenCalled();
      expect(wire).toHaveLength(1);
      expect(carrying(wire, PLANTED.aws)).toEqual([]);
      expectNoLeak(PLANTED.aws, { log: log.text(), outcome, wire });
      expectNoLeak(SIGNING_SECRET, { log: log.text(), outcome, wire });
    }
  });
});
