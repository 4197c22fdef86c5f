import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { signPayload } from "../../src/app/local-server.ts";
import type { PeakBreakdown } from "./memory-sampler.mjs";

const PROBE = new URL("./probe.mjs", import.meta.url);

/** What probe.mjs answers at the end of a pass. */
export interface ProbeEnd {
  cpuMs: number;
  peakRss: number;
  peakHeap: number;
  atPeak: PeakBreakdown | null;
  retainedHeap: number;
  /** Each request to GitHub: start and end, ms on the machine's monotonic clock (`process.hrtime`). */
  starts: number[];
  ends: number[];
  /** GC pauses in the App (perf_hooks' `gc` entries), on the same clock; `major`: a mark-compact. */
  gc?: { starts: number[]; ends: number[]; major: boolean[] };
}

export interface AppProcess {
  /** The command line, for the report. */
  command: string;
  /** A full GC in the App, then its figures (CPU, peaks, GitHub requests) start from now. */
  mark(): Promise<{ rss: number; heapUsed: number }>;
  /** POSTs a delivery signed as GitHub does; resolves with the status once the answer is read. */
  deliver(name: string, payload: object, id: string): Promise<number>;
  end(): Promise<ProbeEnd>;
  /** Warnings and errors the App logged. */
  logged(): { warn: number; error: number; firstError: string | null };
  stop(): Promise<void>;
}

/**
 * Starts the App's server (`entry`: the production bundle or src/app/server.ts) as a process of its own,
 * `node <flags> --import probe.mjs <entry>`, configured only through its environment as in the container:
 * GitHub at `githubUrl` (GHE_HOST, GHE_PROTOCOL), PORT=0 (read back from its log), no interval sweep.
 */
export async function startAppProcess(options: {
  githubUrl: string;
  privateKey: string;
  entry: string;
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
  /** Settings of probe.mjs (not shown in the command). */
  probeEnv?: Record<string, string>;
}): Promise<AppProcess> {
  const github = new URL(options.githubUrl);
  const secret = `bench-${randomUUID()}`;
  const cwd = dirname(options.entry);
  const args = [...options.flags, "--import", PROBE.href, options.entry];
  const child = spawn(process.execPath, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? "",
      ...options.env,
      APP_ID: "1",
      PRIVATE_KEY: options.privateKey,
      WEBHOOK_SECRET: secret,
      GHE_HOST: github.host,
      GHE_PROTOCOL: github.protocol.replace(/:$/, ""),
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NHI_SWEEP_INTERVAL_MINUTES: "0",
      NHI_BENCH_GITHUB: github.origin,
      ...options.probeEnv,
    },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const logged = { warn: 0, error: 0, firstError: null as string | null };
  let head = "";
  let partial = "";
  // NHI_BENCH_APP_OUTPUT=FILE: everything the App writes also goes to FILE (e.g. with `--flags "… --trace-gc"`).
  const copy = process.env.NHI_BENCH_APP_OUTPUT;
  const onData = (chunk: Buffer): void => {
    if (copy) appendFileSync(copy, chunk);
    const text = partial + chunk.toString("utf8");
    const lines = text.split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      if (head.length < 20_000) head += line + "\n";
      if (/^nhi-steward warning:|^WARN\b|"level":40/.test(line)) logged.warn++;
      if (/^nhi-steward error:|^ERROR\b|"level":50/.test(line)) {
        logged.error++;
        logged.firstError ??= line;
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the App did not start within 60 s:\n${head}${partial}`)), 60_000);
    const check = (): void => {
      const m = /listening on :(\d+)/.exec(head + partial);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", check);
        child.stderr!.off("data", check);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    void exited.then(() => reject(new Error(`the App exited before listening:\n${head}${partial}`)));
  });
  const webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;

  const ask = <T>(probe: "mark" | "end"): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const on = (m: { probe?: string }): void => {
        if (m?.probe !== probe) return;
        child.off("message", on);
        resolve(m as T);
      };
      child.on("message", on);
      void exited.then(() => reject(new Error(`the App exited before answering ${probe}:\n${head}${partial}`)));
      child.send({ probe });
    });

  /** Paths in the command: relative to the current folder when inside it. */
  const display = (a: string): string => {
    const path = a.startsWith("file:") ? fileURLToPath(a) : a;
    if (!path.startsWith("/")) return a;
    const rel = relative(process.cwd(), path);
    return rel.startsWith("..") ? path : rel;
  };
  return {
    command: `${Object.entries(options.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} node ${args.map(display).join(" ")}`,
    mark: () => ask("mark"),
    end: () => ask("end"),
    async deliver(name, payload, id) {
      const body = JSON.stringify(payload);
      const res = await fetch(webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": name,
          "x-github-delivery": id,
          "x-hub-signature-256": signPayload(secret, body),
          "user-agent": "GitHub-Hookshot/nhi-steward-bench",
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
    logged: () => logged,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
