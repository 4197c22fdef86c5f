import nock from "nock";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { RevocationTarget } from "../../../src/github/revoke/types.ts";

/** Planted secrets: tests assert each reaches the revocation endpoint and nothing else. */
export const PLANTED = {
  pat: "ghp_NHIPLANTEDrevokePAT00000000000000001",
  fineGrained: "github_pat_11NHIPLANTED0000000000_fineGRAINEDplantedVALUE000000000000000000000000000000002",
  oauth: "gho_NHIPLANTEDrevokeOAUTH000000000000003",
  installation: "ghs_NHIPLANTEDrevokeINSTALL0000000000004",
  aws: "AKIANHIPLANTEDAWS005",
} as const;

/** One request as our code handed it to fetch: the exact body string and headers. */
export interface Wire {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that records every request before handing it to the (nock-intercepted) global fetch. */
export function recordingFetch(wire: Wire[]): typeof fetch {
  return (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init?.body === "string" ? init.body : init?.body === undefined || init.body === null ? "" : String(init.body);
    wire.push({ url, method: init?.method ?? "GET", headers, body });
    return fetch(input, init);
  };
}

/** Requests nock saw but no interceptor matched (with net connect disabled, they fail). */
export const unmatched: string[] = [];

/**
 * No test reaches the network: only loopback may connect. Every file that mocks HTTP calls this at
 * top level. After each test, interceptors are cleared and no request may have gone unmatched.
 */
const LOOPBACK = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?$/;

export function useNock(): void {
  // Loopback requests go through to real local servers; anything else unmatched is a test failure.
  const onNoMatch = (req: Request) => {
    if (!LOOPBACK.test(new URL(req.url).host)) unmatched.push(`${req.method} ${req.url}`);
  };
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
    nock.enableNetConnect((host: string) => LOOPBACK.test(host));
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(() => {
    nock.abortPendingRequests();
    nock.cleanAll();
    const seen = unmatched.splice(0);
    expect(seen, "requests no interceptor matched").toEqual([]);
  });
  afterAll(() => {
    nock.emitter.off("no match", onNoMatch);
    nock.enableNetConnect();
    nock.restore();
  });
}

/** The forms a leaked value could take: as is, without its prefix, base64, URL-encoded. */
export function leakForms(secret: string): string[] {
  const core = secret.replace(/^(?:gh[pousr]_|github_pat_)/, "");
  return [secret, core, Buffer.from(secret, "utf8").toString("base64"), encodeURIComponent(secret)];
}

/** Asserts no form of `secret` appears in any of `places` (stringified). */
export function expectNoLeak(secret: string, places: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(places)) {
    const text =
      typeof value === "string"
        ? value
        : (JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v)) ??
          "");
    for (const form of leakForms(secret)) expect(text.includes(form), `${name} contains the secret (${form.slice(0, 6)}…)`).toBe(false);
  }
}

/** Every recorded request that carries `secret` in any form. */
export function carrying(wire: Wire[], secret: string): Wire[] {
  return wire.filter((w) => leakForms(secret).some((form) => JSON.stringify(w).includes(form)));
}

export function target(over: Partial<RevocationTarget> = {}): RevocationTarget {
  return {
    alertKey: "secret-scanning:acme/api#12",
    repo: "acme/api",
    alertNumber: 12,
    secretType: "github_personal_access_token",
    identityClass: "personal-access-token",
    issueUrl: "https://github.com/acme/api/issues/7",
    ...over,
  };
}

/** A distinct well-formed classic PAT for index `i`. */
export function token(i: number): string {
  return `ghp_${String(i).padStart(36, "0")}`;
}

/** Lets queued promise callbacks and zero-delay timers run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
