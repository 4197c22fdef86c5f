import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import {
  CREDENTIALS_API_SECRET_TYPES,
  CredentialsApiRevoker,
  type CredentialsApiRevokerOptions,
} from "../../../src/github/revoke/credentials-api.ts";
import type { RevocationOutcome } from "../../../src/github/revoke/types.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { carrying, expectNoLeak, PLANTED, recordingFetch, target, tick, token, useNock, type Wire } from "./support.ts";

useNock();

const BASE = "https://api.github.test";
const ENDPOINT = `${BASE}/credentials/revoke`;
const T0 = "2025-06-02T10:00:00.000Z";

function setup(over: Partial<CredentialsApiRevokerOptions> = {}) {
  const log = new MemoryLogger();
  const clock = new VirtualClock(T0);
  const wire: Wire[] = [];
  const revoker = new CredentialsApiRevoker({ baseUrl: BASE, clock, log, fetch: recordingFetch(wire), batchWindowMs: 5, ...over });
  return { revoker, log, clock, wire };
}

const read = (value: string) => vi.fn(async () => value);

describe("CredentialsApiRevoker: the request", () => {
  it("POSTs { credentials: [token] } to /credentials/revoke, unauthenticated, and reports revoked on 202", async () => {
    const { revoker, log, wire } = setup();
    const scope = nock(BASE, { badheaders: ["authorization"] })
      .post("/credentials/revoke", { credentials: [PLANTED.pat] })
      .matchHeader("content-type", "application/json")
      .matchHeader("accept", "application/vnd.github+json")
      .matchHeader("user-agent", "nhi-steward")
      .reply(202, "null", { "content-type": "application/json", "x-github-request-id": "C0DE:1234" });

    const outcome = await revoker.revoke(target(), read(PLANTED.pat));

    expect(outcome).toEqual({
      status: "revoked",
      method: "credentials-api",
      detail: "GitHub accepted 1 credential for revocation (HTTP 202, request C0DE:1234); the owners are notified",
    });
    scope.done();
    expect(wire).toHaveLength(1);
    const [sent] = wire as [Wire];
    expect(sent.url).toBe(ENDPOINT);
    expect(sent.method).toBe("POST");
    expect(Object.keys(sent.headers).sort()).toEqual(["accept", "content-type", "user-agent", "x-github-api-version"]);
    expect(sent.body).toBe(JSON.stringify({ credentials: [PLANTED.pat] }));
    expect(log.text()).toContain("acme/api alert#12: credentials-api: revoked");
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it("supports exactly the token types the API accepts", () => {
    const { revoker } = setup();
    expect([...CREDENTIALS_API_SECRET_TYPES].sort()).toEqual([
      "github_oauth_access_token",
      "github_personal_access_token",
      "github_refresh_token",
    ]);
    for (const secretType of CREDENTIALS_API_SECRET_TYPES) expect(revoker.supports(target({ secretType }))).toBe(true);
    for (const secretType of ["github_app_installation_access_token", "github_ssh_private_key", "aws_access_key_id", "slack_api_token"]) {
      expect(revoker.supports(target({ secretType }))).toBe(false);
    }
  });

  it.each(["github_app_installation_access_token", "github_ssh_private_key", "aws_access_key_id"])(
    "refuses %s without reading the secret",
    async (secretType) => {
      const { revoker, wire } = setup();
      const secret = read(PLANTED.installation);
      const outcome = await revoker.revoke(target({ secretType }), secret);
      expect(outcome.status).toBe("unsupported");
      expect(secret).not.toHaveBeenCalled();
      expect(wire).toEqual([]);
    },
  );

  it.each([
    ["an installation token (ghs_)", PLANTED.installation],
    ["an AWS key", PLANTED.aws],
    ["a token with a space in it", `ghp_NHIPLANTED spaced00000000000000000000`],
    ["a prefix with too little after it", "ghp_NHIPLANTEDshort"],
  ])("reads the secret, finds %s, and refuses it without sending anything", async (_what, value) => {
    const { revoker, log, wire } = setup();
    const secret = read(value);
    const outcome = await revoker.revoke(target(), secret);
    expect(outcome).toEqual({ status: "unsupported", method: "credentials-api", detail: expect.stringContaining("it was not sent") });
    expect(secret).toHaveBeenCalledTimes(1);
    expect(wire).toEqual([]);
    expectNoLeak(value, { log: log.text(), outcome });
  });

  it("trims whitespace around the secret before sending it", async () => {
    const { revoker } = setup();
    const scope = nock(BASE)
      .post("/credentials/revoke", { credentials: [PLANTED.oauth] })
      .reply(202);
    const outcome = await revoker.revoke(target({ secretType: "github_oauth_access_token" }), read(`  ${PLANTED.oauth}\n`));
    expect(outcome.status).toBe("revoked");
    scope.done();
  });
});

describe("CredentialsApiRevoker: batching", () => {
  it("sends three concurrent revocations as one request with three credentials", async () => {
    const { revoker, log, wire } = setup({ batchWindowMs: 20 });
    const scope = nock(BASE)
      .post(
        "/credentials/revoke",
        (body: { credentials: string[] }) =>
          [...body.credentials].sort().join() === [PLANTED.pat, PLANTED.fineGrained, PLANTED.oauth].sort().join(),
      )
      .once()
      .reply(202);

    const outcomes = await Promise.all([
      revoker.revoke(target({ alertNumber: 1 }), read(PLANTED.pat)),
      revoker.revoke(target({ alertNumber: 2 }), read(PLANTED.fineGrained)),
      revoker.revoke(target({ alertNumber: 3, secretType: "github_oauth_access_token" }), read(PLANTED.oauth)),
    ]);

    scope.done();
    expect(wire).toHaveLength(1);
    expect(outcomes.map((o) => o.status)).toEqual(["revoked", "revoked", "revoked"]);
    expect(outcomes[0]?.detail).toContain("3 credentials");
    expect(revoker.remaining()).toBe(59);
    for (const n of [1, 2, 3]) expect(log.text()).toContain(`acme/api alert#${n}: credentials-api: revoked`);
    for (const secret of [PLANTED.pat, PLANTED.fineGrained, PLANTED.oauth]) expectNoLeak(secret, { log: log.text(), outcomes });
  });

  it("flush() sends the open batch at once instead of waiting for the window", async () => {
    const { revoker, wire } = setup({ batchWindowMs: 60_000 });
    const scope = nock(BASE).post("/credentials/revoke").once().reply(202);
    const pending = [
      revoker.revoke(target({ alertNumber: 1 }), read(token(1))),
      revoker.revoke(target({ alertNumber: 2 }), read(token(2))),
    ];
    await tick();
    expect(wire).toEqual([]);

    await revoker.flush();

    expect(wire).toHaveLength(1);
    expect(JSON.parse(wire[0]?.body ?? "")).toEqual({ credentials: [token(1), token(2)] });
    expect((await Promise.all(pending)).map((o) => o.status)).toEqual(["revoked", "revoked"]);
    scope.done();
  });

  it("sends a full batch of 1,000 at once and the rest in the next request", async () => {
    const { revoker, wire } = setup({ batchWindowMs: 60_000 });
    const scope = nock(BASE).post("/credentials/revoke").times(2).reply(202);
    const pending = Array.from({ length: 1001 }, (_, i) => revoker.revoke(target({ alertNumber: i }), read(token(i))));
    await tick();
    expect(wire.map((w) => (JSON.parse(w.body) as { credentials: string[] }).credentials.length)).toEqual([1000]);

    await revoker.flush();

    expect(wire.map((w) => (JSON.parse(w.body) as { credentials: string[] }).credentials.length)).toEqual([1000, 1]);
    expect(JSON.parse(wire[1]?.body ?? "")).toEqual({ credentials: [token(1000)] });
    expect(new Set((await Promise.all(pending)).map((o) => o.status))).toEqual(new Set(["revoked"]));
    expect(revoker.remaining()).toBe(58);
    scope.done();
  });

  it("sends a token queued twice once, and answers both", async () => {
    const { revoker, wire } = setup();
    const scope = nock(BASE)
      .post("/credentials/revoke", { credentials: [PLANTED.pat] })
      .once()
      .reply(202);
    const outcomes = await Promise.all([
      revoker.revoke(target({ alertNumber: 1 }), read(PLANTED.pat)),
      revoker.revoke(target({ alertNumber: 2 }), read(PLANTED.pat)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["revoked", "revoked"]);
    expect(wire).toHaveLength(1);
    scope.done();
  });
});

describe("CredentialsApiRevoker: the 60-an-hour budget", () => {
  it("defers the 61st request in an hour without reading the secret, and allows it an hour later", async () => {
    const { revoker, clock, wire } = setup({ batchWindowMs: 0 });
    // 61 replies are on offer: only the budget stops the 61st.
    const scope = nock(BASE).post("/credentials/revoke").times(61).reply(202);
    for (let i = 0; i < 60; i++) {
      if (i === 30) clock.advance(10 * 60_000); // 30 at 10:00, 30 at 10:10
      expect((await revoker.revoke(target({ alertNumber: i }), read(token(i)))).status).toBe("revoked");
    }
    expect(wire).toHaveLength(60);
    expect(revoker.remaining()).toBe(0);

    const secret = read(token(60));
    const deferred = await revoker.revoke(target({ alertNumber: 60 }), secret);
    expect(deferred).toEqual({
      status: "deferred",
      method: "credentials-api",
      detail: expect.stringContaining("2025-06-02T11:00:00.000Z"),
    });
    expect(secret).not.toHaveBeenCalled();
    expect(wire).toHaveLength(60);

    clock.set("2025-06-02T10:59:59.999Z");
    expect((await revoker.revoke(target({ alertNumber: 60 }), secret)).status).toBe("deferred");
    expect(secret).not.toHaveBeenCalled();

    clock.set("2025-06-02T11:00:00.000Z"); // the 30 sent at 10:00 have left the window
    expect(revoker.remaining()).toBe(30);
    expect((await revoker.revoke(target({ alertNumber: 60 }), secret)).status).toBe("revoked");
    expect(wire).toHaveLength(61);
    scope.done();
  });

  it("counts a batch as one request, however many credentials it carries", async () => {
    const { revoker } = setup({ batchWindowMs: 10, requestsPerHour: 1 });
    const scope = nock(BASE).post("/credentials/revoke").times(2).reply(202);
    const outcomes = await Promise.all([1, 2, 3].map((i) => revoker.revoke(target({ alertNumber: i }), read(token(i)))));
    expect(outcomes.map((o) => o.status)).toEqual(["revoked", "revoked", "revoked"]);
    expect((await revoker.revoke(target({ alertNumber: 4 }), read(token(4)))).status).toBe("deferred");
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it("stops until GitHub's reset when GitHub says the limit is spent", async () => {
    const { revoker, clock } = setup({ batchWindowMs: 0 });
    const reset = Date.parse("2025-06-02T10:15:00.000Z") / 1000;
    nock(BASE)
      .post("/credentials/revoke")
      .reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) });
    const first = await revoker.revoke(target(), read(PLANTED.pat));
    expect(first).toMatchObject({ status: "failed", retryable: true, detail: expect.stringContaining("rate limited (HTTP 403)") });

    const secret = read(PLANTED.pat);
    expect(await revoker.revoke(target(), secret)).toMatchObject({
      status: "deferred",
      detail: expect.stringContaining("2025-06-02T10:15:00.000Z"),
    });
    expect(secret).not.toHaveBeenCalled();

    clock.set("2025-06-02T10:15:00.000Z");
    const scope = nock(BASE).post("/credentials/revoke").reply(202);
    expect((await revoker.revoke(target(), secret)).status).toBe("revoked");
    scope.done();
  });
});

describe("CredentialsApiRevoker: failures", () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [429, true],
    [422, false],
    [403, false],
    [404, false],
    [400, false],
  ])("HTTP %i → failed, retryable %s, and the detail quotes neither the request nor the response body", async (status, retryable) => {
    const { revoker, log, wire } = setup();
    // A server that echoes what it got: the detail must not pass it on.
    nock(BASE)
      .post("/credentials/revoke")
      .reply(status, async (req: Request) => ({ message: `could not revoke ${await req.text()}` }));
    const outcome = await revoker.revoke(target(), read(PLANTED.pat));
    expect(outcome).toEqual({ status: "failed", method: "credentials-api", retryable, detail: expect.stringContaining(`HTTP ${status}`) });
    expect(wire).toHaveLength(1);
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it("maps a network error to failed, retryable, without the error's message", async () => {
    const { revoker, log } = setup();
    nock(BASE)
      .post("/credentials/revoke")
      .replyWithError(Object.assign(new Error(`socket hang up while sending ${PLANTED.pat}`), { code: "ECONNRESET" }));
    const outcome = await revoker.revoke(target(), read(PLANTED.pat));
    expect(outcome).toMatchObject({ status: "failed", retryable: true, detail: expect.stringMatching(/network error \(\w+\)/) });
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it("times out through the abort signal: failed, retryable", async () => {
    const { revoker, log } = setup({ timeoutMs: 30 });
    // The 202 comes on a timer set after the 30 ms abort, so the abort comes first however loaded the
    // machine is; a revoker that waited for the answer would report it.
    nock(BASE).post("/credentials/revoke").delay(1000).reply(202);
    const outcome = await revoker.revoke(target(), read(PLANTED.pat));
    expect(outcome).toMatchObject({ status: "failed", retryable: true, detail: expect.stringContaining("timed out after 30 ms") });
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it("does not follow a redirect, so the secret never reaches the other host", async () => {
    const { revoker, log, wire } = setup();
    nock(BASE).post("/credentials/revoke").reply(307, "", { location: "https://collector.evil.test/steal" });
    const elsewhere = nock("https://collector.evil.test").post("/steal").reply(200);
    const outcome = await revoker.revoke(target(), read(PLANTED.pat));
    expect(outcome.status).toBe("failed");
    expect(outcome).toMatchObject({ retryable: false });
    expect(elsewhere.isDone()).toBe(false);
    expect(wire.map((w) => w.url)).toEqual([ENDPOINT]);
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it("a secret reader that throws (quoting the secret) gives failed, retryable, and nothing is sent", async () => {
    const { revoker, log, wire } = setup();
    const boom = new Error(`vault said no to ${PLANTED.pat}`);
    const outcome = await revoker.revoke(target(), async () => {
      throw boom;
    });
    expect(outcome).toMatchObject({ status: "failed", retryable: true });
    expect(wire).toEqual([]);
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });
});

describe("CredentialsApiRevoker: the secret goes to the revocation endpoint and nowhere else", () => {
  const scenarios: [string, () => void, Partial<RevocationOutcome> & { retryable?: boolean }][] = [
    ["202", () => nock(BASE).post("/credentials/revoke").reply(202), { status: "revoked" }],
    [
      "422 echoing the body",
      () =>
        nock(BASE)
          .post("/credentials/revoke")
          .reply(422, (req: Request) => req.text()),
      { status: "failed", retryable: false },
    ],
    [
      "500 quoting the secret",
      () => nock(BASE).post("/credentials/revoke").reply(500, { message: PLANTED.fineGrained }),
      { status: "failed", retryable: true },
    ],
    [
      "redirect",
      () => nock(BASE).post("/credentials/revoke").reply(308, "", { location: "https://collector.evil.test/" }),
      { status: "failed", retryable: false },
    ],
    [
      "network error",
      () => nock(BASE).post("/credentials/revoke").replyWithError(`boom ${PLANTED.fineGrained}`),
      { status: "failed", retryable: true },
    ],
  ];

  it.each(scenarios)("%s: not in a log line, an outcome, or any other request", async (_name, mock, expected) => {
    const { revoker, log, wire } = setup();
    mock();
    let outcome: RevocationOutcome | undefined;
    let thrown: unknown = null;
    try {
      outcome = await revoker.revoke(target({ secretType: "github_personal_access_token" }), read(PLANTED.fineGrained));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeNull();
    expect(outcome).toMatchObject(expected);
    expect(outcome?.detail).not.toContain("timed out");
    expect(carrying(wire, PLANTED.fineGrained).map((w) => `${w.method} ${w.url}`)).toEqual([`POST ${ENDPOINT}`]);
    expect(wire.every((w) => w.url === ENDPOINT)).toBe(true);
    expectNoLeak(PLANTED.fineGrained, { log: log.text(), outcome, thrown });
  });
});
