import { Lru } from "../core/lru.ts";

/** How long a long-lived app trusts what it learnt about an organisation's people and files. */
export const DIRECTORY_TTL_MS = 5 * 60_000;

interface Entry {
  expires: number;
  value: Promise<unknown>;
}

/**
 * Answers that change rarely and cost a request each: team members, whether a login can be
 * assigned in a repository, and files that do not exist (a 404 carries no ETag, so it cannot be
 * asked again as a free 304). A long-lived app keeps one per process, so a burst of alerts in a
 * repository asks each question once per `ttlMs`; a sweep or one Action run uses its own.
 *
 * Staleness is bounded by the TTL: someone added to a team, granted access, or a policy file
 * added to a repository is seen within `ttlMs`. Time comes from the `now` passed in (the clock).
 */
export class DirectoryCache {
  private readonly entries: Lru<Entry>;
  private readonly now: () => number;
  readonly ttlMs: number;

  constructor(now: () => number, options: { ttlMs?: number; max?: number } = {}) {
    this.now = now;
    this.ttlMs = options.ttlMs ?? DIRECTORY_TTL_MS;
    this.entries = new Lru(options.max ?? 20_000);
  }

  /** The cached answer for `key`, or `load()`'s (concurrent callers share one request; failures are not kept). */
  remember<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.value as Promise<T>;
    const value = load();
    const entry = { expires: this.now() + this.ttlMs, value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** Replaces an answer learnt another way (e.g. GitHub refused an assignee the cache called assignable). */
  set<T>(key: string, value: T): void {
    this.entries.set(key, { expires: this.now() + this.ttlMs, value: Promise.resolve(value) });
  }

  /** A known answer that has not expired, without loading. */
  peek<T>(key: string): Promise<T> | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > this.now() ? (hit.value as Promise<T>) : undefined;
  }
}
