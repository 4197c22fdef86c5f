/**
 * Burst benchmark: `npm run bench:burst [-- --alerts 1000 --repos 50 --no-baseline --no-defaults]` (Node 24).
 *
 * A burst of `secret_scanning_alert.created` deliveries (default 1,000 alerts across 50 repositories
 * of one organisation, round-robin, so the first 50 are each repository's first) goes to the App and from
 * it to the sandbox GitHub. The sandbox runs in a child process (validation off, rate limit counted but not
 * enforced, no latency).
 *
 * Deliveries are sent one at a time, signed, by this process. For each: the GitHub requests it caused (the
 * sandbox's request log: counted against the rate limit, or answered 304), its wall time (here, from sending
 * the delivery to reading the App's answer), and the time the App spent waiting on GitHub. Processing time =
 * wall time − GitHub time: Probot (signature check, routing), nhi-steward (normalise, policy, CODEOWNERS,
 * plan, render), Octokit, Node's fetch and the loopback HTTP of the delivery itself.
 *
 * Passes, each against a freshly seeded sandbox:
 *   app                    production: the App as the image runs it, in a process of its own: the bundle of
 *                          scripts/build-app.mjs (built into a temporary folder first) run by
 *                          `node <NODE_FLAGS> server.mjs` with src/app/runtime.ts's ENV, configured through
 *                          its environment like the container (GHE_HOST = the sandbox)
 *   Node defaults, from .ts the same server, `node src/app/server.ts` with no flags and glibc's defaults
 *                          (NODE_ENV=production only): what the Dockerfile ran until 2026-12-04 (`--no-defaults`: skip)
 *   naive                  the baseline: a fresh app per alert, in this process (`startLocalAppServer`), so no
 *                          process-level caches (no ETag/CODEOWNERS cache, no installation-token cache); app
 *                          start-up is not timed (`--no-baseline`: skip)
 * `--existing N` first seeds N open response issues (written by the App, valid markers, for alerts that do not
 * exist) spread round-robin over the repositories, created and last updated an hour before the burst: a
 * repository with many open response issues (`issues_in: response-repository` gathers an organisation's).
 * They are left out of the issue counts.
 * In the first two, the App's process loads bench/support/probe.mjs (`node --import`), which times its
 * requests to GitHub from undici's diagnostics channels and samples its memory (heap every 10 ms, rss every
 * 100 ms) and CPU; the App's code is not touched. Both run with NHI_SWEEP_INTERVAL_MINUTES=0, so that no
 * interval sweep runs during the burst. Nothing is written to the repository.
 */
import { subscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { localAppKey, startLocalAppServer } from "../src/app/local-server.ts";
import { ENV, NODE_FLAGS } from "../src/app/runtime.ts";
import { VirtualClock } from "../src/core/clock.ts";
import { decodeMarker } from "../src/core/issue/marker.ts";
import type { Logger } from "../src/log.ts";
import { startSandbox, type Sandbox } from "../src/sandbox/index.ts";
import { systemClock } from "../src/system-clock.ts";
import { buildApp } from "../scripts/build-app.mjs";
import { sampleMemory, type PeakBreakdown } from "./support/memory-sampler.mjs";
import { startAppProcess, type AppProcess } from "./support/app-process.ts";
import { SandboxChild } from "./support/child.ts";
import { seedResponseIssues } from "../test/support/response-issues.ts";

const START = "2026-11-23T08:55:00Z";

// ------------------------------------------------------------------------------------ the world

const TEAMS: Record<string, string[]> = {
  platform: ["dev01", "dev02", "dev03", "dev04"],
  payments: ["dev05", "dev06", "dev07"],
  identity: ["dev08", "dev09", "dev10"],
  data: ["dev11", "dev12", "dev13", "dev14"],
  web: ["dev15", "dev16", "dev17", "dev18"],
  security: ["dev19", "dev20"],
};
const PRIMARY = ["platform", "payments", "identity", "data", "web"];
const USERS = Array.from({ length: 24 }, (_, i) => `dev${String(i + 1).padStart(2, "0")}`);
const PATHS = [
  "src/server.ts",
  "infra/terraform/main.tf",
  "deploy/k8s/secrets.yaml",
  "src/payments/stripe.ts",
  "src/auth/oauth.ts",
  "src/web/app.js",
  "data/etl/job.py",
  "scripts/release.sh",
  "config/prod.env",
  "docs/setup.md",
];
const SECRET_TYPES = [
  "github_personal_access_token",
  "aws_access_key_id",
  "slack_incoming_webhook_url",
  "stripe_api_key",
  "npm_access_token",
  "google_api_key",
];
const VALIDITY = ["active", "unknown", "inactive"] as const;

export const repoName = (r: number) => `svc-${String(r).padStart(2, "0")}`;

/** A CODEOWNERS of ~40 lines like a service repository's: a default team, path owners, some users. */
function codeowners(r: number): string {
  const team = PRIMARY[r % PRIMARY.length]!;
  const user = (k: number) => `@${USERS[(r + k) % USERS.length]}`;
  const lines = [
    `# Owners of ${repoName(r)}. Later lines win.`,
    `*                       @acme/${team}`,
    "",
    "# Infrastructure",
    "/infra/                 @acme/platform",
    "/deploy/                @acme/platform " + user(3),
    "*.tf                    @acme/platform",
    "/.github/workflows/     @acme/platform",
    "",
    "# Product areas",
    "/src/payments/          @acme/payments",
    "/src/auth/              @acme/identity",
    "/src/web/               @acme/web",
    "/data/                  @acme/data",
    "/scripts/               " + user(1),
    "/docs/                  " + user(7),
    `/config/                @acme/${team} ${user(11)}`,
  ];
  for (let k = 0; k < 20; k++) lines.push(`/src/modules/m${k}/        ${user(k)}`);
  lines.push("/test/fixtures/", "");
  return lines.join("\n");
}

export interface Delivery {
  name: string;
  id: string;
  payload: Record<string, unknown>;
  repo: number;
}

/**
 * Organisation acme: 24 users, 6 teams, installation 1, the policy in acme/.github (fallback owner
 * @acme/security), `repos` repositories `svc-00`… with a ~40-line CODEOWNERS each, and `alerts` open
 * alerts spread round-robin over them (mixed secret types, validity and paths). Returns each alert's
 * `created` delivery, in that order.
 */
export function seed(sandbox: Sandbox, alerts: number, repos: number, existing = 0): Delivery[] {
  const s = sandbox.state;
  s.addOrg("acme");
  for (const u of USERS) {
    s.addUser(u);
    s.addOrgMember("acme", u);
  }
  for (const [slug, members] of Object.entries(TEAMS)) s.addTeam("acme", slug, members);
  s.addInstallation({ id: 1, account: "acme", repositories: "all" });
  s.addRepo({
    owner: "acme",
    name: ".github",
    files: { ".github/nhi-steward.yml": 'fallback_owner: "@acme/security"\n' },
    assignable: USERS,
  });
  for (let r = 0; r < repos; r++)
    s.addRepo({
      owner: "acme",
      name: repoName(r),
      files: { ".github/CODEOWNERS": codeowners(r), "README.md": "# service\n" },
      assignable: USERS,
    });

  seedExisting(sandbox, existing, repos);
  const deliveries: Delivery[] = [];
  for (let i = 0; i < alerts; i++) {
    const r = i % repos;
    const { number } = s.addSecretScanningAlert("acme", repoName(r), {
      secretType: SECRET_TYPES[i % SECRET_TYPES.length]!,
      secret: `bench-not-a-secret-${String(i).padStart(6, "0")}`,
      validity: VALIDITY[i % VALIDITY.length]!,
      publiclyLeaked: i % 25 === 0,
      locations: [
        {
          path: PATHS[Math.floor(i / repos) % PATHS.length]!,
          startLine: 1 + (i % 80),
          commitSha: "0123456789abcdef0123456789abcdef01234567",
        },
      ],
    });
    const d = sandbox.webhook("secret_scanning_alert", "created", {
      owner: "acme",
      repo: repoName(r),
      alertNumber: number,
      installationId: 1,
    });
    deliveries.push({ ...d, repo: r });
  }
  return deliveries;
}

/** Alert numbers of the seeded response issues (`--existing`) start here; no such alert exists. */
const EXISTING_FROM = 1_000_000;

/**
 * `count` open response issues written by the App's identity with valid markers, spread evenly over the
 * repositories, created and last updated an hour before now: what a delivery finds in a repository
 * that has answered many alerts. Their alerts do not exist (numbers from EXISTING_FROM).
 */
function seedExisting(sandbox: Sandbox, count: number, repos: number): void {
  for (let r = 0; r < repos; r++) {
    const share = Math.floor(count / repos) + (r < count % repos ? 1 : 0);
    // About the size of a real issue's body (~3 KB), so a full read costs what it would.
    const filler = "An earlier alert's issue. ".repeat(110);
    seedResponseIssues(sandbox, "acme", repoName(r), share, { first: EXISTING_FROM + r * count, assignee: "dev19", filler });
  }
}

// ----------------------------------------------------------------------- the sandbox (child process)

type Compact = [method: string, path: string, status: number, counted: boolean];
type Call = { op: "start"; alerts: number; repos: number; existing: number; clock: "system" | "virtual" } | { op: "finish" };

async function sandboxProcess(): Promise<void> {
  let sandbox: Sandbox | undefined;
  process.on("message", (message: { id: number; call: Call }) => {
    void (async () => {
      const { id, call } = message;
      if (call.op === "start") {
        // The App in a process of its own reads the system clock (as in production): so does its GitHub.
        const clock = call.clock === "system" ? systemClock : new VirtualClock(START);
        sandbox = await startSandbox({ clock, validate: false, rateLimit: { enforce: false } });
        const deliveries = seed(sandbox, call.alerts, call.repos, call.existing);
        process.send!({ id, result: { url: sandbox.url, deliveries } });
      } else {
        const s = sandbox!;
        const requests: Compact[] = s.requests.map((r) => [r.method, r.path, r.status, r.counted]);
        const perAlert = new Map<string, number>();
        for (const r of s.state.reposOf("acme")) {
          for (const issue of s.state.listIssues("acme", r.name)) {
            const marker = decodeMarker(issue.body ?? "");
            if (marker?.key && !(marker.alert >= EXISTING_FROM)) perAlert.set(marker.key, (perAlert.get(marker.key) ?? 0) + 1);
          }
        }
        await s.close();
        sandbox = undefined;
        process.send!({
          id,
          result: {
            requests,
            issues: [...perAlert.values()].reduce((a, b) => a + b, 0),
            alertsWithIssue: perAlert.size,
            duplicates: [...perAlert.values()].filter((c) => c > 1).length,
          },
        });
      }
    })();
  });
  process.send!({ id: 0, result: "ready" });
}

// ------------------------------------------------------------------- timing GitHub from the app side

/** What the app sent to GitHub since the last `reset()`: how many requests, and when each was in flight. */
export interface GitHubTimer {
  /** Only requests to URLs under this prefix are timed ("" = none). */
  target: string;
  count: number;
  intervals: [number, number][];
  reset(): void;
  /** Time with at least one request in flight (overlaps count once). */
  busyMs(): number;
}

/** Replaces globalThis.fetch (which Octokit calls per request) with one that times requests to `target`, up to the end of their bodies. */
export function timeGitHubRequests(): GitHubTimer {
  const realFetch = globalThis.fetch;
  const timer: GitHubTimer = {
    target: "",
    count: 0,
    intervals: [],
    reset() {
      timer.count = 0;
      timer.intervals = [];
    },
    busyMs: () => unionMs(timer.intervals),
  };
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!timer.target || !url.startsWith(timer.target)) return realFetch(input, init);
    const started = performance.now();
    timer.count++;
    try {
      const res = await realFetch(input, init);
      const nullBody = res.status === 204 || res.status === 205 || res.status === 304;
      const body = nullBody ? null : await res.arrayBuffer();
      const copy = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
      Object.defineProperty(copy, "url", { value: res.url });
      return copy;
    } finally {
      timer.intervals.push([started, performance.now()]);
    }
  };
  return timer;
}

function unionMs(intervals: [number, number][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [s, e] of sorted) {
    if (s > end) {
      total += e - s;
      end = e;
    } else if (e > end) {
      total += e - end;
      end = e;
    }
  }
  return total;
}

// ------------------------------------------------------------------------------------- memory

/** A full GC (the flag is set at run time, so plain `node file.ts` works). */
export function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

let memory: ReturnType<typeof sampleMemory>;
/** The process's first deliveries, during which V8 still compiles the code they reach for the first time. */
const WARMING = 10;
const alertsOf = (r: { deliveries: unknown[] }) => r.deliveries.length;

/** `--existing`: open response issues seeded before each pass. */
let existing = 0;
let gc: () => void;

// ------------------------------------------------------------------------------------- passes

/** "app", "app, flags: …" (`--flags`), "Node defaults, from .ts" or "naive". */
type PassName = string;

interface DeliveryResult {
  status: number;
  wallMs: number;
  githubMs: number;
  requests: number;
  repo: number;
  /** GC pauses of the App during the delivery (ms), and whether one was a major GC (production passes only). */
  gcMs?: number;
  majorGc?: boolean;
}

interface PassResult {
  name: PassName;
  /** How the App ran, for the report. */
  command: string;
  deliveries: DeliveryResult[];
  requests: Compact[][];
  issues: number;
  alertsWithIssue: number;
  duplicates: number;
  logged: { warn: number; error: number; firstError: string | null };
  totalMs: number;
  cpuMs: number;
  startRss: number;
  startHeap: number;
  peakRss: number;
  peakHeap: number;
  retainedHeap: number;
  atPeak: PeakBreakdown | null;
  mismatch: string | null;
}

function countingLogger(): Logger & { counts: PassResult["logged"] } {
  const counts = { warn: 0, error: 0, firstError: null as string | null };
  return {
    counts,
    debug() {},
    info() {},
    warn() {
      counts.warn++;
    },
    error(m) {
      counts.error++;
      counts.firstError ??= m;
    },
  };
}

/** GitHub time of the requests that ran within [from, to] (ms, monotonic), overlaps once, and how many started in it. */
function githubWithin(starts: number[], ends: number[], from: number, to: number): { ms: number; count: number } {
  const intervals: [number, number][] = [];
  for (let i = 0; i < starts.length; i++) if (starts[i]! >= from && starts[i]! <= to) intervals.push([starts[i]!, ends[i]!]);
  return { ms: unionMs(intervals), count: intervals.length };
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** Requests this process sends to `target` (the naive pass's in-process apps), timed from undici's diagnostics channels as probe.mjs does. */
const local = { target: "", starts: [] as number[], ends: [] as number[], open: new WeakMap<object, number>() };
subscribe("undici:request:create", (m) => {
  const request = (m as { request: { origin: string } }).request;
  if (local.target && request.origin === local.target) local.open.set(request, nowMs());
});
for (const channel of ["undici:request:trailers", "undici:request:error"])
  subscribe(channel, (m) => {
    const request = (m as { request: object }).request;
    const started = local.open.get(request);
    if (started === undefined) return;
    local.open.delete(request);
    local.starts.push(started);
    local.ends.push(nowMs());
  });

async function finishPass(
  child: SandboxChild<Call>,
  pass: Omit<PassResult, "requests" | "issues" | "alertsWithIssue" | "duplicates" | "mismatch">,
  outside: number,
): Promise<PassResult> {
  const done = await child.call<{ requests: Compact[]; issues: number; alertsWithIssue: number; duplicates: number }>({ op: "finish" });
  // Split the sandbox's log by delivery, using how many requests the app sent during each.
  const perDelivery: Compact[][] = [];
  let at = 0;
  for (const r of pass.deliveries) {
    perDelivery.push(done.requests.slice(at, at + r.requests));
    at += r.requests;
  }
  const mismatch =
    at === done.requests.length && outside === 0
      ? null
      : `the sandbox logged ${done.requests.length} requests, the app sent ${at} during deliveries and ${outside} outside them`;
  return {
    ...pass,
    requests: perDelivery,
    issues: done.issues,
    alertsWithIssue: done.alertsWithIssue,
    duplicates: done.duplicates,
    mismatch,
  };
}

/** The App in a process of its own (production, or Node's defaults from the sources), one delivery at a time. */
async function runProcessPass(
  name: PassName,
  child: SandboxChild<Call>,
  alerts: number,
  repos: number,
  bundle: string,
  profile: string | undefined,
  flags: readonly string[],
): Promise<PassResult> {
  const { url, deliveries } = await child.call<{ url: string; deliveries: Delivery[] }>({
    op: "start",
    alerts,
    repos,
    existing,
    clock: "system",
  });
  // Production: the bundle with runtime.ts's ENV and flags (or, for an "app, flags: …" pass, other flags).
  const production = name.startsWith("app");
  const tag = name === "app" ? "app" : name.startsWith("app, bundle") ? "app-baseline" : production ? "app-flags" : "defaults";
  const profiling = profile ? ["--cpu-prof", `--cpu-prof-dir=${resolve(profile)}`, `--cpu-prof-name=${tag}.cpuprofile`] : [];
  const app: AppProcess = await startAppProcess({
    githubUrl: url,
    privateKey: await localAppKey(),
    ...(production
      ? { flags: [...flags, ...profiling], entry: bundle, env: ENV }
      : { flags: profiling, entry: fileURLToPath(new URL("../src/app/server.ts", import.meta.url)), env: { NODE_ENV: "production" } }),
    ...(profile ? { probeEnv: { NHI_BENCH_ALLOC_PROFILE: join(resolve(profile), `${tag}.heapprofile`) } } : {}),
  });
  try {
    const start = await app.mark();
    const results: DeliveryResult[] = [];
    const windows: [number, number][] = [];
    let totalMs = 0;
    for (const d of deliveries) {
      const t0 = nowMs();
      const status = await app.deliver(d.name, d.payload, d.id);
      const t1 = nowMs();
      totalMs += t1 - t0;
      windows.push([t0, t1]);
      results.push({ status, wallMs: t1 - t0, githubMs: 0, requests: 0, repo: d.repo });
    }
    const end = await app.end();
    let inside = 0;
    windows.forEach(([t0, t1], i) => {
      const g = githubWithin(end.starts, end.ends, t0, t1);
      results[i]!.githubMs = g.ms;
      results[i]!.requests = g.count;
      inside += g.count;
      if (end.gc) {
        const paused: [number, number][] = [];
        let major = false;
        end.gc.starts.forEach((s, j) => {
          const e = end.gc!.ends[j]!;
          if (e > t0 && s < t1) {
            paused.push([Math.max(s, t0), Math.min(e, t1)]);
            major ||= end.gc!.major[j]!;
          }
        });
        results[i]!.gcMs = unionMs(paused);
        results[i]!.majorGc = major;
      }
    });
    return await finishPass(
      child,
      {
        name,
        command: app.command,
        deliveries: results,
        logged: app.logged(),
        totalMs,
        cpuMs: end.cpuMs,
        startRss: start.rss,
        startHeap: start.heapUsed,
        peakRss: end.peakRss,
        peakHeap: end.peakHeap,
        atPeak: end.atPeak,
        retainedHeap: end.retainedHeap,
      },
      end.starts.length - inside,
    );
  } finally {
    await app.stop();
  }
}

/** The naive baseline: a fresh app per alert, in this process. */
async function runNaivePass(child: SandboxChild<Call>, alerts: number, repos: number): Promise<PassResult> {
  const { url, deliveries } = await child.call<{ url: string; deliveries: Delivery[] }>({
    op: "start",
    alerts,
    repos,
    existing,
    clock: "virtual",
  });
  local.target = new URL(url).origin;
  const clock = new VirtualClock(START);
  const log = countingLogger();
  const options = { baseUrl: url, clock, log };

  gc();
  const start = memory.reset();
  const results: DeliveryResult[] = [];
  let totalMs = 0;
  let cpuMs = 0;
  for (const d of deliveries) {
    const app = await startLocalAppServer(options);
    local.starts = [];
    local.ends = [];
    const cpu = process.cpuUsage();
    const t0 = nowMs();
    const status = await app.deliver(d.name, d.payload, { id: d.id });
    const t1 = nowMs();
    const used = process.cpuUsage(cpu);
    totalMs += t1 - t0;
    cpuMs += (used.user + used.system) / 1000;
    const g = githubWithin(local.starts, local.ends, -Infinity, Infinity);
    results.push({ status, wallMs: t1 - t0, githubMs: g.ms, requests: g.count, repo: d.repo });
    await app.close();
  }
  const { rss: peakRss, heap: peakHeap, atRss: atPeak } = memory.peak;
  // Whatever 1,000 closed apps left behind.
  gc();
  const retainedHeap = process.memoryUsage().heapUsed;
  local.target = "";
  return finishPass(
    child,
    {
      name: "naive",
      command: "in the benchmark's process, from .ts, a new app per delivery",
      deliveries: results,
      logged: log.counts,
      totalMs,
      cpuMs,
      startRss: start.rss,
      startHeap: start.heapUsed,
      peakRss,
      peakHeap,
      atPeak,
      retainedHeap,
    },
    0,
  );
}

// ------------------------------------------------------------------------------------- report

/** `GET /repos/{owner}/{repo}/labels/{name}` from `GET /repos/acme/svc-01/labels/sla:on-track`. */
export function route(method: string, path: string): string {
  const parts = path.split("/");
  if (parts[1] === "repos" && parts.length >= 4) {
    parts[2] = "{owner}";
    if (parts[3] !== ".github") parts[3] = "{repo}";
  }
  if (parts[1] === "orgs" && parts.length >= 3) parts[2] = "{org}";
  for (let i = 1; i < parts.length; i++) {
    const before = parts[i - 1];
    if (/^\d+$/.test(parts[i]!)) parts[i] = "{n}";
    else if ((before === "labels" || before === "assignees") && parts[1] === "repos") parts[i] = before === "labels" ? "{name}" : "{login}";
    else if (before === "teams" && parts[1] === "orgs") parts[i] = "{team}";
  }
  return `${method} ${parts.join("/")}`;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

interface Summary {
  counted: number;
  notModified: number;
  other: number;
  countedSteady: number;
  notModifiedSteady: number;
  histogram: Map<string, { counted: number; notModified: number }>;
  steadyCount: number;
}

/** Steady state: each repository's deliveries after its first (`repo` index seen before). */
function summarise(pass: PassResult): Summary {
  const seen = new Set<number>();
  const histogram = new Map<string, { counted: number; notModified: number }>();
  let counted = 0;
  let notModified = 0;
  let other = 0;
  let countedSteady = 0;
  let notModifiedSteady = 0;
  let steadyCount = 0;
  pass.requests.forEach((requests, i) => {
    const steady = seen.has(pass.deliveries[i]!.repo);
    seen.add(pass.deliveries[i]!.repo);
    if (steady) steadyCount++;
    for (const [method, path, status, isCounted] of requests) {
      if (isCounted) counted++;
      else if (status === 304) notModified++;
      else other++;
      if (!steady) continue;
      if (isCounted) countedSteady++;
      if (status === 304) notModifiedSteady++;
      const k = route(method, path);
      const h = histogram.get(k) ?? { counted: 0, notModified: 0 };
      if (isCounted) h.counted++;
      if (status === 304) h.notModified++;
      histogram.set(k, h);
    }
  });
  return { counted, notModified, other, countedSteady, notModifiedSteady, histogram, steadyCount };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      alerts: { type: "string", default: "1000" },
      repos: { type: "string", default: "50" },
      // Open response issues already there (see seedExisting), spread over the repositories.
      existing: { type: "string", default: "0" },
      "no-baseline": { type: "boolean", default: false },
      "no-defaults": { type: "boolean", default: false },
      // Writes a V8 CPU profile of each App process (`node --cpu-prof`) into this folder, and a sampling
      // profile of what it allocated during the burst, garbage included (`app.heapprofile`, bench/support/probe.mjs).
      profile: { type: "string" },
      // Experiments: one more pass after "app", the same bundle and ENV with these V8 flags instead of
      // src/app/runtime.ts's (space-separated, `--flags="--a --b"`; "" for none).
      flags: { type: "string" },
      // Before/after in one run: one more pass, another App bundle (e.g. built from an earlier commit with
      // scripts/build-app.mjs) run exactly as "app" is.
      "baseline-bundle": { type: "string" },
      // An unreported pass first, so the first reported pass does not also pay for warming the sandbox's
      // process and this one (measured: it made the first pass's p99 13 ms against 8 for the same bundle).
      warmup: { type: "string", default: "200" },
      // Until 2026-12-04 a pass with retries off; retries cost nothing on success since (`retryOnFailure`).
      "no-retries-off": { type: "boolean", default: false },
    },
  });
  const alerts = Number(values.alerts);
  const repos = Number(values.repos);
  if (!(Number.isInteger(alerts) && alerts > 0 && Number.isInteger(repos) && repos > 0 && repos <= alerts))
    throw new Error("--alerts and --repos must be whole numbers, 0 < repos <= alerts");
  existing = Number(values.existing);
  if (!(Number.isInteger(existing) && existing >= 0)) throw new Error("--existing must be a whole number");
  memory = sampleMemory();
  gc = exposeGc();
  const extraFlags = values.flags?.split(/\s+/).filter(Boolean);
  const passes: PassName[] = [
    "app",
    ...(extraFlags ? [`app, flags: ${extraFlags.join(" ") || "none"}`] : []),
    ...(values["baseline-bundle"] ? [`app, bundle: ${values["baseline-bundle"]}`] : []),
    ...(values["no-defaults"] ? [] : (["Node defaults, from .ts"] as const)),
    ...(values["no-baseline"] ? [] : (["naive"] as const)),
  ];

  const cpu = cpus();
  console.log("# Burst benchmark\n");
  console.log(`node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}.`);
  console.log(
    `${alerts} \`secret_scanning_alert.created\` deliveries across ${repos} repositories, one at a time, to the App on loopback; ` +
      `the sandbox GitHub in a child process (validation off, no latency). Steady state = each repository's deliveries after its first ` +
      `(${alerts - repos} of ${alerts}). Times in ms per delivery; processing = wall − time waiting on GitHub. CPU and memory: the App's process ` +
      `(heap sampled every 10 ms, rss every 100 ms).\n`,
  );
  if (existing)
    console.log(
      `Each repository starts with its share of ${existing} open response issues, written by the App an hour before the burst (not counted below).\n`,
    );

  const built = await buildApp(mkdtempSync(join(tmpdir(), "nhi-steward-burst-")));
  const child = await SandboxChild.start<Call>(fileURLToPath(import.meta.url));
  const results: PassResult[] = [];
  try {
    const warmup = Number(values.warmup);
    if (warmup > 0) {
      process.stderr.write(`burst: warm-up pass (${warmup} deliveries, not reported)…\n`);
      await runProcessPass("app, warm-up", child, warmup, Math.min(repos, warmup), built, undefined, NODE_FLAGS);
    }
    for (const name of passes) {
      process.stderr.write(`burst: ${name} pass (${alerts} deliveries)…\n`);
      results.push(
        name === "naive"
          ? await runNaivePass(child, alerts, repos)
          : await runProcessPass(
              name,
              child,
              alerts,
              repos,
              name.startsWith("app, bundle: ") ? resolve(values["baseline-bundle"]!) : built,
              values.profile,
              name.startsWith("app, flags: ") ? (extraFlags ?? []) : NODE_FLAGS,
            ),
      );
    }
  } finally {
    child.stop();
    rmSync(dirname(built), { recursive: true, force: true });
  }
  console.log("How each pass ran the App:\n");
  for (const r of results) console.log(`- ${r.name}: \`${r.command}\``);
  console.log("");

  const summaries = new Map(results.map((r) => [r.name, summarise(r)]));
  console.log(
    "| pass | HTTP 200 | issues (alerts with one / duplicates) | counted req/alert | counted req/alert, steady | 304s/alert, steady | wall p50 | wall p99 | GitHub p50 | processing p50 | processing p99 | processing mean | CPU ms/alert | alerts/s | RSS start → peak MB | heap start → peak → after GC MB |",
  );
  console.log("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const s = summaries.get(r.name)!;
    const n = r.deliveries.length;
    const processing = r.deliveries.map((d) => d.wallMs - d.githubMs);
    console.log(
      `| ${r.name} | ${r.deliveries.filter((d) => d.status === 200).length}/${n} | ${r.issues} (${r.alertsWithIssue} / ${r.duplicates}) | ${f(s.counted / n, 2)} | ${f(s.countedSteady / Math.max(1, s.steadyCount), 2)} | ${f(s.notModifiedSteady / Math.max(1, s.steadyCount), 2)} | ` +
        `${f(
          quantile(
            r.deliveries.map((d) => d.wallMs),
            0.5,
          ),
        )} | ${f(
          quantile(
            r.deliveries.map((d) => d.wallMs),
            0.99,
          ),
        )} | ${f(
          quantile(
            r.deliveries.map((d) => d.githubMs),
            0.5,
          ),
        )} | ` +
        `${f(quantile(processing, 0.5))} | ${f(quantile(processing, 0.99))} | ${f(mean(processing))} | ${f(r.cpuMs / n)} | ${f(n / (r.totalMs / 1000))} | ${mb(r.startRss)} → ${mb(r.peakRss)} | ${mb(r.startHeap)} → ${mb(r.peakHeap)} → ${mb(r.retainedHeap)} |`,
    );
  }

  // Processing split by steady state (each repository's deliveries after its first) and cold, and the rss at its peak.
  console.log(`\nProcessing (ms) in steady state and in each repository's first delivery; what the rss held at its peak (MB):\n`);
  console.log(
    "| pass | steady p50 | steady p99 | steady max | first-in-repo p50 | first-in-repo max | rss at peak | V8 heap committed | of it used | external (of it ArrayBuffers) | rest: code, stacks, malloc |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    const seen = new Set<number>();
    const steady: number[] = [];
    const cold: number[] = [];
    for (const d of r.deliveries) {
      (seen.has(d.repo) ? steady : cold).push(d.wallMs - d.githubMs);
      seen.add(d.repo);
    }
    const p = r.atPeak;
    const memory = p
      ? `${mb(p.rss)} | ${mb(p.heapCommitted)} | ${mb(p.heapUsed)} | ${mb(p.external)} (${mb(p.arrayBuffers)}) | ${mb(p.rss - p.heapCommitted - p.external)}`
      : "– | – | – | – | –";
    console.log(
      `| ${r.name} | ${f(quantile(steady, 0.5))} | ${f(quantile(steady, 0.99))} | ${f(Math.max(...steady))} | ${f(quantile(cold, 0.5))} | ${f(Math.max(...cold))} | ${memory} |`,
    );
  }
  // What the p99 is made of: the slowest 1 % of deliveries (10 of 1,000), each with its GC pauses.
  const timed = results.filter((r) => r.deliveries.some((d) => d.gcMs !== undefined));
  if (timed.length) {
    const slowest = Math.max(1, Math.round(alertsOf(timed[0]!) / 100));
    console.log(
      `\nThe ${slowest} slowest deliveries by processing (ms): their place in the burst (\`C\`: the first in its repository; the first ${WARMING} of the process are still compiling), and how much of it the App's GC paused it (\`M\`: a major GC):\n`,
    );
    console.log(
      "| pass | slowest deliveries: #place processing (GC pause) | of them the process's first " +
        WARMING +
        " | first in their repository | with a major GC | p99 without GC pauses | p99 after the process's first " +
        WARMING +
        " |",
    );
    console.log("|---|---|---:|---:|---:|---:|---:|");
    for (const r of timed) {
      const seen = new Set<number>();
      const rows = r.deliveries.map((d, i) => {
        const cold = !seen.has(d.repo);
        seen.add(d.repo);
        return { i, cold, ms: d.wallMs - d.githubMs, gc: d.gcMs ?? 0, major: d.majorGc ?? false };
      });
      const top = [...rows].sort((a, b) => b.ms - a.ms).slice(0, slowest);
      const shown = top.map((x) => `#${x.i}${x.cold ? "C" : ""} ${f(x.ms)} (${f(x.gc)}${x.major ? "M" : ""})`).join(", ");
      const withoutGc = quantile(
        rows.map((x) => x.ms - x.gc),
        0.99,
      );
      const warm = quantile(
        rows.slice(WARMING).map((x) => x.ms),
        0.99,
      );
      console.log(
        `| ${r.name} | ${shown} | ${top.filter((x) => x.i < WARMING).length} | ${top.filter((x) => x.cold).length} | ${top.filter((x) => x.major).length} | ${f(withoutGc)} | ${f(warm)} |`,
      );
    }
  }

  for (const r of results) {
    const notes = [
      r.mismatch,
      r.logged.error ? `${r.logged.error} error(s) logged, first: ${r.logged.firstError}` : null,
      r.logged.warn ? `${r.logged.warn} warning(s) logged` : null,
    ].filter(Boolean);
    if (notes.length) console.log(`\n${r.name}: ${notes.join("; ")}`);
  }

  // Which requests a steady-state delivery makes, by route.
  const routes = new Set<string>();
  for (const s of summaries.values()) for (const k of s.histogram.keys()) routes.add(k);
  const app = summaries.get("app")!;
  const order = [...routes].sort(
    (a, b) => (app.histogram.get(b)?.counted ?? 0) - (app.histogram.get(a)?.counted ?? 0) || a.localeCompare(b),
  );
  console.log(`\nSteady state, requests per delivery by route (counted + 304):\n`);
  console.log(`| route | ${results.map((r) => `${r.name}: counted | ${r.name}: 304`).join(" | ")} |`);
  console.log(`|---|${results.map(() => "---:|---:").join("|")}|`);
  for (const k of order) {
    const cells = results.map((r) => {
      const s = summaries.get(r.name)!;
      const h = s.histogram.get(k);
      return `${f((h?.counted ?? 0) / Math.max(1, s.steadyCount), 2)} | ${f((h?.notModified ?? 0) / Math.max(1, s.steadyCount), 2)}`;
    });
    console.log(`| \`${k}\` | ${cells.join(" | ")} |`);
  }
  console.log(
    `| **total** | ${results.map((r) => `**${f(summaries.get(r.name)!.countedSteady / Math.max(1, summaries.get(r.name)!.steadyCount), 2)}** | **${f(summaries.get(r.name)!.notModifiedSteady / Math.max(1, summaries.get(r.name)!.steadyCount), 2)}**`).join(" | ")} |`,
  );

  const naive = results.find((r) => r.name === "naive");
  const ours = results.find((r) => r.name === "app")!;
  if (naive) {
    const ns = summaries.get("naive")!;
    const p = (r: PassResult, q: number) =>
      quantile(
        r.deliveries.map((d) => d.wallMs - d.githubMs),
        q,
      );
    console.log(`\nnaive ÷ app (higher = the app's caches save more):\n`);
    console.log("| counted req/alert | counted req/alert, steady | processing p50 | processing p99 | wall p50 | CPU/alert |");
    console.log("|---:|---:|---:|---:|---:|---:|");
    console.log(
      `| ${f(ns.counted / app.counted, 2)}× | ${f(ns.countedSteady / ns.steadyCount / (app.countedSteady / app.steadyCount), 2)}× | ${f(p(naive, 0.5) / p(ours, 0.5), 2)}× | ${f(p(naive, 0.99) / p(ours, 0.99), 2)}× | ` +
        `${f(
          quantile(
            naive.deliveries.map((d) => d.wallMs),
            0.5,
          ) /
            quantile(
              ours.deliveries.map((d) => d.wallMs),
              0.5,
            ),
          2,
        )}× | ${f(naive.cpuMs / ours.cpuMs, 2)}× |`,
    );
  }
  const target = app.countedSteady / Math.max(1, app.steadyCount);
  console.log(`\nTarget: ≤ 3 counted requests per alert in steady state. Measured: ${f(target, 2)} (${target <= 3 ? "met" : "not met"}).`);
}

if (import.meta.main) {
  if (process.argv.includes("--sandbox")) await sandboxProcess();
  else await main();
}
