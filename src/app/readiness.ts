import { Redis } from "ioredis";
import { redactUrl } from "../github/redis-client.ts";

/** One thing `/readyz` asks: resolves when it works, rejects saying what does not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /** Added to the message when the check does not answer in time: what may be hanging. */
  timeoutHint?: string;
  /** Releases what the check holds (a Redis connection), at shutdown. */
  close?(): Promise<void>;
}

/**
 * GitHub accepts the app's credentials: a JWT-authenticated `GET /app` (what every installation
 * token is minted with). A success is remembered for `cacheMs` (default 30 s) so a probe every few
 * seconds does not spend the app's rate limit; a failure is not remembered.
 */
export function githubCheck(
  appOctokit: () => Promise<{ request(route: string): Promise<unknown> }>,
  options: { cacheMs?: number; now?: () => number } = {},
): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 30_000;
  const now = options.now ?? (() => performance.now());
  let okUntil = -Infinity;
  return {
    name: "github",
    timeoutHint: "GitHub did not answer GET /app (with REDIS_URL, Probot paces every request through Redis: is it up?)",
    async check() {
      if (now() < okUntil) return;
      const octokit = await appOctokit();
      try {
        await octokit.request("GET /app");
      } catch (e) {
        const status = (e as { status?: unknown }).status;
        throw new Error(
          `GET /app with the app's JWT failed${typeof status === "number" ? ` (${status})` : ""}: ${(e as Error).message}. Check APP_ID, PRIVATE_KEY and GHE_HOST.`,
          { cause: e },
        );
      }
      okUntil = now() + cacheMs;
    },
  };
}

/**
 * Redis answers PING, on a connection of its own (the lock's and Probot's are not shared). A
 * connection that is down fails the check at once with its last error rather than waiting.
 */
export function redisCheck(url: string): ReadinessCheck {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
  let lastError = "";
  client.on("error", (e: Error) => (lastError = e.message));
  client.on("ready", () => (lastError = ""));
  let connecting: Promise<void> | null = null;
  return {
    name: "redis",
    async check() {
      connecting ??= client.connect().catch(() => undefined);
      if (client.status === "connecting" || client.status === "connect" || client.status === "wait") await connecting;
      if (client.status !== "ready")
        throw new Error(`Redis at ${redactUrl(url)} is not connected (${client.status}${lastError ? `: ${lastError}` : ""}).`);
      const reply = await client.ping();
      if (reply !== "PONG") throw new Error(`Redis answered PING with ${JSON.stringify(reply)}.`);
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}
