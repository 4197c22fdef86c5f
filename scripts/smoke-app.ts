/**
 * Smoke test of the app as the container runs it: the App bundle (scripts/build-app.mjs), alone in a
 * folder of its own (no node_modules, no package.json, as in the image), run by `node` with the flags
 * and environment of src/app/runtime.ts plus what an operator gives it (APP_ID, PRIVATE_KEY,
 * WEBHOOK_SECRET, GHE_HOST…), against the sandbox GitHub on loopback. Checks /healthz, /readyz and
 * /metrics, sends one signed delivery, and stops the app with SIGTERM (it must exit 0).
 *
 *   node scripts/smoke-app.ts                       # builds the bundle first (esbuild, < 1 s); without Redis
 *   REDIS_URL=redis://127.0.0.1:6390 node scripts/smoke-app.ts
 *   node scripts/smoke-app.ts --bundle FILE         # an App bundle already built, e.g. copied out of the image
 *
 * `buildProductionApp` and `startProductionApp` are also what test/app/production-server.test.ts runs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { signPayload } from "../src/app/local-server.ts";
import { ENV, productionCommand } from "../src/app/runtime.ts";
import { systemClock } from "../src/system-clock.ts";
import { startSandbox } from "../src/sandbox/index.ts";
import { buildApp } from "./build-app.mjs";

/** Where production's entry point comes from (what the bundle is built from). */
export const SERVER_ENTRY = "src/app/server.ts";

/**
 * Builds the App bundle into a new temporary folder, where it is the only file (as in the image's
 * runtime stage). Returns its path and a function that removes the folder.
 */
export async function buildProductionApp(): Promise<{ bundle: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "nhi-steward-app-"));
  const bundle = await buildApp(dir);
  return { bundle, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

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
 * Starts the App bundle `bundle` ({@link buildProductionApp}) as the image does, `node <NODE_FLAGS> server.mjs`
 * in the bundle's folder with runtime.ts's ENV, on a port the OS picks (PORT=0, read back from its log), with
 * GitHub at `githubUrl` (`http://host:port`, given as GHE_HOST with GHE_PROTOCOL=http, so Probot
 * talks to `…/api/v3`). Only the variables given here reach it (not this process's REDIS_URL).
 */
export async function startProductionApp(options: {
  bundle: string;
  githubUrl: string;
  redisUrl?: string;
  env?: Record<string, string>;
  privateKey?: string;
  startTimeoutMs?: number;
}): Promise<ProductionApp> {
  const github = new URL(options.githubUrl);
  const secret = `smoke-${randomUUID()}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...ENV,
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
  const child = spawn(process.execPath, productionCommand(basename(options.bundle)), {
    cwd: dirname(options.bundle),
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
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
        if (hasExited) done(() => reject(new Error(`the App (${options.bundle}) exited before printing ${pattern}. Its output:\n${text}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(new Error(`the App (${options.bundle}) did not print ${pattern} within ${timeoutMs} ms. Its output:\n${text}`)),
          ),
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
  const { values } = parseArgs({ args: argv, options: { bundle: { type: "string" } } });
  const built = values.bundle ? undefined : await buildProductionApp();
  const bundle = values.bundle ?? built!.bundle;
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
  const app = await startProductionApp({ bundle, githubUrl: sandbox.url, redisUrl: process.env.REDIS_URL?.trim() || undefined });
  const failures: string[] = [];
  const expect = (ok: boolean, what: string): void => {
    console.error(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    console.error(
      `smoke: node ${productionCommand(bundle).join(" ")} (${Object.entries(ENV)
        .map(([k, v]) => `${k}=${v}`)
        .join(
          " ",
        )}) listening at ${app.url}, GitHub sandbox at ${sandbox.url}${process.env.REDIS_URL ? `, Redis at ${process.env.REDIS_URL}` : ""}`,
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
    built?.remove();
  }
  if (failures.length) {
    console.error(`smoke: ${failures.length} failed. The app's output:\n${app.output()}`);
    process.exit(1);
  }
  console.error("smoke: all passed");
}

if (import.meta.main) await smoke(process.argv.slice(2));
