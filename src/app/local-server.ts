import { createHmac, generateKeyPair, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import type { Clock } from "../core/clock.ts";
import { nativeJson, retryOnFailure } from "../github/octokit.ts";
import type { Logger } from "../log.ts";
import { nhiStewardApp } from "./app.ts";
import type { DeliveryLog } from "./deliveries.ts";
import { guardDeliveries } from "./guard.ts";

export interface LocalAppServer {
  /** The Probot instance (app-level auth, e.g. for interval sweeps). */
  probot: Probot;
  /** Where GitHub would send webhooks, e.g. http://127.0.0.1:PORT/api/github/webhooks */
  webhookUrl: string;
  secret: string;
  /** Sends a delivery signed the way GitHub signs it; returns the HTTP status. */
  deliver(name: string, payload: object, options?: { id?: string; signature?: string | null }): Promise<number>;
  close(): Promise<void>;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

let localKey: Promise<string> | undefined;

/**
 * The throwaway RSA key that signs local apps' JWTs: one per process, made on the thread pool
 * (a 2048-bit key takes 0.05–1 s to find), so a caller may start it early and do other work meanwhile
 * (`nhi-steward simulate` starts the sandbox). Nothing checks the signature: the sandbox trusts any JWT.
 */
export function localAppKey(): Promise<string> {
  localKey ??= new Promise((resolve, reject) =>
    generateKeyPair(
      "rsa",
      { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } },
      (e, _publicKey, privateKey) => (e ? reject(e) : resolve(privateKey)),
    ),
  );
  return localKey;
}

/**
 * The real Probot app behind a real HTTP server on loopback, talking to `baseUrl` as its GitHub
 * (the sandbox in tests and `simulate`). A throwaway RSA key ({@link localAppKey}) signs its app JWTs.
 */
export async function startLocalAppServer(options: {
  baseUrl: string;
  clock?: Clock;
  log?: Logger;
  secret?: string;
  appId?: number;
  retries?: boolean;
  /** Processed deliveries (replays are refused); this server's memory when absent, as in production without REDIS_URL. */
  deliveries?: DeliveryLog;
}): Promise<LocalAppServer> {
  const secret = options.secret ?? "nhi-steward-local-webhook-secret";
  const privateKey = await localAppKey();
  const probot = new Probot({
    appId: options.appId ?? 1,
    privateKey,
    secret,
    baseUrl: options.baseUrl,
    logLevel: "fatal",
    // No pacing against a local GitHub (GitHub.com wants writes spaced; the sandbox does not). Retries
    // as in production: `retryOnFailure` instead of Probot's @octokit/plugin-retry (same policy, no
    // limiter on every request; src/github/octokit.ts), and answers parsed with JSON.parse (`nativeJson`).
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      retryOnFailure: { enabled: options.retries ?? true },
      throttle: { ...(o.throttle as object), enabled: false },
    })).plugin(retryOnFailure, nativeJson),
  });
  const middleware = await createNodeMiddleware(
    nhiStewardApp({
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.log ? { log: options.log } : {}),
      ...(options.deliveries ? { deliveries: options.deliveries } : {}),
    }),
    { probot },
  );
  const server: Server = createServer(guardDeliveries(middleware));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;

  return {
    probot,
    webhookUrl,
    secret,
    async deliver(name, payload, deliverOptions = {}) {
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-github-event": name,
        "x-github-delivery": deliverOptions.id ?? randomUUID(),
        "user-agent": "GitHub-Hookshot/nhi-steward-local",
      };
      const signature = deliverOptions.signature === undefined ? signPayload(secret, body) : deliverOptions.signature;
      if (signature !== null) headers["x-hub-signature-256"] = signature;
      const res = await fetch(webhookUrl, { method: "POST", headers, body });
      await res.arrayBuffer();
      return res.status;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
