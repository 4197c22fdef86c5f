import { createOctokit } from "../github/octokit.ts";
import { OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { parseRepo, type AlertScope } from "../github/port.ts";
import type { Logger } from "../log.ts";
import type { CliIo } from "./io.ts";
import { resolveIdentity } from "../github/identity.ts";
import { describeError } from "../github/explain-error.ts";
import type { Identity } from "../core/issue/provenance.ts";

/** The options every command that talks to GitHub shares. */
export const GITHUB_OPTIONS = {
  repo: { type: "string" },
  org: { type: "string" },
  "api-url": { type: "string" },
  "app-slug": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface GitHubContext {
  scope: AlertScope;
  github: OctokitPort;
  /** Who the token writes as. */
  self: Identity;
  /** The client behind `github`, for a port built with more options (a sweep's state). */
  octokit: OctokitLike;
  apiUrl: string;
  log: Logger;
}

/**
 * Resolves `--repo`/`--org`, GITHUB_TOKEN and the API URL into a connected port; on a problem,
 * prints what to fix and returns the exit code instead.
 */
export async function connect(
  values: { repo?: string | undefined; org?: string | undefined; "api-url"?: string | undefined; "app-slug"?: string | undefined },
  io: CliIo,
  command: string,
  usage: string,
): Promise<GitHubContext | number> {
  if (!values.repo === !values.org) {
    io.stderr(`${command} needs exactly one of --repo or --org.\n\n${usage}`);
    return 2;
  }
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr("Set GITHUB_TOKEN to a token that can read secret scanning alerts and issues (and write issues, for sweep).");
    return 2;
  }
  if (/\s/.test(token.trim())) {
    // Not quoted: a token is never echoed.
    io.stderr("GITHUB_TOKEN contains a line break or a space (not shown here): set it to the token alone.");
    return 2;
  }
  let scope: AlertScope;
  try {
    scope = values.org ? { kind: "organization", org: values.org } : { kind: "repository", repo: parseRepo(values.repo!) };
  } catch (e) {
    io.stderr((e as Error).message);
    return 2;
  }
  const log: Logger = {
    debug: () => {},
    info: (m) => io.stderr(m),
    warn: (m) => io.stderr(`warning: ${m}`),
    error: (m) => io.stderr(`error: ${m}`),
  };
  const apiUrl = values["api-url"] ?? io.env.GITHUB_API_URL ?? "https://api.github.com";
  const octokit = createOctokit({ token: token.trim(), log, baseUrl: apiUrl });
  let self: Identity;
  try {
    // nhi-steward acts only on issues its own identity wrote: know it before reading any.
    self = await resolveIdentity(octokit, values["app-slug"] ?? io.env.NHI_APP_SLUG);
  } catch (e) {
    io.stderr(describeError(e, "cli"));
    return 2;
  }
  return { scope, octokit, self, github: new OctokitPort(octokit, { self, log }), apiUrl, log };
}
