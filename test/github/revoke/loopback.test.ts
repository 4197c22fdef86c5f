import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../../src/core/clock.ts";
import { CredentialsApiRevoker } from "../../../src/github/revoke/credentials-api.ts";
import { WebhookRevoker } from "../../../src/github/revoke/webhook.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { expectNoLeak, PLANTED, target, useNock } from "./support.ts";

/**
 * Real sockets on loopback, real fetch: what nock's mock sockets cannot show, such as whether fetch
 * follows a redirect (it would re-send the body, secret included, to the redirect's target).
 */
useNock();

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function listen(
  handler: (seen: Seen, reply: (status: number, headers?: Record<string, string>, body?: string) => void) => void,
): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      seen.push(s);
      handler(s, (status, headers = {}, body = "") => res.writeHead(status, headers).end(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let collector: Awaited<ReturnType<typeof listen>>;
let api: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  collector = await listen((_s, reply) => reply(200));
  api = await listen((s, reply) => {
    if (s.url === "/credentials/revoke") reply(202, { "content-type": "application/json" }, "null");
    else if (s.url.startsWith("/redirect/"))
      reply(Number(s.url.slice("/redirect/".length, "/redirect/".length + 3)), { location: `${collector.url}/steal` });
    else if (s.url === "/slow") setTimeout(() => reply(202), 2000);
    else reply(404);
  });
});

afterAll(async () => {
  for (const s of [collector, api]) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
});

const clock = new VirtualClock("2025-06-02T10:00:00Z");

describe("on the wire", () => {
  it("the credentials API request reaches the server unauthenticated, with only the token in the body", async () => {
    const log = new MemoryLogger();
    const revoker = new CredentialsApiRevoker({ baseUrl: api.url, clock, log, batchWindowMs: 0 });
    const before = api.seen.length;
    const outcome = await revoker.revoke(target(), async () => PLANTED.pat);
    expect(outcome.status).toBe("revoked");
    const [s] = api.seen.slice(before);
    expect(s?.method).toBe("POST");
    expect(s?.headers.authorization).toBeUndefined();
    expect(s?.body).toBe(`{"credentials":["${PLANTED.pat}"]}`);
    expectNoLeak(PLANTED.pat, { log: log.text(), outcome });
  });

  it.each([301, 302, 303, 307, 308])(
    "a %i from the revocation endpoint is not followed: the secret never reaches the Location",
    async (status) => {
      const log = new MemoryLogger();
      // baseUrl points at the redirecting path, so `${baseUrl}/credentials/revoke` is redirected.
      const revoker = new CredentialsApiRevoker({ baseUrl: `${api.url}/redirect/${status}`, clock, log, batchWindowMs: 0 });
      const before = collector.seen.length;
      const outcome = await revoker.revoke(target(), async () => PLANTED.pat);
      expect(outcome).toMatchObject({ status: "failed", retryable: false, detail: expect.stringContaining(`HTTP ${status}`) });
      expect(collector.seen.slice(before)).toEqual([]);
      expectNoLeak(PLANTED.pat, { log: log.text(), outcome, collector: collector.seen });
    },
  );

  it("the rotation webhook does not follow a redirect either", async () => {
    const before = collector.seen.length;
    const revoker = new WebhookRevoker({ url: `${api.url}/redirect/307`, signingSecret: "k", clock, log: new MemoryLogger() });
    expect(await revoker.revoke(target(), async () => PLANTED.pat)).toMatchObject({ status: "failed", retryable: false });
    expect(collector.seen.slice(before)).toEqual([]);
  });

  it("a server slower than the timeout gives failed, retryable, without waiting for its answer", async () => {
    // The server answers 202 after 2 s, a timer set after the revoker's 50 ms one, so the abort always comes first
    // (however loaded the machine); a revoker that waited for the answer would report "revoked".
    const revoker = new WebhookRevoker({ url: `${api.url}/slow`, signingSecret: "k", clock, log: new MemoryLogger(), timeoutMs: 50 });
    const outcome = await revoker.revoke(target(), async () => PLANTED.pat);
    expect(outcome).toMatchObject({ status: "failed", retryable: true, detail: expect.stringContaining("timed out after 50 ms") });
  });
});
