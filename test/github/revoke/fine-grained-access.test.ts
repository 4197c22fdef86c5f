import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { FineGrainedAccessRevoker } from "../../../src/github/revoke/fine-grained-access.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { carrying, expectNoLeak, PLANTED, recordingFetch, target, useNock, type Wire } from "./support.ts";

useNock();

const BASE = "https://api.github.test";
const APP_TOKEN = "ghs_appINSTALLATIONtokenFORtests00000000";
const PAT_TARGET = target({ patId: 4242, org: "acme" });

function setup() {
  const log = new MemoryLogger();
  const wire: Wire[] = [];
  const octokit = new (Octokit.plugin(paginateRest))({ auth: APP_TOKEN, baseUrl: BASE, request: { fetch: recordingFetch(wire) } });
  return { revoker: new FineGrainedAccessRevoker({ octokit, log }), log, wire };
}

/** A secret reader that must never run: this method does not need the secret. */
const untouchable = () => vi.fn(async (): Promise<string> => PLANTED.fineGrained);

describe("FineGrainedAccessRevoker", () => {
  it("supports a target only when it carries the grant id", () => {
    const { revoker } = setup();
    expect(revoker.supports(target())).toBe(false);
    expect(revoker.supports(target({ patId: 4242 }))).toBe(true); // org defaults to the repository owner
    expect(revoker.supports(target({ patId: 0 }))).toBe(false);
    expect(revoker.supports(target({ patId: 1.5 }))).toBe(false);
  });

  it("POSTs { action: revoke } to /orgs/{org}/personal-access-tokens/{pat_id}, authenticated, without reading the secret", async () => {
    const { revoker, log, wire } = setup();
    const scope = nock(BASE)
      .post("/orgs/acme/personal-access-tokens/4242", { action: "revoke" })
      .matchHeader("authorization", `token ${APP_TOKEN}`)
      .reply(204);
    const secret = untouchable();

    const outcome = await revoker.revoke(PAT_TARGET, secret);

    expect(outcome).toEqual({
      status: "revoked",
      method: "fine-grained-pat-access",
      detail: "revoked fine-grained token grant 4242's access to acme (the token stays valid outside acme)",
    });
    scope.done();
    expect(secret).not.toHaveBeenCalled();
    expect(wire).toHaveLength(1);
    expect(JSON.parse(wire[0]?.body ?? "")).toEqual({ action: "revoke" });
    expect(log.text()).toContain("acme/api alert#12: fine-grained-pat-access: revoked grant 4242's access to acme");
  });

  it("takes the organisation from the repository when the target names none", async () => {
    const { revoker } = setup();
    const scope = nock(BASE).post("/orgs/octo-org/personal-access-tokens/7", { action: "revoke" }).reply(204);
    expect((await revoker.revoke(target({ repo: "octo-org/site", patId: 7 }), untouchable())).status).toBe("revoked");
    scope.done();
  });

  it("is unsupported without a grant id and sends nothing", async () => {
    const { revoker, wire } = setup();
    const secret = untouchable();
    expect(await revoker.revoke(target(), secret)).toMatchObject({ status: "unsupported" });
    expect(wire).toEqual([]);
    expect(secret).not.toHaveBeenCalled();
  });

  it.each([
    [403, {}, "failed", false, "Personal access tokens: write"],
    [404, {}, "failed", false, "not found"],
    [422, {}, "failed", false, "validation failed"],
    [500, {}, "failed", true, "HTTP 500"],
    [503, {}, "failed", true, "HTTP 503"],
    [429, { "retry-after": "60" }, "deferred", undefined, "rate limit"],
    [403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1750000000" }, "deferred", undefined, "rate limit"],
  ] as const)("HTTP %i %j → %s", async (status, headers, expected, retryable, says) => {
    const { revoker, log } = setup();
    nock(BASE).post("/orgs/acme/personal-access-tokens/4242").reply(status, { message: "nope" }, headers);
    const outcome = await revoker.revoke(PAT_TARGET, untouchable());
    expect(outcome.status).toBe(expected);
    if (retryable !== undefined) expect(outcome).toMatchObject({ retryable });
    expect(outcome.detail).toContain(says);
    expect(log.text()).toContain(`acme/api alert#12: fine-grained-pat-access: ${expected}`);
  });

  it("never reads nor sends the secret, whatever the answer", async () => {
    for (const status of [204, 403, 500]) {
      const { revoker, log, wire } = setup();
      nock(BASE).post("/orgs/acme/personal-access-tokens/4242").reply(status);
      const secret = untouchable();
      const outcome = await revoker.revoke(PAT_TARGET, secret);
      expect(secret).not.toHaveBeenCalled();
      expect(wire).toHaveLength(1);
      expect(carrying(wire, PLANTED.fineGrained)).toEqual([]);
      expectNoLeak(PLANTED.fineGrained, { log: log.text(), outcome, wire });
    }
  });
});
