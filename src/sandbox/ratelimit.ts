/** Per-token primary rate limits, windows of one hour by the sandbox clock. 304s and GET /rate_limit are not counted. */
import type { Clock } from "../core/clock.ts";
import type { RateSnapshot } from "./http.ts";

interface Window {
  used: number;
  resetMs: number;
}

export const ANONYMOUS_LIMIT = 60;

export class RateLimits {
  private readonly windows = new Map<string, Window>();
  private readonly totals = new Map<string, number>();
  private readonly clock: Clock;
  private readonly limit: number;

  constructor(clock: Clock, limit: number) {
    this.clock = clock;
    this.limit = limit;
  }

  private window(token: string | null): Window {
    const k = token ?? "";
    const now = this.clock.now().getTime();
    let w = this.windows.get(k);
    if (!w || now >= w.resetMs) {
      w = { used: 0, resetMs: Math.ceil((now + 3600_000) / 1000) * 1000 };
      this.windows.set(k, w);
    }
    return w;
  }

  snapshot(token: string | null): RateSnapshot {
    const w = this.window(token);
    const limit = token === null ? ANONYMOUS_LIMIT : this.limit;
    return { limit, used: w.used, remaining: Math.max(0, limit - w.used), reset: Math.floor(w.resetMs / 1000) };
  }

  exhausted(token: string | null): boolean {
    return this.snapshot(token).remaining <= 0;
  }

  count(token: string | null): void {
    this.window(token).used++;
    const k = token ?? "";
    this.totals.set(k, (this.totals.get(k) ?? 0) + 1);
  }

  /** Requests counted against the rate limit since start, for one token (null = anonymous) or, without argument, all. */
  counted(token?: string | null): number {
    if (token === undefined) return [...this.totals.values()].reduce((a, b) => a + b, 0);
    return this.totals.get(token ?? "") ?? 0;
  }

  headers(token: string | null): Record<string, string> {
    const s = this.snapshot(token);
    return {
      "x-ratelimit-limit": String(s.limit),
      "x-ratelimit-remaining": String(s.remaining),
      "x-ratelimit-reset": String(s.reset),
      "x-ratelimit-used": String(s.used),
      "x-ratelimit-resource": "core",
    };
  }
}
