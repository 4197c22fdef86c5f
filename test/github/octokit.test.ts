import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Octokit } from "@octokit/core";
import { afterEach, describe, expect, it } from "vitest";
import { isLoopback, nativeJson, retryOnFailure } from "../../src/github/octokit.ts";

/** A loopback server answering each request with the next of `answers` (a status, or "reset": the connection drops). */
async function serve(answers: (number | "reset")[]): Promise<{ url: string; hits: string[]; server: Server }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const answer = answers.shift() ?? 200;
    if (answer === "reset") {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer, { "content-type": "application/json" });
    res.end(JSON.stringify(answer < 400 ? { ok: true } : { message: `status ${answer}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, server };
}

const RetryingOctokit = Octokit.plugin(retryOnFailure);
let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function attempt(
  answers: (number | "reset")[],
  route: string,
  params: Record<string, unknown> = {},
): Promise<{ hits: string[]; status: number }> {
  const s = await serve(answers);
  server = s.server;
  const octokit = new RetryingOctokit({ baseUrl: s.url, retryOnFailure: { retryAfterBaseValue: 1 } });
  try {
    const res = await octokit.request(route, params);
    return { hits: s.hits, status: res.status };
  } catch (e) {
    return { hits: s.hits, status: (e as { status: number }).status };
  }
}

describe("retryOnFailure (the app's and the Action's retries, @octokit/plugin-retry's policy without its limiter)", () => {
  it("retries a 5xx and answers with the retry's result", async () => {
    expect(await attempt([502, 200], "GET /repos/acme/api")).toEqual({ hits: ["GET /repos/acme/api", "GET /repos/acme/api"], status: 200 });
  });

  it("retries a dropped connection (Octokit reports it as status 500)", async () => {
    expect(await attempt(["reset", 200], "GET /repos/acme/api")).toEqual({
      hits: ["GET /repos/acme/api", "GET /repos/acme/api"],
      status: 200,
    });
  });

  it("gives up after 3 retries", async () => {
    expect(await attempt([500, 500, 500, 500, 200], "GET /repos/acme/api")).toEqual({
      hits: Array(4).fill("GET /repos/acme/api"),
      status: 500,
    });
  });

  it("never retries 400, 401, 403, 404, 410, 422, 451", async () => {
    for (const status of [400, 401, 403, 404, 410, 422, 451]) {
      expect(await attempt([status, 200], "GET /repos/acme/api")).toEqual({ hits: ["GET /repos/acme/api"], status });
      server?.close();
    }
  });

  it("honours a request's own `retries: 0` (issue and comment POSTs: a lost answer must not open a duplicate)", async () => {
    expect(await attempt([502, 201], "POST /repos/acme/api/issues", { title: "t", request: { retries: 0 } })).toEqual({
      hits: ["POST /repos/acme/api/issues"],
      status: 502,
    });
  });

  it("passes a success through untouched", async () => {
    expect(await attempt([200], "GET /repos/acme/api")).toEqual({ hits: ["GET /repos/acme/api"], status: 200 });
  });
});

describe("isLoopback (no write pacing against the sandbox)", () => {
  it("is true for this machine only", () => {
    expect(["http://127.0.0.1:3000/api", "http://localhost:1", "http://[::1]:4/", "http://127.1.2.3"].map(isLoopback)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(
      ["https://api.github.com", "https://ghe.acme.example/api/v3", "https://127.0.0.1.evil.example", "not a url"].map(isLoopback),
    ).toEqual([false, false, false, false]);
  });
});

describe("nativeJson (answers parsed with the built-in JSON.parse)", () => {
  async function answer(contentType: string | null, body: string | Buffer, request: Record<string, unknown> = {}): Promise<unknown> {
    const s = createServer((_req, res) => {
      res.writeHead(200, contentType ? { "content-type": contentType } : {});
      res.end(body);
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const octokit = new (Octokit.plugin(retryOnFailure, nativeJson))({ baseUrl: `http://127.0.0.1:${(s.address() as AddressInfo).port}` });
    const res = await octokit.request("GET /x", { request });
    return res.data;
  }

  it("gives what Octokit's own parsing gives, for JSON and every other kind of answer", async () => {
    expect(await answer("application/json; charset=utf-8", '{"id":12,"labels":[{"name":"a"}],"n":1.5,"s":"é"}')).toEqual({
      id: 12,
      labels: [{ name: "a" }],
      n: 1.5,
      s: "é",
    });
    expect(await answer("application/scim+json", "[1,2]")).toEqual([1, 2]);
    expect(await answer("application/json", "not json")).toBe("not json");
    expect(await answer("text/plain", "plain")).toBe("plain");
    expect(await answer("application/vnd.github.raw; charset=utf-8", "* @alice\n")).toBe("* @alice\n");
    expect(await answer(null, "no type")).toBe("no type");
    const bytes = await answer("application/octet-stream; charset=utf-8", Buffer.from([1, 2, 3]));
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it("leaves the raw body to a request that asks for it", async () => {
    const data = await answer("application/json", "[1]", { parseSuccessResponseBody: false });
    expect(await new Response(data as ReadableStream).text()).toBe("[1]");
  });
});
