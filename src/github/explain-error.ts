/**
 * GitHub's refusals, said as what to do. The first calls a run makes (reading alerts, who the token
 * is) fail the same few ways when nhi-steward is set up wrong: the workflow's GITHUB_TOKEN instead of
 * an App installation token, a token that is wrong or expired, a permission the App was not granted,
 * a repository the token cannot see. The Action (src/action/) and the CLI (src/cli/) both say it with
 * `explainGitHubError`. Dependency-free: the Action loads it on every start.
 */

/** Where the token comes from, which decides how the fix is worded. */
export type TokenSource = "action" | "cli";

/** The parts of an Octokit `RequestError` read here. */
interface HttpErrorLike {
  status: number;
  message?: unknown;
  request?: { method?: unknown; url?: unknown };
  response?: { headers?: Record<string, unknown> };
}

function httpError(e: unknown): HttpErrorLike | null {
  if (typeof e !== "object" || e === null) return null;
  const status = (e as { status?: unknown }).status;
  return typeof status === "number" && status >= 400 && status < 600 ? (e as HttpErrorLike) : null;
}

/**
 * The permissions (as app.yml's `default_permissions` names them) a REST path needs, most specific
 * first. Only what nhi-steward calls.
 */
const PERMISSION_FOR: readonly [RegExp, string][] = [
  [/\/secret-scanning\//, "secret_scanning_alerts: read (write to resolve alerts)"],
  [/\/(issues|labels)(\/|$)/, "issues: write"],
  [/\/contents\//, "contents: read"],
  [/\/(teams|members)(\/|$)/, "members: read"],
  [/\/properties\//, "repository_custom_properties: read"],
  [/\/(installations|audit-log)(\/|$)/, "organization_administration: read"],
  [/\/personal-access-token/, "organization_personal_access_tokens: write"],
];

/** `GET /repos/acme/api/secret-scanning/alerts` (no host, no query), or null when the error names no request. */
function requestLine(err: HttpErrorLike): { method: string; path: string } | null {
  const method = typeof err.request?.method === "string" ? err.request.method : null;
  const url = typeof err.request?.url === "string" ? err.request.url : null;
  if (!method || !url) return null;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.split("?")[0]!;
  }
  // GitHub Enterprise Server serves the API under /api/v3.
  return { method, path: path.replace(/^\/api\/v3(?=\/)/, "") };
}

/** GitHub's own message, first line only, clipped (it never carries the token). */
function gitHubSaid(err: HttpErrorLike): string {
  const text =
    typeof err.message === "string"
      ? err.message
          .split("\n")[0]!
          .replace(/\s+-\s+https:\/\/docs\.github\.com\S*$/, "")
          .trim()
      : "";
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

function header(err: HttpErrorLike, name: string): string | null {
  const v = err.response?.headers?.[name];
  return typeof v === "string" && v.trim() ? v.trim() : null;
}

const NEW_TOKEN = {
  action:
    "pass a current App installation token in input `token` (actions/create-github-app-token mints one per run; installation tokens expire after an hour)",
  cli: "set GITHUB_TOKEN to a current token (an App installation token expires after an hour)",
} as const;

const APP_TOKEN = {
  action:
    "The workflow's GITHUB_TOKEN cannot read secret scanning alerts: pass an App installation token in input `token` (e.g. `token: ${{ steps.app-token.outputs.token }}` from actions/create-github-app-token)",
  cli: "GITHUB_TOKEN must be a token that can read secret scanning alerts: an App installation token, or a personal access token of an admin with the security_events scope",
} as const;

/**
 * One line saying what GitHub refused, its likely cause and the fix; null when `e` is not an HTTP
 * error from GitHub (the caller says what it has). Rate limits are not explained here (the client
 * waits and retries those).
 */
export function explainGitHubError(e: unknown, source: TokenSource): string | null {
  const err = httpError(e);
  if (!err) return null;
  const req = requestLine(err);
  const said = gitHubSaid(err);
  const what = `GitHub answered ${err.status}${said ? ` (${said})` : ""}${req ? ` to ${req.method} ${req.path}` : ""}`;
  const path = req?.path ?? "";
  if (err.status === 401) return `${what}: the token is wrong, expired or revoked; ${NEW_TOKEN[source]}.`;
  if (err.status === 403) {
    if (/rate limit/i.test(said)) return null;
    const accepted = header(err, "x-accepted-github-permissions");
    const needs = accepted ? accepted.split(/[;,]\s*/)[0]!.replace("=", ": ") : (PERMISSION_FOR.find(([re]) => re.test(path))?.[1] ?? null);
    if (/\/secret-scanning\//.test(path) && /not accessible by integration/i.test(said)) {
      return `${what}. ${APP_TOKEN[source]}; an App token needs the permission \`secret_scanning_alerts: read\` (app.yml; write to resolve alerts).`;
    }
    if (needs)
      return `${what}: the token lacks the permission \`${needs}\` (app.yml's default_permissions): grant it to the GitHub App and approve the new permissions on the installation${source === "action" ? "" : ", or use a token that has it"}.`;
    return `${what}: the token is not allowed to do this; check the GitHub App's permissions against app.yml.`;
  }
  if (err.status === 404) {
    if (/\/secret-scanning\//.test(path)) {
      return `${what}: the repository or organisation does not exist, the token cannot see it (is the GitHub App installed on it?), or secret scanning is not enabled there.`;
    }
    if (/^\/(repos|orgs)\//.test(path))
      return `${what}: it does not exist or the token cannot see it: check the name, and that the GitHub App is installed on it.`;
    return null;
  }
  return null;
}

/** The one line a run prints for an error: GitHub's refusal explained, else the error's own first line. */
export function describeError(e: unknown, source: TokenSource): string {
  const explained = explainGitHubError(e, source);
  if (explained) return explained;
  const message = e instanceof Error ? e.message : String(e);
  return message.split("\n")[0]!;
}
