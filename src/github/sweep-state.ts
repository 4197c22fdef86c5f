import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { dirname } from "node:path";
import { decodeMarkerText, markerKeys, markerText, type Marker } from "../core/issue/marker.ts";
import type { ExistingIssue } from "../core/plan.ts";
import type { Shard } from "../core/shard.ts";
import type { Logger } from "../log.ts";
import type { AlertScope } from "./port.ts";

/**
 * What a sweep read, kept for the next sweep so that it reads only what changed since.
 *
 * A sweep must look at every open alert and every open response issue (clocks move even when
 * nothing else does), but it need not download them all again: the next sweep asks GitHub for
 * alerts by `updated` (newest first, until older than the last read) and for response issues with
 * `since`, and takes the rest from here. GitHub stays the record: a missing, unreadable, foreign or
 * day-old state means a full read, and issues are written only after their current body was read.
 * No secret is kept: alerts are listed with `hide_secret=true`, and `secret` is dropped anyway.
 */
export interface SweepState {
  v: typeof SWEEP_STATE_VERSION;
  /** `organization:acme` or `repository:acme/api`, with the shard (`1/1` when whole). */
  scope: string;
  /** When everything was last read in full (GitHub's clock). */
  fullReadAt: string;
  /** Open alerts in scope, when the list was read to its end. */
  alerts: { readAt: string; open: StoredAlert[] } | null;
  /** Open response issues, by `owner/repo|label`. */
  issues: Record<string, { readAt: string; open: StoredIssue[] }>;
}

export const SWEEP_STATE_VERSION = 1;
/** However fresh the state, a sweep reads everything again after this long. */
export const FULL_READ_EVERY_MS = 24 * 3600_000;
/** How far GitHub's clock and ours may disagree before a state is distrusted. */
const MAX_SKEW_MS = 10 * 60_000;
/** Reads "since" start this much before the previous read (clock skew, one-second timestamps). */
export const SINCE_MARGIN_MS = 2 * 60_000;

/** An open alert as the list returned it (the repository cut to what is read), by `owner/repo#number`. */
export interface StoredAlert {
  id: string;
  repository: { name: string; owner: { login: string }; visibility?: string; private?: boolean };
  alert: Record<string, unknown>;
}

/** An open response issue without its body: the marker (as written) is what a sweep reads of it. */
export interface StoredIssue {
  number: number;
  title: string;
  labels: string[];
  assignees: string[];
  url?: string;
  keys: string[];
  marker: string;
}

export const scopeId = (scope: AlertScope, shard: Shard): string =>
  `${scope.kind === "organization" ? `organization:${scope.org}` : `repository:${scope.repo.owner}/${scope.repo.name}`} ${shard.index}/${shard.count}`;

// ------------------------------------------------------------------------------ issues without a body

/** A stored issue's body was needed: the caller must read the issue first (`GitHubPort.completeIssue`). */
export class IncompleteIssueError extends Error {}

const storedOf = new WeakMap<ExistingIssue, StoredIssue>();
const markers = new WeakMap<StoredIssue, Marker | null>();

/**
 * An issue known from the state: everything but its body. Reading `body` (or spreading the issue)
 * throws, so nothing can be written from a body that was not read.
 */
export function issueFromState(stored: StoredIssue, state: "open" | "closed" = "open"): ExistingIssue {
  const issue = {
    number: stored.number,
    state,
    title: stored.title,
    labels: [...stored.labels],
    assignees: [...stored.assignees],
    ...(stored.url ? { url: stored.url } : {}),
  } as ExistingIssue;
  Object.defineProperty(issue, "body", {
    enumerable: true,
    get() {
      throw new IncompleteIssueError(`issue #${stored.number} was taken from the sweep state without its body; read it first`);
    },
  });
  storedOf.set(issue, stored);
  return issue;
}

/** True for an issue from the state, whose body has not been read. */
export const isIncomplete = (issue: ExistingIssue): boolean => storedOf.has(issue);

/** The marker of an issue from the state (decoded once); undefined for an issue read from GitHub. */
export function storedMarker(issue: ExistingIssue): Marker | null | undefined {
  const stored = storedOf.get(issue);
  if (!stored) return undefined;
  if (!markers.has(stored)) markers.set(stored, decodeMarkerText(stored.marker));
  return markers.get(stored)!;
}

/** The same issue after a write of title, state or assignees (a body makes it complete). */
export function patchStoredIssue(
  issue: ExistingIssue,
  patch: { title?: string; body?: string; state?: "open" | "closed"; assignees?: string[] },
): ExistingIssue {
  const stored = storedOf.get(issue)!;
  if (patch.body !== undefined) {
    return {
      number: issue.number,
      state: patch.state ?? issue.state,
      title: patch.title ?? issue.title,
      body: patch.body,
      labels: issue.labels,
      assignees: patch.assignees ?? issue.assignees ?? [],
      ...(issue.url ? { url: issue.url } : {}),
    };
  }
  return issueFromState(
    { ...stored, title: patch.title ?? issue.title, assignees: patch.assignees ?? issue.assignees ?? [], labels: issue.labels },
    patch.state ?? issue.state,
  );
}

/** What the state keeps of an open issue; null for one it cannot keep (a group issue: its body is its checklist). */
export function storeIssue(issue: ExistingIssue): StoredIssue | null {
  const known = storedOf.get(issue);
  // Unchanged, the same record (so a file store writes back the line it read).
  if (known && known.title === issue.title && sameList(known.labels, issue.labels) && sameList(known.assignees, issue.assignees ?? []))
    return known;
  if (known) return { ...known, title: issue.title, labels: issue.labels, assignees: issue.assignees ?? [] };
  const text = markerText(issue.body);
  if (text === null || text.includes('"group":{')) return null;
  // A copy: the matched text would otherwise keep the whole body alive as long as the state lives.
  const marker = JSON.parse(JSON.stringify(text)) as string;
  return {
    number: issue.number,
    title: issue.title,
    labels: issue.labels,
    assignees: issue.assignees ?? [],
    ...(issue.url ? { url: issue.url } : {}),
    keys: markerKeys(issue.body),
    marker,
  };
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

// ------------------------------------------------------------------------------------------ reading it

/**
 * The state to start a sweep from, or null (with the reason) when it cannot be used: another
 * scope or shard, another version, older than a day, or not a state at all.
 */
export function usableSweepState(raw: unknown, scope: string, now: Date): { state: SweepState | null; reason: string | null } {
  if (raw === null || raw === undefined) return { state: null, reason: "no state from an earlier sweep" };
  const s = raw as Partial<SweepState>;
  if (typeof s !== "object" || s.v !== SWEEP_STATE_VERSION)
    return { state: null, reason: `the state is not a version ${SWEEP_STATE_VERSION} sweep state` };
  if (s.scope !== scope) return { state: null, reason: `the state is of ${String(s.scope)}, this sweep is of ${scope}` };
  const full = Date.parse(String(s.fullReadAt));
  if (Number.isNaN(full)) return { state: null, reason: "the state has no valid fullReadAt" };
  if (now.getTime() - full > FULL_READ_EVERY_MS)
    return { state: null, reason: `everything was last read at ${s.fullReadAt}, more than a day ago` };
  // Times are GitHub's, `now` is ours: a little skew is normal, a state from the future is not.
  const future = [
    full,
    ...(s.alerts ? [Date.parse(s.alerts.readAt)] : []),
    ...Object.values(s.issues ?? {}).map((p) => Date.parse(String(p?.readAt))),
  ].some((t) => t > now.getTime() + MAX_SKEW_MS);
  if (future) return { state: null, reason: "the state was read later than now (clocks disagree)" };
  if (typeof s.issues !== "object" || s.issues === null || (s.alerts !== null && !isAlertPart(s.alerts)))
    return { state: null, reason: "the state is malformed" };
  for (const part of Object.values(s.issues)) if (!isIssuePart(part)) return { state: null, reason: "the state is malformed" };
  return { state: s as SweepState, reason: null };
}

const isTime = (v: unknown) => typeof v === "string" && !Number.isNaN(Date.parse(v));

function isAlertPart(part: unknown): boolean {
  const p = part as SweepState["alerts"];
  return (
    !!p &&
    isTime(p.readAt) &&
    Array.isArray(p.open) &&
    p.open.every(
      (a) =>
        typeof a?.id === "string" &&
        typeof a.repository?.name === "string" &&
        typeof a.repository.owner?.login === "string" &&
        typeof a.alert === "object" &&
        a.alert !== null,
    )
  );
}

function isIssuePart(part: unknown): boolean {
  const p = part as SweepState["issues"][string];
  return (
    !!p &&
    isTime(p.readAt) &&
    Array.isArray(p.open) &&
    p.open.every(
      (i) =>
        Number.isInteger(i?.number) &&
        typeof i.title === "string" &&
        typeof i.marker === "string" &&
        Array.isArray(i.keys) &&
        Array.isArray(i.labels) &&
        Array.isArray(i.assignees),
    )
  );
}

// ------------------------------------------------------------------------------------------ stores

/** Where the state lives between sweeps. `load` returns what `save` was given, or null. */
export interface SweepStateStore {
  load(): Promise<unknown>;
  save(state: SweepState): Promise<void>;
}

/**
 * A file of JSON lines (the Action keeps it with actions/cache, which compresses it, between runs): a head line,
 * then one line per alert, per repository and per issue. A missing file is no state; an unreadable
 * one is reported by the caller and replaced. A record read from the file and saved unchanged is
 * written back as the same line: a sweep that changed little costs little to save.
 */
export function fileStateStore(path: string): SweepStateStore {
  return {
    async load() {
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
      try {
        return parseStateLines(bytes);
      } catch (e) {
        throw new Error(`${path} is not a sweep state written by nhi-steward (${(e as Error).message})`, { cause: e });
      }
    },
    async save(state) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.tmp`;
      const out = createWriteStream(tmp);
      const done = finished(out);
      for (const piece of stateLines(state)) if (!out.write(piece)) await once(out, "drain");
      out.end();
      await done;
      await rename(tmp, path);
    },
  };
}

/** The line each record was read from (see fileStateStore). */
const lineOf = new WeakMap<object, string>();

type Line =
  | { v: number; scope: string; fullReadAt: string; alertsReadAt: string | null }
  | { alert: StoredAlert }
  | { repo: string; readAt: string }
  | { issue: StoredIssue };

function parseStateLines(bytes: Buffer): SweepState {
  let head: SweepState | null = null;
  let part: SweepState["issues"][string] | null = null;
  for (let start = 0, n = 1; start < bytes.length; n++) {
    let end = bytes.indexOf(10, start);
    if (end < 0) end = bytes.length;
    const text = bytes.toString("utf8", start, end);
    start = end + 1;
    if (!text) continue;
    const line = JSON.parse(text) as Line;
    if (!head) {
      if (!("v" in line) || typeof line.scope !== "string" || typeof line.fullReadAt !== "string")
        throw new Error("its first line is not the head of a sweep state");
      head = {
        v: line.v as typeof SWEEP_STATE_VERSION,
        scope: line.scope,
        fullReadAt: line.fullReadAt,
        alerts: line.alertsReadAt ? { readAt: line.alertsReadAt, open: [] } : null,
        issues: {},
      };
    } else if ("alert" in line) {
      if (!head.alerts) throw new Error("an alert line without an alert list");
      head.alerts.open.push(line.alert);
      lineOf.set(line.alert, text);
    } else if ("repo" in line) {
      part = head.issues[line.repo] = { readAt: line.readAt, open: [] };
    } else if ("issue" in line) {
      if (!part) throw new Error("an issue line before its repository line");
      part.open.push(line.issue);
      lineOf.set(line.issue, text);
    } else throw new Error(`line ${n} is neither an alert, a repository nor an issue`);
  }
  if (!head) throw new Error("it is empty");
  return head;
}

/** The state's lines, in pieces of about 64 KB. */
function* stateLines(state: SweepState): Generator<string> {
  let buffer = "";
  const add = function* (text: string) {
    buffer += `${text}\n`;
    if (buffer.length >= 65_536) {
      yield buffer;
      buffer = "";
    }
  };
  const line = (record: object, wrap: (r: object) => object) => lineOf.get(record) ?? JSON.stringify(wrap(record));
  yield* add(JSON.stringify({ v: state.v, scope: state.scope, fullReadAt: state.fullReadAt, alertsReadAt: state.alerts?.readAt ?? null }));
  for (const alert of state.alerts?.open ?? []) yield* add(line(alert, (a) => ({ alert: a })));
  for (const [repo, part] of Object.entries(state.issues)) {
    yield* add(JSON.stringify({ repo, readAt: part.readAt }));
    for (const issue of part.open) yield* add(line(issue, (i) => ({ issue: i })));
  }
  if (buffer) yield buffer;
}

/** In memory, for the app's interval sweep (one per organisation, lost on restart: the next sweep reads in full). */
export function memoryStateStore(): SweepStateStore & { state: SweepState | null } {
  const store = {
    state: null as SweepState | null,
    load: async () => store.state,
    save: async (state: SweepState) => {
      store.state = state;
    },
  };
  return store;
}

// ---------------------------------------------------------------------------------- load and save

/** The state a sweep of `scope` (see `scopeId`) can start from, or null; says why in the log. Never throws. */
export async function loadSweepState(store: SweepStateStore, scope: string, now: Date, log: Logger): Promise<SweepState | null> {
  let raw: unknown;
  try {
    raw = await store.load();
  } catch (e) {
    log.warn(`sweep state: ${(e as Error).message}; this sweep reads everything and replaces it.`);
    return null;
  }
  const { state, reason } = usableSweepState(raw, scope, now);
  if (state)
    log.info(
      `sweep state: reading only what changed since the last sweep (${state.alerts?.readAt ?? "issues only"}; everything was last read at ${state.fullReadAt}).`,
    );
  else log.info(`sweep state: ${reason}; this sweep reads everything.`);
  return state;
}

/** Keeps what this sweep read for the next one. A failure to save costs the next sweep a full read, nothing else. */
export async function saveSweepState(
  store: SweepStateStore,
  port: { nextSweepState(scope: string): SweepState | null },
  scope: string,
  log: Logger,
): Promise<void> {
  const next = port.nextSweepState(scope);
  if (!next) {
    log.warn("sweep state: the alert list was not read to its end, so no state is kept; the next sweep reads everything.");
    return;
  }
  try {
    await store.save(next);
  } catch (e) {
    log.warn(`sweep state: could not be saved (${(e as Error).message}); the next sweep reads everything.`);
  }
}
