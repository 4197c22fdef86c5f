import { Redis } from "ioredis";
import type { Logger } from "../log.ts";

/**
 * A Redis client for the lock and the delivery log: a URL makes one this caller owns (and closes),
 * a client is shared. Commands fail after a few reconnect attempts rather than queueing for minutes:
 * a delivery that cannot reach Redis fails (and GitHub's redelivery or the sweep retries it).
 */
export function redisClient(redis: string | Redis, log: Logger, what: string): { client: Redis; owns: boolean } {
  if (typeof redis !== "string") return { client: redis, owns: false };
  const client = new Redis(redis, { maxRetriesPerRequest: 3, connectTimeout: 5_000 });
  let lastError = "";
  client.on("error", (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt: say it once per change.
    if (error.message === lastError) return;
    lastError = error.message;
    log.warn(`${what}: Redis connection error: ${error.message}`);
  });
  client.on("ready", () => (lastError = ""));
  return { client, owns: true };
}

/** A Redis URL fit for a log line: the password hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
