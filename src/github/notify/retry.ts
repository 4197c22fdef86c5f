import type { PostResult } from "../revoke/http.ts";

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  retries?: number;
  /** The first backoff; each retry doubles it (default 1 s). */
  baseDelayMs?: number;
  /** No single wait is longer (default 30 s), whatever Retry-After says. */
  maxDelayMs?: number;
  /** Injectable so tests do not wait. */
  sleep?: Sleep;
}

/** Worth another try: 429, 5xx, a timeout or a network error (PagerDuty's "Response Codes & Retry Logic"). */
export function retryable(result: PostResult): boolean {
  return result.kind !== "response" || result.status === 429 || result.status >= 500;
}

/**
 * Runs `attempt` until it gives a non-retryable result or the retries are spent, sleeping
 * `baseDelayMs * 2^(n-1)` before retry n (or the server's Retry-After, if longer).
 */
export async function withRetries(
  attempt: () => Promise<PostResult>,
  options: RetryOptions = {},
): Promise<{ result: PostResult; attempts: number }> {
  const retries = Math.max(0, options.retries ?? 2);
  const base = options.baseDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? realSleep;
  let attempts = 0;
  for (;;) {
    const result = await attempt();
    attempts++;
    if (!retryable(result) || attempts > retries) return { result, attempts };
    await sleep(Math.min(max, Math.max(base * 2 ** (attempts - 1), retryAfterMs(result))));
  }
}

function retryAfterMs(result: PostResult): number {
  if (result.kind !== "response") return 0;
  const seconds = Number(result.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
