import { Lru } from "../core/lru.ts";
import { SINCE_MARGIN_MS, type StoredIssue } from "./sweep-state.ts";

/**
 * The response-issue indexes a long-lived app shares across deliveries, by `owner/repo|label`.
 *
 * Each delivery used to read a repository's whole list of open response issues (one request per
 * hundred, every body parsed) to find whether its alert has an issue. With this cache a delivery
 * starts from the open records the last delivery saw and asks GitHub only for issues updated since
 * (`state=all&since=`): one request when little changed. Records are kept thin, as the sweep state
 * keeps them (no body: `storeIssue`/`issueFromState`); the delivery reads the one issue it acts on.
 *
 * `since` cannot see an issue deleted, transferred or stripped of the label (it no longer matches
 * the list at all), so every index is read in full again once its last full read is older than
 * `fullReadEveryMs`: that bounds how long such a change goes unseen. GitHub stays the record: an
 * entry evicted, forgotten or stale only costs a full read.
 */
export interface IndexedIssue {
  stored: StoredIssue;
  /** GitHub's `updated_at` of the copy kept (ms). */
  updatedAt: number;
}

export interface IssueIndexEntry {
  /** GitHub's `Date` (ms) of the read that brought the entry up to date: the next read asks `since` a little before it. */
  readAt: number;
  /** When the list was last read in full, by the app's clock (ms). */
  fullAt: number;
  /** The open records as of `readAt`, by issue number. */
  open: ReadonlyMap<number, IndexedIssue>;
}

/**
 * How long an index is used before it is read in full again. Ten minutes: deletions, transfers and
 * removed labels are invisible to `since`, and the only harm they do is to leave a record in the
 * index that is no longer one (the delivery reads the issue before acting and then re-reads the
 * list), or to miss one that lost its label (as the full read would): a full read per repository
 * every ten minutes is a small share of a busy repository's deliveries, and a short time to be wrong.
 */
export const ISSUE_INDEX_FULL_READ_MS = 10 * 60_000;
/**
 * Below this many open records a full read is one page (with every body): the cache is not used,
 * since a delivery that finds its issue would otherwise read it again (a second request).
 */
export const ISSUE_INDEX_MIN_OPEN = 100;

/** Records the cache holds in all: ~20–40 MB of markers at most, within the App's memory budget. */
export const ISSUE_INDEX_MAX_RECORDS = 20_000;

export interface IssueIndexCacheOptions {
  /** The app's clock (ms); never the wall clock. */
  now: () => number;
  fullReadEveryMs?: number;
  /** Indexes kept (least recently used forgotten first). */
  max?: number;
  /** Records kept in all (each holds its marker, ~1–2 KB): beyond it, least recently used indexes are forgotten. */
  maxRecords?: number;
  /** The fewest open records for which the cache is used (see ISSUE_INDEX_MIN_OPEN). */
  minOpen?: number;
}

export class IssueIndexCache {
  private readonly entries: Lru<IssueIndexEntry>;
  readonly now: () => number;
  readonly fullReadEveryMs: number;
  readonly minOpen: number;

  constructor(options: IssueIndexCacheOptions) {
    this.now = options.now;
    this.fullReadEveryMs = options.fullReadEveryMs ?? ISSUE_INDEX_FULL_READ_MS;
    this.minOpen = options.minOpen ?? ISSUE_INDEX_MIN_OPEN;
    this.entries = new Lru(options.max ?? 500, { weight: (e) => e.open.size, max: options.maxRecords ?? ISSUE_INDEX_MAX_RECORDS });
  }

  /** The entry a read can start from: null without one, when small, or when its last full read is older than the TTL. */
  usable(key: string): IssueIndexEntry | null {
    const entry = this.entries.get(key);
    if (!entry || entry.open.size < this.minOpen) return null;
    const age = this.now() - entry.fullAt;
    return age >= 0 && age < this.fullReadEveryMs ? entry : null;
  }

  /** Brings the entry up to date with what a run read (see `mergeIndexEntries`). */
  merge(key: string, read: IssueIndexEntry): void {
    this.entries.set(key, mergeIndexEntries(this.entries.get(key) ?? null, read));
  }

  /** The index cannot be kept (a group issue's body is its checklist): the next delivery reads it in full. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  peek(key: string): IssueIndexEntry | undefined {
    return this.entries.get(key);
  }
}

/**
 * Two views of one index, each complete as of its `readAt` (every open record then), merged so
 * that two deliveries finishing in any order leave the same entry:
 * - `readAt` and `fullAt` never move back (the later of the two);
 * - an issue both hold: the copy with the later `updated_at` (an older copy never replaces a newer one);
 * - an issue one holds and the other does not: the other saw it closed, or no longer a record, at
 *   its `readAt`; it stays only if its copy was updated after that (less SINCE_MARGIN_MS for
 *   one-second timestamps: a record kept too long is checked when a delivery reads the issue, a
 *   record dropped wrongly would let a delivery open a second issue).
 */
export function mergeIndexEntries(current: IssueIndexEntry | null, read: IssueIndexEntry): IssueIndexEntry {
  if (!current) return read;
  const open = new Map<number, IndexedIssue>();
  for (const [n, mine] of read.open) {
    const theirs = current.open.get(n);
    if (theirs) open.set(n, theirs.updatedAt > mine.updatedAt ? theirs : mine);
    else if (mine.updatedAt > current.readAt - SINCE_MARGIN_MS) open.set(n, mine);
  }
  for (const [n, theirs] of current.open) if (!read.open.has(n) && theirs.updatedAt > read.readAt - SINCE_MARGIN_MS) open.set(n, theirs);
  return { readAt: Math.max(current.readAt, read.readAt), fullAt: Math.max(current.fullAt, read.fullAt), open };
}
