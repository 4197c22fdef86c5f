import { describe, expect, it } from "vitest";
import { IssueIndexCache, mergeIndexEntries, type IndexedIssue, type IssueIndexEntry } from "../../src/github/issue-index-cache.ts";
import { SINCE_MARGIN_MS } from "../../src/github/sweep-state.ts";

const MIN = 60_000;
const T = Date.parse("2026-11-23T09:00:00Z");

const issue = (number: number, updatedAt: number, title = `#${number} at ${updatedAt}`): IndexedIssue => ({
  stored: {
    number,
    title,
    labels: ["nhi-response"],
    assignees: [],
    keys: [`k${number}`],
    marker: "{}",
  },
  updatedAt,
});

const entry = (readAt: number, fullAt: number, issues: IndexedIssue[]): IssueIndexEntry => ({
  readAt,
  fullAt,
  open: new Map(issues.map((i) => [i.stored.number, i])),
});

const titles = (e: IssueIndexEntry) => [...e.open.values()].map((i) => i.stored.title).sort();

describe("merging what two deliveries read into the shared index", () => {
  it("an older copy of an issue never replaces a newer one, whichever delivery finishes last", () => {
    const older = entry(T + 5 * MIN, T, [issue(1, T + MIN, "old title"), issue(2, T)]);
    const newer = entry(T + 4 * MIN, T, [issue(1, T + 3 * MIN, "new title"), issue(2, T)]);
    expect(titles(mergeIndexEntries(older, newer))).toEqual(["#2 at " + T, "new title"]);
    expect(titles(mergeIndexEntries(newer, older))).toEqual(["#2 at " + T, "new title"]);
  });

  it("readAt and fullAt never move back", () => {
    const later = entry(T + 10 * MIN, T + 8 * MIN, []);
    const earlier = entry(T + 6 * MIN, T, []);
    for (const merged of [mergeIndexEntries(later, earlier), mergeIndexEntries(earlier, later)]) {
      expect(merged.readAt).toBe(T + 10 * MIN);
      expect(merged.fullAt).toBe(T + 8 * MIN);
    }
  });

  it("an issue one view lacks was closed (or stopped being a record) as of that view's read, unless the other's copy is newer", () => {
    // Closed at T+2: the later read lacks it; the earlier read's open copy is older than that read.
    const sawOpen = entry(T + MIN, T, [issue(1, T - 60 * MIN), issue(2, T - 60 * MIN)]);
    const sawClosed = entry(T + 5 * MIN, T, [issue(2, T - 60 * MIN)]);
    expect([...mergeIndexEntries(sawOpen, sawClosed).open.keys()]).toEqual([2]);
    expect([...mergeIndexEntries(sawClosed, sawOpen).open.keys()]).toEqual([2]);
    // Opened at T+7 (after the other read): kept, in either order.
    const opened = entry(T + 8 * MIN, T, [issue(2, T - 60 * MIN), issue(3, T + 7 * MIN)]);
    expect([...mergeIndexEntries(sawClosed, opened).open.keys()].sort()).toEqual([2, 3]);
    expect([...mergeIndexEntries(opened, sawClosed).open.keys()].sort()).toEqual([2, 3]);
    // Within the margin of the other read (one-second timestamps): kept; the delivery reads it before acting.
    const close = entry(T + 8 * MIN, T, [issue(4, T + 5 * MIN - SINCE_MARGIN_MS + 1000)]);
    expect([...mergeIndexEntries(sawClosed, close).open.keys()]).toEqual([4]);
  });

  it("the cache starts a read only from a recent, large enough entry", () => {
    let now = T;
    const cache = new IssueIndexCache({ now: () => now, fullReadEveryMs: 10 * MIN, minOpen: 2 });
    expect(cache.usable("acme/api|nhi-response")).toBeNull();
    cache.merge("acme/api|nhi-response", entry(T, T, [issue(1, T - MIN)]));
    expect(cache.usable("acme/api|nhi-response")).toBeNull(); // one record: a full read is one page anyway
    cache.merge("acme/api|nhi-response", entry(T + MIN, T, [issue(1, T - MIN), issue(2, T + MIN)]));
    now = T + 10 * MIN - 1;
    expect(cache.usable("acme/api|nhi-response")?.open.size).toBe(2);
    now = T + 10 * MIN;
    expect(cache.usable("acme/api|nhi-response")).toBeNull(); // its last full read is ten minutes old
    now = T - 1;
    expect(cache.usable("acme/api|nhi-response")).toBeNull(); // a clock that went back: read in full
    cache.forget("acme/api|nhi-response");
    expect(cache.peek("acme/api|nhi-response")).toBeUndefined();
  });
});

describe("what the shared index holds", () => {
  it("forgets the least recently used repositories once it holds more records than its budget", () => {
    const cache = new IssueIndexCache({ now: () => T, maxRecords: 250, minOpen: 1 });
    const many = (from: number) => Array.from({ length: 100 }, (_, i) => issue(from + i, T));
    cache.merge("acme/a|nhi-response", entry(T, T, many(1)));
    cache.merge("acme/b|nhi-response", entry(T, T, many(101)));
    expect(cache.usable("acme/a|nhi-response")).not.toBeNull(); // a is now the most recently used
    cache.merge("acme/c|nhi-response", entry(T, T, many(201)));
    expect([cache.peek("acme/a|nhi-response"), cache.peek("acme/b|nhi-response"), cache.peek("acme/c|nhi-response")].map(Boolean)).toEqual([
      true,
      false,
      true,
    ]);
  });
});
