import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encodeMarker, markerText, type MarkerInput } from "../../src/core/issue/marker.ts";
import type { ExistingIssue } from "../../src/core/plan.ts";
import {
  FULL_READ_EVERY_MS,
  fileStateStore,
  IncompleteIssueError,
  isIncomplete,
  issueFromState,
  loadSweepState,
  patchStoredIssue,
  saveSweepState,
  storedMarker,
  storeIssue,
  usableSweepState,
  type StoredIssue,
  type SweepState,
  type SweepStateStore,
} from "../../src/github/sweep-state.ts";
import { MemoryLogger } from "../../src/log.ts";

const SCOPE = "organization:acme 1/1";
const NOW = new Date("2026-11-27T12:00:00.000Z");
const at = (msBeforeNow: number) => new Date(NOW.getTime() - msBeforeNow).toISOString();

const marker: MarkerInput = {
  v: 1,
  key: "secret-scanning:acme/api#12",
  repo: "acme/api",
  alert: 12,
  identityClass: "personal-access-token",
  validity: "active",
  publiclyLeaked: false,
  severity: "high",
  system: "payments",
  locations: ["commit:abc:deploy.sh:3"],
  routing: { source: "codeowners", why: "line 3: `/deploy.sh @alice`", assignees: ["alice"], mentions: [], unowned: false, notes: [] },
  openedAt: "2026-11-26T09:00:00.000Z",
};
const body = `# Leaked token\n\nRotate it.\n\n${encodeMarker(marker)}\n`;
const storedText = markerText(body)!;

const groupMarker: MarkerInput = {
  ...marker,
  key: "group:acme/api:payments",
  group: {
    repo: "acme/api",
    members: [
      {
        key: "secret-scanning:acme/api#12",
        alert: 12,
        type: "GitHub Personal Access Token",
        secretType: "github_personal_access_token",
        identityClass: "personal-access-token",
        validity: "active",
        publiclyLeaked: false,
        severity: "high",
        sla: {
          acknowledgeBy: "2026-11-26T13:00:00.000Z",
          remediateBy: "2026-11-27T09:00:00.000Z",
          calendar: "24x7",
          timeZone: "UTC",
          startedAt: "2026-11-26T09:00:00.000Z",
        },
      },
    ],
  },
};

const storedIssue = (over: Partial<StoredIssue> = {}): StoredIssue => ({
  number: 7,
  title: "Leaked token in acme/api",
  labels: ["nhi-response", "severity:high"],
  assignees: ["alice"],
  url: "https://github.com/acme/api/issues/7",
  keys: [marker.key],
  marker: storedText,
  ...over,
});

const validState = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1,
  scope: SCOPE,
  fullReadAt: at(3600_000),
  alerts: { readAt: at(60_000), open: [{ id: "acme/api#1", repository: { name: "api", owner: { login: "acme" } }, alert: { number: 1 } }] },
  issues: { "acme/api|nhi-response": { readAt: at(60_000), open: [storedIssue()] } },
  ...over,
});

describe("usableSweepState", () => {
  it.each<[string, unknown, string | null]>([
    ["null", null, "no state from an earlier sweep"],
    ["undefined", undefined, "no state from an earlier sweep"],
    ["a string", "not a state", "version"],
    ["another version", validState({ v: 2 }), "version"],
    ["another scope", validState({ scope: "organization:other 1/1" }), "organization:other 1/1"],
    ["another shard", validState({ scope: "organization:acme 1/2" }), "organization:acme 1/2"],
    ["no fullReadAt", validState({ fullReadAt: undefined }), "no valid fullReadAt"],
    ["an unparsable fullReadAt", validState({ fullReadAt: "yesterday" }), "no valid fullReadAt"],
    ["a full read more than a day ago", validState({ fullReadAt: at(FULL_READ_EVERY_MS + 1) }), "more than a day ago"],
    ["a full read exactly a day ago", validState({ fullReadAt: at(FULL_READ_EVERY_MS) }), null],
    ["a full read an hour from now (clocks disagree)", validState({ fullReadAt: at(-3600_000) }), "later than now"],
    ["a read two minutes from now (ordinary skew)", validState({ fullReadAt: at(-120_000) }), null],
    ["a fresh state", validState(), null],
    ["no alert list (alerts: null)", validState({ alerts: null }), null],
    ["alerts missing", validState({ alerts: undefined }), "the state is malformed"],
    [
      "an alert without repository.owner.login",
      validState({ alerts: { readAt: at(0), open: [{ id: "acme/api#1", repository: { name: "api", owner: {} }, alert: { number: 1 } }] } }),
      "the state is malformed",
    ],
    [
      "an alert without its alert object",
      validState({
        alerts: { readAt: at(0), open: [{ id: "acme/api#1", repository: { name: "api", owner: { login: "acme" } }, alert: null }] },
      }),
      "the state is malformed",
    ],
    ["alerts with an invalid readAt", validState({ alerts: { readAt: "soon", open: [] } }), "the state is malformed"],
    ["issues missing", validState({ issues: undefined }), "the state is malformed"],
    [
      "an issue without a marker string",
      validState({ issues: { "acme/api|nhi-response": { readAt: at(0), open: [{ ...storedIssue(), marker: undefined }] } } }),
      "the state is malformed",
    ],
    [
      "an issue with a non-integer number",
      validState({ issues: { "acme/api|nhi-response": { readAt: at(0), open: [storedIssue({ number: 1.5 })] } } }),
      "the state is malformed",
    ],
    ["an issue part without open", validState({ issues: { "acme/api|nhi-response": { readAt: at(0) } } }), "the state is malformed"],
  ])("%s", (_name, raw, reason) => {
    const result = usableSweepState(raw, SCOPE, NOW);
    if (reason === null) {
      expect(result.reason).toBeNull();
      expect(result.state).toBe(raw);
    } else {
      expect(result.state).toBeNull();
      expect(result.reason).toContain(reason);
    }
  });

  it("names both scopes when the state is of another", () => {
    const { reason } = usableSweepState(validState({ scope: "repository:acme/api 1/1" }), SCOPE, NOW);
    expect(reason).toContain("repository:acme/api 1/1");
    expect(reason).toContain(SCOPE);
  });
});

describe("issues from the state", () => {
  it("refuses to give a body it never read, directly or by spreading", () => {
    const issue = issueFromState(storedIssue());
    expect(() => issue.body).toThrow(IncompleteIssueError);
    expect(() => ({ ...issue })).toThrow(IncompleteIssueError);
    expect(() => issue.body).toThrow(/#7 .*without its body/);
  });

  it("gives everything but the body", () => {
    const issue = issueFromState(storedIssue());
    expect(issue).toMatchObject({
      number: 7,
      state: "open",
      title: "Leaked token in acme/api",
      labels: ["nhi-response", "severity:high"],
      assignees: ["alice"],
      url: "https://github.com/acme/api/issues/7",
    });
    const closed = issueFromState(storedIssue({ url: undefined }), "closed");
    expect(closed.state).toBe("closed");
    expect("url" in closed).toBe(false);
    expect(isIncomplete(issue)).toBe(true);
  });

  it("does not share its label or assignee lists with the stored issue", () => {
    const stored = storedIssue();
    const issue = issueFromState(stored);
    issue.labels.push("acknowledged");
    issue.assignees!.push("bob");
    expect(stored.labels).toEqual(["nhi-response", "severity:high"]);
    expect(stored.assignees).toEqual(["alice"]);
  });

  it("decodes the stored marker; an issue read from GitHub has none stored", () => {
    const decoded = storedMarker(issueFromState(storedIssue()));
    expect(decoded).toMatchObject({ key: marker.key, repo: "acme/api", alert: 12, severity: "high", escalation: { level: 0, at: null } });
    expect(storedMarker(issueFromState(storedIssue({ marker: "{not json" })))).toBeNull();
    const read: ExistingIssue = { number: 7, state: "open", title: "t", body, labels: [] };
    expect(storedMarker(read)).toBeUndefined();
    expect(isIncomplete(read)).toBe(false);
  });

  it("stays without a body after a write of state, title or assignees", () => {
    const issue = issueFromState(storedIssue());
    const closed = patchStoredIssue(issue, { state: "closed", title: "Renamed", assignees: ["bob"] });
    expect(isIncomplete(closed)).toBe(true);
    expect(closed === issue).toBe(false);
    expect(() => closed.body).toThrow(IncompleteIssueError);
    expect({ number: closed.number, state: closed.state, title: closed.title, assignees: closed.assignees }).toEqual({
      number: 7,
      state: "closed",
      title: "Renamed",
      assignees: ["bob"],
    });
    expect(storedMarker(closed)).toMatchObject({ key: marker.key });
    // The issue it was made from is unchanged.
    expect(issue.state).toBe("open");
    expect(issue.title).toBe("Leaked token in acme/api");
  });

  it("is complete once a body is written", () => {
    const issue = issueFromState(storedIssue());
    const written = patchStoredIssue(issue, { body: "new body" });
    expect(isIncomplete(written)).toBe(false);
    expect(written.body).toBe("new body");
    expect({ ...written }).toMatchObject({
      number: 7,
      state: "open",
      title: "Leaked token in acme/api",
      assignees: ["alice"],
      url: "https://github.com/acme/api/issues/7",
    });
    expect(storedMarker(written)).toBeUndefined();
  });

  it("stores a complete issue with its keys and marker as written", () => {
    const issue: ExistingIssue = {
      number: 9,
      state: "open",
      title: "Leaked token",
      body,
      labels: ["nhi-response"],
      assignees: ["alice"],
      url: "https://github.com/acme/api/issues/9",
    };
    expect(storeIssue(issue)).toEqual({
      number: 9,
      title: "Leaked token",
      labels: ["nhi-response"],
      assignees: ["alice"],
      url: "https://github.com/acme/api/issues/9",
      keys: [marker.key],
      marker: storedText,
    });
    const noAssignees = storeIssue({ number: 9, state: "open", title: "t", body, labels: [] });
    expect(noAssignees).toMatchObject({ assignees: [], keys: [marker.key] });
    expect(noAssignees).not.toHaveProperty("url");
  });

  it("does not store a group issue (its body is its checklist) or an issue without a marker", () => {
    const groupBody = `# Group\n\n- [ ] #12\n\n${encodeMarker(groupMarker)}`;
    expect(markerText(groupBody)).toContain('"group":{');
    expect(storeIssue({ number: 10, state: "open", title: "group", body: groupBody, labels: ["nhi-response"] })).toBeNull();
    expect(storeIssue({ number: 11, state: "open", title: "plain", body: "no marker here", labels: [] })).toBeNull();
  });

  it("stores an issue from the state as its record, with its current title, labels and assignees", () => {
    const issue = issueFromState(storedIssue());
    issue.labels.push("acknowledged");
    issue.title = "Leaked token (acknowledged)";
    expect(storeIssue(issue)).toEqual(
      storedIssue({ title: "Leaked token (acknowledged)", labels: ["nhi-response", "severity:high", "acknowledged"] }),
    );
    const patched = patchStoredIssue(issue, { assignees: ["bob"] });
    expect(storeIssue(patched)).toMatchObject({ assignees: ["bob"], marker: storedText, keys: [marker.key] });
  });
});

describe("fileStateStore", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "nhi-sweep-state-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("loads back exactly what it saved when the state is far larger than one write (many repositories, no alert list)", async () => {
    const path = join(tempDir(), "state.jsonl");
    const store = fileStateStore(path);
    const issues = Object.fromEntries(
      ["api", "site", "web"].map((repo) => [
        `acme/${repo}|nhi-response`,
        {
          readAt: at(60_000),
          open: Array.from({ length: 400 }, (_, i) =>
            storedIssue({
              number: i + 1,
              title: `Leaked token ${i} in acme/${repo} “quoted” → ok`,
              keys: [`secret-scanning:acme/${repo}#${i + 1}`],
            }),
          ),
        },
      ]),
    );
    for (const state of [
      validState({ issues }),
      validState({ issues, alerts: null }),
      validState({ issues: {} }),
    ] as unknown as SweepState[]) {
      await store.save(state);
      expect(await store.load()).toEqual(state);
    }
  });

  it("has no state when the file is missing", async () => {
    expect(await fileStateStore(join(tempDir(), "state.jsonl")).load()).toBeNull();
  });

  it("loads what it saved, creating the directory, and leaves no temporary file", async () => {
    const dir = tempDir();
    const path = join(dir, "nested", "state.jsonl");
    const store = fileStateStore(path);
    const state = validState() as unknown as SweepState;
    await store.save(state);
    expect(await store.load()).toEqual(state);
    expect(await readdir(join(dir, "nested"))).toEqual(["state.jsonl"]);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    // A second save replaces the first.
    const next = { ...state, fullReadAt: NOW.toISOString() };
    await store.save(next);
    expect(await store.load()).toEqual(next);
    expect(usableSweepState(await store.load(), SCOPE, NOW).reason).toBeNull();
  });

  it("rejects a file it did not write, naming the file", async () => {
    const path = join(tempDir(), "state.jsonl");
    writeFileSync(path, '{"v":1}');
    await expect(fileStateStore(path).load()).rejects.toThrow(`${path} is not a sweep state written by nhi-steward`);
    writeFileSync(
      path,
      '{"v":1,"scope":"organization:acme 1/1","fullReadAt":"2026-11-27T00:00:00Z","alertsReadAt":null}\n{"something":"else"}\n',
    );
    await expect(fileStateStore(path).load()).rejects.toThrow("line 2 is neither an alert, a repository nor an issue");
    writeFileSync(path, "\u001f\u008b binary");
    await expect(fileStateStore(path).load()).rejects.toThrow(`${path} is not a sweep state written by nhi-steward`);
  });
});

describe("loadSweepState and saveSweepState", () => {
  const store = (over: Partial<SweepStateStore>): SweepStateStore => ({ load: async () => null, save: async () => {}, ...over });

  it("reads everything when the state cannot be loaded, and says so", async () => {
    const log = new MemoryLogger();
    const failing = store({
      load: () => Promise.reject(new Error("state.jsonl is not a sweep state written by nhi-steward (incorrect header check)")),
    });
    expect(await loadSweepState(failing, SCOPE, NOW, log)).toBeNull();
    const warnings = log.lines.filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain("incorrect header check");
    expect(warnings[0]!.message).toContain("reads everything");
  });

  it("starts from a usable state, and tells why it does not use one", async () => {
    const log = new MemoryLogger();
    const state = validState();
    expect(await loadSweepState(store({ load: async () => state }), SCOPE, NOW, log)).toBe(state);
    expect(await loadSweepState(store({ load: async () => validState({ v: 2 }) }), SCOPE, NOW, log)).toBeNull();
    expect(log.text()).toContain("reading only what changed");
    expect(log.text()).toMatch(/not a version 1 sweep state; this sweep reads everything/);
  });

  it("keeps no state when the port has none to give, and warns", async () => {
    const log = new MemoryLogger();
    const save = vi.fn(async () => {});
    await saveSweepState(store({ save }), { nextSweepState: () => null }, SCOPE, log);
    expect(save).not.toHaveBeenCalled();
    expect(log.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([expect.stringContaining("no state is kept")]);
  });

  it("saves the port's state for its scope, and only warns when saving fails", async () => {
    const log = new MemoryLogger();
    const state = validState() as unknown as SweepState;
    const nextSweepState = vi.fn(() => state);
    const save = vi.fn(async () => {});
    await saveSweepState(store({ save }), { nextSweepState }, SCOPE, log);
    expect(nextSweepState).toHaveBeenCalledWith(SCOPE);
    expect(save).toHaveBeenCalledWith(state);
    expect(log.lines).toEqual([]);
    await expect(
      saveSweepState(store({ save: () => Promise.reject(new Error("disk full")) }), { nextSweepState }, SCOPE, log),
    ).resolves.toBeUndefined();
    expect(log.text()).toMatch(/warn: .*could not be saved \(disk full\)/);
  });
});
