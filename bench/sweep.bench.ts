/**
 * Sweep benchmark: `npm run bench:sweep [-- --issues 10000 --repos 50 --changed 100]` (Node 24).
 *
 * `--profile FILE` also writes CPU profiles of the "nothing changed" pass (FILE) and of the "from
 * state: nothing changed" pass (FILE with `.state.cpuprofile`). `--quick` skips the naive baseline and
 * the alert-change passes (for trying a change), but keeps the catch-up passes (commands, closes).
 *
 * An organisation with `--issues` open secret scanning alerts across `--repos` repositories (the
 * burst benchmark's organisation), each with its open response issue. The sandbox GitHub runs in a
 * child process (validation off, rate limit counted but not enforced, no latency); the child seeds
 * the alerts and runs one sweep itself to open the issues (reported, not measured). Then this
 * process runs `sweep(run, { kind: "organization", org })` as the Action does, and is measured:
 *
 *   sweep, nothing changed     everything is up to date: what a sweep costs just to look
 *   naive, GET per issue       the same sweep with the response issues read one GET each
 *                              (`PerIssuePort` below) instead of the paginated, labelled list
 *   sweep, N alerts changed    after `--changed` alerts changed validity on GitHub
 *   sweep, N commands …        after the owner wrote `/ack` on `--changed` issues: the sweep's
 *                              catch-up (one comment list per repository, one GET per command)
 *   sweep, N closes …          after owners closed `--changed` issues while no server listened (half
 *                              with `resolution:revoked`, half without a resolution): the
 *                              catch-up of closings (one list of closed issues per repository without
 *                              a state, none with one; per close one GET, one comment list, its writes)
 *   floor                      only reading the two lists every full sweep must read
 *   from state: …              the same with the Action's `sweep-state` file: load, sweep, save,
 *                              five virtual minutes apart (first: full read, writes the state;
 *                              then: only what changed since)
 *
 * For each: GitHub requests by route (the sandbox's log: counted, 304), CPU time of this process
 * (process.cpuUsage: the sweep alone, GitHub is in the other process), wall time, time waiting on
 * GitHub (every fetch timed), and peak heap (sampled every 10 ms) and rss (every 100 ms). The Octokit has pagination
 * and the REST methods only: the Action's `createOctokit` adds plugin-retry (≈5 ms of idle per request
 * on loopback, see the burst benchmark's "retries off" pass) and plugin-throttling, which spaces
 * writes ≥ 1 s apart and would make the "changed" pass last minutes. Nothing is written to the repository.
 */
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Session } from "node:inspector/promises";
import { cpus, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import type { RepoRef } from "../src/core/alert/types.ts";
import { VirtualClock } from "../src/core/clock.ts";
import { LABELS } from "../src/core/issue/labels.ts";
import { markerKey } from "../src/core/issue/marker.ts";
import type { ExistingIssue } from "../src/core/plan.ts";
import { OctokitPort, type OctokitLike } from "../src/github/octokit-port.ts";
import { fileStateStore, loadSweepState, saveSweepState, scopeId } from "../src/github/sweep-state.ts";
import { WHOLE } from "../src/core/shard.ts";
import { Run } from "../src/handlers/run.ts";
import { sweep, type SweepReport } from "../src/handlers/sweep.ts";
import type { Logger } from "../src/log.ts";
import { startSandbox, type Sandbox } from "../src/sandbox/index.ts";
import { exposeGc, repoName, route, seed, timeGitHubRequests } from "./burst.bench.ts";
import { sampleMemory } from "./support/memory-sampler.mjs";
import { SandboxChild } from "./support/child.ts";
import { SANDBOX_APP_IDENTITY } from "../src/sandbox/index.ts";

const START = "2026-11-23T08:55:00Z";

/**
 * `--profile FILE`: a V8 CPU profile of the "nothing changed" pass (open it in Chrome DevTools),
 * and the functions with the most self time, printed to stderr.
 */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      profile.samples?.forEach((id, i) => {
        const frame = byId.get(id)!.callFrame;
        const name = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").slice(-2).join("/")}:${frame.lineNumber + 1}`;
        self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas?.[i] ?? 0));
      });
      process.stderr.write(`CPU profile written to ${file}; most self time:\n`);
      for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
        process.stderr.write(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
      session.disconnect();
    },
  };
}
const BenchOctokit = Octokit.plugin(paginateRest, restEndpointMethods);
const octokitFor = (baseUrl: string, token: string): OctokitLike => new BenchOctokit({ auth: token, baseUrl }) as unknown as OctokitLike;

function countingLogger(): Logger & { errors: string[]; warnings: number } {
  const errors: string[] = [];
  const logger = {
    errors,
    warnings: 0,
    debug() {},
    info() {},
    warn() {
      logger.warnings++;
    },
    error(m: string) {
      errors.push(m);
    },
  };
  return logger;
}

/** Reads what any sweep must read, and does nothing with it: the part of a sweep's cost that is GitHub's JSON. */
async function readListsOnly(run: Run): Promise<SweepReport> {
  const repos = new Map<string, RepoRef>();
  let alerts = 0;
  for await (const listed of run.deps.github.listOpenSecretScanningAlerts({ kind: "organization", org: "acme" })) {
    alerts++;
    const r = listed.repository as { name: string; owner: { login: string } };
    repos.set(`${r.owner.login}/${r.name}`, { owner: r.owner.login, name: r.name });
  }
  let clocks = 0;
  for (const repo of repos.values()) clocks += (await run.deps.github.listIssues(repo, LABELS.response.name)).length;
  return { alerts, clocks, unreadable: 0, results: [], opened: 0, updated: 0, deferred: 0, failed: 0, writes: 0, dryRun: false };
}

// ----------------------------------------------------------------------- the sandbox (child process)

type Compact = [method: string, path: string, status: number, counted: boolean, state: string];
type Call =
  | { op: "start"; issues: number; repos: number }
  | { op: "advance"; ms: number }
  | { op: "mark" }
  | { op: "since"; from: number }
  | { op: "index" }
  | { op: "mutate"; count: number }
  | { op: "comment"; count: number }
  | { op: "close"; count: number }
  | { op: "stop" };

async function sandboxProcess(): Promise<void> {
  let sandbox: Sandbox | undefined;
  let alerts: { repo: string; number: number }[] = [];
  const clock = new VirtualClock(START);
  const handle = async (call: Call): Promise<unknown> => {
    switch (call.op) {
      case "start": {
        sandbox = await startSandbox({ clock, validate: false, rateLimit: { enforce: false } });
        seed(sandbox, call.issues, call.repos);
        alerts = [];
        for (let r = 0; r < call.repos; r++)
          for (const a of sandbox.state.alerts("acme", repoName(r))) alerts.push({ repo: repoName(r), number: a.number });
        // One sweep opens every issue (the first sweep after installing the app, or a backfill).
        const log = countingLogger();
        const started = performance.now();
        const report = await sweep(
          new Run(
            { github: new OctokitPort(octokitFor(sandbox.url, "ghs_seed"), { self: SANDBOX_APP_IDENTITY }), clock, log },
            { dryRun: false, maxOperations: null },
          ),
          { kind: "organization", org: "acme" },
        );
        const alertResults = report.results.filter((r) => r.change.key.startsWith("secret-scanning:"));
        return {
          url: sandbox.url,
          seedMs: performance.now() - started,
          opened: alertResults.filter((r) => r.status === "applied" && r.change.action === "open").length,
          failed: alertResults.filter((r) => r.status === "failed").length,
          errors: log.errors.slice(0, 3),
        };
      }
      case "mark":
        return sandbox!.requests.length;
      case "advance":
        clock.advance(call.ms);
        return clock.now().toISOString();
      case "since":
        return sandbox!.requests.slice(call.from).map((r): Compact => [r.method, r.path, r.status, r.counted, r.query.state ?? ""]);
      case "index": {
        // The naive baseline's "database": alert key → issue number.
        const index: [key: string, repo: string, number: number][] = [];
        for (const r of sandbox!.state.reposOf("acme")) {
          for (const issue of sandbox!.state.listIssues("acme", r.name)) {
            const key = markerKey(issue.body ?? "");
            if (key && issue.labels.includes("nhi-response")) index.push([key, `acme/${r.name}`, issue.number]);
          }
        }
        return index;
      }
      case "mutate": {
        // `count` alerts, evenly spread, change validity on GitHub.
        const step = Math.max(1, Math.floor(alerts.length / call.count));
        let changed = 0;
        for (let i = 0; i < alerts.length && changed < call.count; i += step) {
          const a = alerts[i]!;
          const was = sandbox!.state.alert("acme", a.repo, a.number)!.validity;
          sandbox!.state.updateAlert("acme", a.repo, a.number, { validity: was === "active" ? "inactive" : "active" });
          changed++;
        }
        return changed;
      }
      case "comment": {
        // The owner (@alice) acknowledges `count` response issues, evenly spread, in a comment each.
        const all = sandbox!.state
          .reposOf("acme")
          .flatMap((r) =>
            sandbox!.state.requireRepo("acme", r.name).issues.filter((i) => i.state === "open" && i.labels.includes("nhi-response")),
          );
        const step = Math.max(1, Math.floor(all.length / call.count));
        let written = 0;
        for (let i = 0; i < all.length && written < call.count; i += step) {
          sandbox!.state.newComment(all[i]!, "On it.\n/ack", "alice");
          written++;
        }
        return written;
      }
      case "close": {
        // Owners close `count` open response issues, evenly spread (half a step away from those the
        // commands went to), while no server listens: every other one with `resolution:revoked`
        // (resolved, or reopened where GitHub still sees the secret as active), the rest without one
        // (reopened with the request for a resolution).
        const s = sandbox!.state;
        const open = s.reposOf("acme").flatMap((repo) => {
          const r = s.requireRepo("acme", repo.name);
          return r.issues.filter((i) => i.state === "open" && i.labels.includes("nhi-response")).map((i) => ({ r, i }));
        });
        const step = Math.max(1, Math.floor(open.length / call.count));
        let closed = 0;
        for (let k = Math.floor(step / 2); k < open.length && closed < call.count; k += step) {
          const { r, i } = open[k]!;
          const now = s.now();
          if (closed % 2 === 0) i.labels.push(s.ensureLabel(r, "resolution:revoked"));
          Object.assign(i, {
            state: "closed",
            stateReason: "completed",
            closedAt: now,
            closedBy: i.assignees[0] ?? "alice",
            updatedAt: now,
          });
          closed++;
        }
        return closed;
      }
      case "stop":
        await sandbox?.close();
        return process.resourceUsage().maxRSS * 1024;
    }
  };
  process.on("message", (message: { id: number; call: Call }) => {
    void handle(message.call).then((result) => process.send!({ id: message.id, result }));
  });
  process.send!({ id: 0, result: "ready" });
}

// ------------------------------------------------------------------------------ the naive baseline

/**
 * The baseline: the same sweep, but response issues are read one `GET /repos/{o}/{r}/issues/{n}`
 * each (numbers from a key → number index kept elsewhere, as a database would), once per run,
 * instead of one labelled, paginated list per repository.
 */
class PerIssuePort extends OctokitPort {
  private readonly client: OctokitLike;
  private readonly byKey: Map<string, { repo: string; number: number }>;
  private readonly byRepo = new Map<string, number[]>();
  private readonly read = new Map<string, Promise<ExistingIssue>>();

  constructor(octokit: OctokitLike, index: [string, string, number][]) {
    super(octokit, { self: SANDBOX_APP_IDENTITY });
    this.client = octokit;
    this.byKey = new Map(index.map(([key, repo, number]) => [key, { repo, number }]));
    for (const [, repo, number] of index) this.byRepo.set(repo, [...(this.byRepo.get(repo) ?? []), number]);
  }

  private issue(repo: RepoRef, number: number): Promise<ExistingIssue> {
    const k = `${repo.owner}/${repo.name}#${number}`;
    let p = this.read.get(k);
    if (!p) {
      p = this.client
        .request("GET /repos/{owner}/{repo}/issues/{issue_number}", { owner: repo.owner, repo: repo.name, issue_number: number })
        .then(({ data }) => ({
          number: data.number,
          state: data.state === "closed" ? ("closed" as const) : ("open" as const),
          title: data.title,
          body: data.body ?? "",
          labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
          assignees: (data.assignees ?? []).map((a) => a.login),
          url: data.html_url,
        }));
      this.read.set(k, p);
    }
    return p;
  }

  // Other issues (the organisation's inventory issue, config errors) are read as the sweep reads them.
  override async findIssue(repo: RepoRef, key: string, label: string): Promise<ExistingIssue | null> {
    if (label !== LABELS.response.name) return super.findIssue(repo, key, label);
    const hit = this.byKey.get(key);
    return hit && hit.repo === `${repo.owner}/${repo.name}` ? this.issue(repo, hit.number) : null;
  }

  override async listIssues(repo: RepoRef, label: string): Promise<ExistingIssue[]> {
    if (label !== LABELS.response.name) return super.listIssues(repo, label);
    const out: ExistingIssue[] = [];
    for (const number of this.byRepo.get(`${repo.owner}/${repo.name}`) ?? []) out.push(await this.issue(repo, number));
    return out;
  }
}

// ------------------------------------------------------------------------------------- passes

interface PassResult {
  name: string;
  /** The report's figures only: its results (10,000 changes) would stay on the heap of later passes. */
  report: Pick<SweepReport, "alerts" | "clocks" | "opened" | "updated" | "failed" | "writes">;
  requests: Compact[];
  wallMs: number;
  githubMs: number;
  cpuMs: number;
  startRss: number;
  startHeap: number;
  peakRss: number;
  peakHeap: number;
  errors: string[];
}

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      issues: { type: "string", default: "10000" },
      repos: { type: "string", default: "50" },
      changed: { type: "string", default: "100" },
      profile: { type: "string" },
      quick: { type: "boolean", default: false },
    },
  });
  const issues = Number(values.issues);
  const repos = Number(values.repos);
  const changed = Number(values.changed);
  if (!(
    Number.isInteger(issues) &&
    issues > 0 &&
    Number.isInteger(repos) &&
    repos > 0 &&
    repos <= issues &&
    Number.isInteger(changed) &&
    changed >= 0 &&
    changed <= issues
  )) {
    throw new Error("--issues, --repos and --changed must be whole numbers, 0 < repos <= issues, 0 <= changed <= issues");
  }
  const github = timeGitHubRequests();
  const memory = sampleMemory();
  const gc = exposeGc();
  const clock = new VirtualClock(START);

  const cpu = cpus();
  console.log("# Sweep benchmark\n");
  console.log(`node ${process.version}, ${cpu.length} cores (${cpu[0]?.model ?? "unknown CPU"}), ${process.platform}/${process.arch}.`);

  const child = await SandboxChild.start<Call>(fileURLToPath(import.meta.url));
  try {
    process.stderr.write(`sweep: seeding ${issues} alerts in ${repos} repositories and opening their issues (child process)…\n`);
    const seeded = await child.call<{ url: string; seedMs: number; opened: number; failed: number; errors: string[] }>({
      op: "start",
      issues,
      repos,
    });
    if (seeded.opened !== issues || seeded.failed)
      throw new Error(`seeding opened ${seeded.opened} of ${issues} issues (${seeded.failed} failed): ${seeded.errors.join(" | ")}`);
    github.target = seeded.url;
    console.log(
      `${issues} open alerts with ${issues} open response issues across ${repos} repositories (${Math.ceil(issues / repos)} per repository), sandbox GitHub in a child process ` +
        `(validation off, no latency). The sweep that opened them took ${f(seeded.seedMs / 1000)} s in the child. Each pass below sweeps the organisation once, in this process, at the same instant, after one unmeasured warm-up sweep.\n`,
    );

    const pass = async (
      name: string,
      port: OctokitPort,
      work: (run: Run) => Promise<SweepReport> = (run) => sweep(run, { kind: "organization", org: "acme" }),
    ): Promise<PassResult> => {
      process.stderr.write(`sweep: ${name}…\n`);
      const log = countingLogger();
      const from = await child.call<number>({ op: "mark" });
      gc();
      const start = memory.reset();
      github.reset();
      const cpuBefore = process.cpuUsage();
      const t0 = performance.now();
      const report = await work(new Run({ github: port, clock, log }, { dryRun: false, maxOperations: null }));
      const wallMs = performance.now() - t0;
      const used = process.cpuUsage(cpuBefore);
      const githubMs = github.busyMs();
      const { rss: peakRss, heap: peakHeap } = memory.peak;
      const requests = await child.call<Compact[]>({ op: "since", from });
      const { alerts, clocks, opened, updated, failed, writes } = report;
      return {
        name,
        report: { alerts, clocks, opened, updated, failed, writes },
        requests,
        wallMs,
        githubMs,
        cpuMs: (used.user + used.system) / 1000,
        startRss: start.rss,
        startHeap: start.heapUsed,
        peakRss,
        peakHeap,
        errors: log.errors,
      };
    };

    // One unmeasured sweep first, so that no pass pays for JIT warm-up.
    await pass("warm-up", new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }));
    const results: PassResult[] = [];
    const profiler = values.profile ? await startProfile() : null;
    results.push(
      await pass("sweep, nothing changed", new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY })),
    );
    if (profiler && values.profile) await profiler.stop(values.profile);
    // The floor: only reading the two lists a sweep must read (alerts, response issues), no work on them.
    results.push(
      await pass(
        "floor: read the lists only",
        new OctokitPort(octokitFor(seeded.url, "ghs_floor"), { self: SANDBOX_APP_IDENTITY }),
        readListsOnly,
      ),
    );
    // `--quick` (for trying a change): no naive baseline and no changes, the state passes only with nothing changed.
    const changes = values.quick ? 0 : changed;
    if (!values.quick) {
      const index = await child.call<[string, string, number][]>({ op: "index" });
      results.push(await pass("naive, GET per issue", new PerIssuePort(octokitFor(seeded.url, "ghs_naive"), index)));
    }
    const mutated = changes ? await child.call<number>({ op: "mutate", count: changes }) : 0;
    if (changes) {
      results.push(
        await pass(
          `sweep, ${mutated} alerts changed`,
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
        ),
      );
      // The same as the first pass, once more: shows how much the figures drift within one run.
      results.push(
        await pass("sweep, nothing changed (again)", new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY })),
      );
    }
    // What people did while no server listened, caught up (also with `--quick`): commands (one comment
    // list per repository, then per command the issue read again and its writes), then closes.
    if (changed) {
      const commented = await child.call<number>({ op: "comment", count: changed });
      results.push(
        await pass(
          `sweep, ${commented} commands caught up`,
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
        ),
      );
      const closed = await child.call<number>({ op: "close", count: changed });
      results.push(
        await pass(
          `sweep, ${closed} closes caught up`,
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
        ),
      );
    }

    // The same sweeps with the Action's `sweep-state` file (in a temporary directory): load,
    // sweep, save, all measured. Five virtual minutes pass between them (GitHub's clock and ours), so
    // that "since the last sweep" means something; no SLA deadline falls in that time.
    const dir = await mkdtemp(join(tmpdir(), "nhi-bench-state-"));
    const store = fileStateStore(join(dir, "sweep-state.jsonl"));
    const id = scopeId({ kind: "organization", org: "acme" }, WHOLE);
    const withState = async (run: Run): Promise<SweepReport> => {
      const sweepState = await loadSweepState(store, id, run.deps.clock.now(), run.deps.log);
      const github = new OctokitPort(octokitFor(seeded.url, "ghs_state"), { self: SANDBOX_APP_IDENTITY, sweepState });
      const report = await sweep(new Run({ github, clock: run.deps.clock, log: run.deps.log }, { dryRun: false, maxOperations: null }), {
        kind: "organization",
        org: "acme",
      });
      await saveSweepState(store, github, id, run.deps.log);
      return report;
    };
    const later = async () => {
      await child.call<string>({ op: "advance", ms: 5 * 60_000 });
      clock.advance(5 * 60_000);
    };
    try {
      await later();
      results.push(
        await pass(
          "from state: first sweep (reads everything, keeps the state)",
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
          withState,
        ),
      );
      await later();
      const stateProfiler = values.profile ? await startProfile() : null;
      results.push(
        await pass(
          "from state: nothing changed",
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
          withState,
        ),
      );
      if (stateProfiler && values.profile) await stateProfiler.stop(values.profile.replace(/(\.cpuprofile)?$/, ".state.cpuprofile"));
      if (changed) {
        await later();
        const closed = await child.call<number>({ op: "close", count: changed });
        results.push(
          await pass(
            `from state: ${closed} closes caught up`,
            new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
            withState,
          ),
        );
      }
      if (changes) {
        await later();
        const again = await child.call<number>({ op: "mutate", count: changes });
        results.push(
          await pass(
            `from state: ${again} alerts changed`,
            new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
            withState,
          ),
        );
      }
      await later();
      results.push(
        await pass(
          "from state: nothing changed (again)",
          new OctokitPort(octokitFor(seeded.url, "ghs_bench"), { self: SANDBOX_APP_IDENTITY }),
          withState,
        ),
      );
      const size = (await stat(join(dir, "sweep-state.jsonl"))).size;
      console.log(`The sweep state file: ${f(size / 2 ** 20, 2)} MB.\n`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }

    console.log(
      "| pass | alerts | clocks | changes made (updated / opened / failed) | writes | counted requests | 304s | requests per 100 issues | CPU s | CPU ms per 100 issues | wall s | GitHub s | RSS start → peak MB | heap start → peak MB |",
    );
    console.log("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (const r of results) {
      const counted = r.requests.filter((q) => q[3]).length;
      const notModified = r.requests.filter((q) => q[2] === 304).length;
      console.log(
        `| ${r.name} | ${r.report.alerts} | ${r.report.clocks} | ${r.report.updated} / ${r.report.opened} / ${r.report.failed} | ${r.report.writes} | ${counted} | ${notModified} | ${f((counted / issues) * 100)} | ` +
          `${f(r.cpuMs / 1000, 2)} | ${f((r.cpuMs / issues) * 100)} | ${f(r.wallMs / 1000, 2)} | ${f(r.githubMs / 1000, 2)} | ${mb(r.startRss)} → ${mb(r.peakRss)} | ${mb(r.startHeap)} → ${mb(r.peakHeap)} |`,
      );
    }
    for (const r of results) if (r.errors.length) console.log(`\n${r.name}: ${r.errors.length} error(s) logged, first: ${r.errors[0]}`);

    const routes = new Map<string, number[]>();
    results.forEach((r, i) => {
      for (const [method, path, , counted] of r.requests) {
        if (!counted) continue;
        const k = route(method, path);
        const row = routes.get(k) ?? results.map(() => 0);
        row[i]!++;
        routes.set(k, row);
      }
    });
    console.log("\nCounted requests by route:\n");
    console.log(`| route | ${results.map((r) => r.name).join(" | ")} |`);
    console.log(`|---|${results.map(() => "---:").join("|")}|`);
    for (const [k, row] of [...routes].sort((a, b) => b[1][0]! - a[1][0]! || b[1].reduce((x, y) => x + y) - a[1].reduce((x, y) => x + y)))
      console.log(`| \`${k}\` | ${row.join(" | ")} |`);

    const steady = results[0]!;
    const floor = results.find((r) => r.name.startsWith("floor"))!;
    const naive = results.find((r) => r.name.startsWith("naive"));
    const lists = steady.requests.filter(
      (q) => q[3] && route(q[0], q[1]) === "GET /repos/{owner}/{repo}/issues" && q[4] !== "closed",
    ).length;
    const closedLists = steady.requests.filter(
      (q) => q[3] && route(q[0], q[1]) === "GET /repos/{owner}/{repo}/issues" && q[4] === "closed",
    ).length;
    const perRepo = Math.ceil(issues / repos);
    const listTarget = repos * Math.ceil(perRepo / 100);
    const countedOf = (r: PassResult) => r.requests.filter((q) => q[3]).length;
    console.log(
      `\nTarget: one list call per 100 issues plus one request per change. Response-issue list calls: ${lists} (⌈${perRepo}/100⌉ × ${repos} repositories = ${listTarget}), ` +
        `and ${closedLists} of issues closed lately (the catch-up of closings without a sweep state: one per repository). ` +
        `All counted requests of a sweep with nothing to change: ${countedOf(steady)} (${f(countedOf(steady) / issues, 2)} per issue).`,
    );
    if (changes) {
      const last = results.find((r) => r.name.startsWith("sweep,") && r.name.endsWith("alerts changed"))!;
      const extra = countedOf(last) - countedOf(steady);
      console.log(
        `With ${mutated} alerts changed: ${extra} more counted requests (${f(extra / Math.max(1, mutated), 2)} per change; ${last.report.writes} writes).`,
      );
    }
    if (naive) {
      console.log(
        `\nnaive ÷ sweep: counted requests ${f(countedOf(naive) / countedOf(steady), 2)}×, CPU ${f(naive.cpuMs / steady.cpuMs, 2)}×, wall ${f(naive.wallMs / steady.wallMs, 2)}×, ` +
          `peak heap ${f(naive.peakHeap / steady.peakHeap, 2)}×.`,
      );
    }
    console.log(
      `sweep − floor (nhi-steward's own work on top of reading the lists): CPU ${f((steady.cpuMs - floor.cpuMs) / 1000, 2)} s of ${f(steady.cpuMs / 1000, 2)} s ` +
        `(${f(((steady.cpuMs - floor.cpuMs) / issues) * 100)} ms per 100 issues); sweep ÷ floor: CPU ${f(steady.cpuMs / floor.cpuMs, 2)}×.`,
    );
    // The catch-up's cost: lists per repository, and requests per command or close applied, over the
    // same sweep with nothing to catch up (the full sweep, or the sweep from state).
    const listsOf = (r: PassResult, closed: boolean) =>
      r.requests.filter(
        (q) =>
          q[3] &&
          (closed
            ? route(q[0], q[1]) === "GET /repos/{owner}/{repo}/issues" && q[4] === "closed"
            : route(q[0], q[1]) === "GET /repos/{owner}/{repo}/issues/comments"),
      ).length;
    const warm = results.find((r) => r.name === "from state: nothing changed");
    for (const r of results.filter((x) => / (commands|closes) caught up$/.test(x.name))) {
      const base = r.name.startsWith("from state") ? warm! : steady;
      const applied = Number(/(\d+) (commands|closes) caught up$/.exec(r.name)![1]);
      const extra = countedOf(r) - countedOf(base);
      console.log(
        `${r.name}: ${listsOf(r, false)} comment list(s) and ${listsOf(r, true)} closed-issue list(s) (nothing to catch up: ${listsOf(base, false)} and ${listsOf(base, true)}); ` +
          `${extra} more counted requests than "${base.name}" (${f(extra / Math.max(1, applied), 2)} per ${/commands/.test(r.name) ? "command" : "close"}; ${r.report.writes} writes).`,
      );
    }
    if (warm) {
      console.log(
        `from state, nothing changed ÷ sweep, nothing changed: counted requests ${f(countedOf(warm) / countedOf(steady), 2)}×, CPU ${f(warm.cpuMs / steady.cpuMs, 2)}×, ` +
          `wall ${f(warm.wallMs / steady.wallMs, 2)}×, peak heap ${f(warm.peakHeap / steady.peakHeap, 2)}×.`,
      );
    }
  } finally {
    child.stop();
  }
}

if (import.meta.main) {
  if (process.argv.includes("--sandbox")) await sandboxProcess();
  else await main();
}
