/**
 * Smoke test of the app as the container runs it: `node src/app/server.ts` as a child process, with
 * the environment an operator gives it (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, GHE_HOST…), against the
 * sandbox GitHub on loopback. Checks /healthz, /readyz and /metrics, sends one signed delivery, and
 * stops the app with SIGTERM (it must exit 0).
 *
 *   node scripts/smoke-app.ts                       # without Redis
 *   REDIS_URL=redis://127.0.0.1:6390 node scripts/smoke-app.ts
 *   node scripts/smoke-app.ts --dir DIR             # the app in DIR, e.g. a copy of package*.json and src/
 *                                                   # installed with `npm ci --omit=dev`, as the Dockerfile does
 *
 * `startProductionApp` is also what test/app/production-server.test.ts starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { signPayload } from "../src/app/local-server.ts";
import { systemClock } from "../src/system-clock.ts";
import { startSandbox } from "../src/sandbox/index.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SERVER_ENTRY = "src/app/server.ts";

export interface ProductionApp {
  /** http://127.0.0.1:PORT */
  url: string;
  child: ChildProcess;
  secret: string;
  /** Everything the process wrote (stdout and stderr) so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (already written or still to come); rejects after `timeoutMs` or when the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** POSTs a delivery signed with the webhook secret, as GitHub does; resolves with the response. */
  deliver(name: string, payload: object, options?: { id?: string }): Promise<Response>;
  /** Kills the process if it still runs. */
  stop(): Promise<void>;
}

/** A throwaway app key (PKCS#1 PEM, as GitHub hands them out). */
export function testPrivateKey(): string {
  return generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
}

/**
 * Starts `node src/app/server.ts` on a port the OS picks (PORT=0, read back from its log), with
 * GitHub at `githubUrl` (`http://host:port`, given as GHE_HOST with GHE_PROTOCOL=http, so Probot
 * talks to `…/api/v3`). Only the variables given here reach it (not this process's REDIS_URL).
 */
export async function startProductionApp(options: {
  githubUrl: string;
  redisUrl?: string;
  env?: Record<string, string>;
  privateKey?: string;
  startTimeoutMs?: number;
  /** Where to run it from (default: this checkout), e.g. a copy installed with `npm ci --omit=dev`, as in the container. */
  dir?: string;
}): Promise<ProductionApp> {
  const github = new URL(options.githubUrl);
  const secret = `smoke-${randomUUID()}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    APP_ID: "1",
    PRIVATE_KEY: options.privateKey ?? testPrivateKey(),
    WEBHOOK_SECRET: secret,
    GHE_HOST: github.host,
    GHE_PROTOCOL: github.protocol.replace(/:$/, ""),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: options.dir ?? ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    text += chunk.toString("utf8");
    for (const l of [...listeners]) l();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const l of [...listeners]) l();
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = pattern.exec(text);
        if (m) return done(() => resolve(m));
        if (hasExited) done(() => reject(new Error(`${SERVER_ENTRY} exited before printing ${pattern}. Its output:\n${text}`)));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`${SERVER_ENTRY} did not print ${pattern} within ${timeoutMs} ms. Its output:\n${text}`))),
        timeoutMs,
      );
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  const port = Number((await waitForOutput(/listening on :(\d+)/, options.startTimeoutMs ?? 30_000))[1]);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    child,
    secret,
    output: () => text,
    waitForOutput,
    exited,
    deliver(name, payload, deliverOptions = {}) {
      const body = JSON.stringify(payload);
      return fetch(`${url}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": name,
          "x-github-delivery": deliverOptions.id ?? randomUUID(),
          "x-hub-signature-256": signPayload(secret, body),
          "user-agent": "GitHub-Hookshot/nhi-steward-smoke",
        },
        body,
      });
    },
    async stop() {
      if (!hasExited) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/** The smoke test: exits non-zero, saying what failed, when the app does not behave. */
async function smoke(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { dir: { type: "string" } } });
  const sandbox = await startSandbox({ clock: systemClock });
  const s = sandbox.state;
  s.addOrg("acme");
  s.addUser("alice");
  s.addInstallation({ id: 1, account: "acme", repositories: "all" });
  s.addRepo({ owner: "acme", name: "api", visibility: "private", files: { ".github/CODEOWNERS": "* @alice\n" }, assignable: ["alice"] });
  const alert = s.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: "ghp_" + "SMOKEtestNotARealToken".padEnd(36, "0"),
    locations: [{ path: "deploy.sh", startLine: 1 }],
  });
  const app = await startProductionApp({
    githubUrl: sandbox.url,
    redisUrl: process.env.REDIS_URL?.trim() || undefined,
    ...(values.dir ? { dir: values.dir } : {}),
  });
  const failures: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    console.error(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    console.error(
      `smoke: ${values.dir ? `${values.dir}/` : ""}${SERVER_ENTRY} listening at ${app.url}, GitHub sandbox at ${sandbox.url}${process.env.REDIS_URL ? `, Redis at ${process.env.REDIS_URL}` : ""}`,
    );
    expect((await fetch(`${app.url}/healthz`)).status === 200, "GET /healthz answers 200");
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status === 200, `GET /readyz answers 200 (${ready.status}: ${(await ready.text()).trim()})`);
    const d = sandbox.webhook("secret_scanning_alert", "created", {
      owner: "acme",
      repo: "api",
      alertNumber: alert.number,
      installationId: 1,
    });
    const delivered = await app.deliver(d.name, d.payload, { id: d.id });
    expect(delivered.status === 200, `a signed delivery is accepted (${delivered.status})`);
    expect(s.listIssues("acme", "api").length === 1, "the delivery opened one issue in the sandbox");
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(/nhi_steward_deliveries_total\{event="secret_scanning_alert",outcome="ok"\} 1/.test(metrics), "/metrics counts the delivery");
    expect(/nhi_steward_github_requests_total\{method="POST",status="201"\}/.test(metrics), "/metrics counts GitHub requests by status");
    app.child.kill("SIGTERM");
    const { code } = await app.exited;
    expect(code === 0, `SIGTERM: exits 0 (${code})`);
  } finally {
    await app.stop();
    await sandbox.close();
  }
  if (failures.length) {
    console.error(`smoke: ${failures.length} failed. The app's output:\n${app.output()}`);
    process.exit(1);
  }
  console.error("smoke: all passed");
}

if (import.meta.main) await smoke(process.argv.slice(2));
