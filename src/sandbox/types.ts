/** Public types of the sandbox: options, the request log, validation errors, faults and inspection records. */
import type { Clock } from "../core/clock.ts";
import type { Logger } from "../log.ts";

export interface SandboxOptions {
  /** Time source for every timestamp the sandbox writes. Default: a VirtualClock at 2026-01-05T09:00:00Z. */
  clock?: Clock;
  /** Check every request against GitHub's REST description (default true). Turn off for benchmarks. */
  validate?: boolean;
  /** Also check every JSON response the sandbox sends against the spec's response schema, into `validationErrors` (default: as `validate`). */
  validateResponses?: boolean;
  logger?: Logger;
  /** Port to listen on (default 0 = ephemeral). Always binds 127.0.0.1. */
  port?: number;
  /** Primary rate limit per token (default 5000; anonymous requests get 60). `enforce: false` only reports it. */
  rateLimit?: { limit?: number; enforce?: boolean };
  /**
   * GitHub's secondary limit on content creation (issues, comments): over it, a 403 "secondary
   * rate limit" with `retry-after`. Off unless given; GitHub's documented figures are about 80 a
   * minute and 500 an hour.
   */
  contentLimit?: { perMinute: number; perHour: number };
  /** Base of the `html_url`s (default "https://github.com"). API `url`s always point at the sandbox. */
  htmlUrl?: string;
}

export interface RequestLogEntry {
  method: string;
  /** Path without query and without an `/api/v3` prefix, percent-decoded (`…/contents/.github/CODEOWNERS`). */
  path: string;
  query: Record<string, string>;
  /** HTTP status sent; 0 when a fault reset the socket or left the request hanging. */
  status: number;
  /** The credential from the Authorization header (`token x` / `Bearer x` → "x"); null when absent. */
  token: string | null;
  /** ISO timestamp from the sandbox clock. */
  at: string;
  /** Parsed JSON body (or the raw text when it was not JSON); null when empty. */
  body: unknown;
  /** Whether the request counted against the token's rate limit (304s and GET /rate_limit do not). */
  counted: boolean;
  /** Whether an injected fault answered (or dropped) this request. */
  fault: boolean;
}

export type ValidationErrorKind =
  | "unknown-route" // no path template of GitHub's REST description matches
  | "method" // the path exists, but not with this method
  | "unimplemented" // GitHub has the operation, the sandbox does not serve it
  | "path" // a path parameter is malformed (e.g. a non-integer issue_number)
  | "query" // missing/unknown/invalid query parameter
  | "body" // request body missing, not JSON, or not matching the operation's schema
  | "response" // (validateResponses) the sandbox answered outside the spec: a sandbox bug
  | "webhook"; // a webhook payload the sandbox built does not match GitHub's webhook schema: a sandbox bug

export interface ValidationErrorEntry {
  method: string;
  path: string;
  /** The matched operation, e.g. "POST /repos/{owner}/{repo}/issues"; null for an unknown route. */
  route: string | null;
  kind: ValidationErrorKind;
  reason: string;
}

export interface Fault {
  method?: string;
  /** Matched against the request path without query string and without an `/api/v3` prefix, percent-decoded (the raw path is tried too): a string must be equal, a RegExp must match. */
  path: string | RegExp;
  /** How many matching requests this fault applies to before it expires. */
  times: number;
  /** Answer with this status instead of running the route. Without it, the route runs and `headers`/`body` are laid over its answer. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long (real time) before answering (or before resetting). */
  delayMs?: number;
  /** Answer (or reset) only once this settles: a test holds a request in flight for as long as it needs, whatever the machine's load. */
  until?: Promise<unknown>;
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Never answer (the socket is destroyed by `close()`). */
  hang?: boolean;
}

export interface SandboxComment {
  id: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface SandboxIssue {
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  user: string;
  comments: SandboxComment[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface SandboxLabel {
  name: string;
  color: string;
  description: string | null;
}

/**
 * Where a secret was found. `commit` (the default) and `wiki_commit` name a file (`path`, sent as
 * given: GitHub's documentation writes `/example/secrets.txt`); issue and pull request types name
 * an issue or pull request of the sandbox (`issue`, and `comment` for comments, reviews and review
 * comments), discussion types a discussion (`discussion`, and `comment`), or any of them carry
 * `url` as given (GitHub gives API URLs for issues and pull requests, the page for discussions).
 */
export interface SandboxLocationInput {
  type?:
    | "commit"
    | "wiki_commit"
    | "issue_title"
    | "issue_body"
    | "issue_comment"
    | "discussion_title"
    | "discussion_body"
    | "discussion_comment"
    | "pull_request_title"
    | "pull_request_body"
    | "pull_request_comment"
    | "pull_request_review"
    | "pull_request_review_comment";
  /** commit, wiki_commit: the file or page path. */
  path?: string;
  /** issue_* and pull_request_*: the issue's (pull request's) number in the alert's repository. */
  issue?: number;
  /**
   * issue_comment, pull_request_comment: the issue comment's id; pull_request_review: the review's id;
   * pull_request_review_comment: the review comment's id; discussion_comment: the discussion comment's id.
   */
  comment?: number;
  /** discussion_*: the discussion's number in the alert's repository. */
  discussion?: number;
  /** Any other content type: the URL GitHub would send. */
  url?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
  commitSha?: string;
  blobSha?: string;
}

export interface SandboxAlertInput {
  secretType: string;
  secretTypeDisplayName?: string;
  provider?: string;
  secret: string;
  validity?: "active" | "inactive" | "unknown";
  publiclyLeaked?: boolean;
  multiRepo?: boolean;
  pushProtectionBypassed?: boolean;
  /** Who pushed past push protection (`push_protection_bypassed_by`). */
  pushProtectionBypassedBy?: string;
  locations?: SandboxLocationInput[];
  state?: "open" | "resolved";
  resolution?: string | null;
  resolutionComment?: string | null;
}

export interface SandboxAlertPatch {
  state?: "open" | "resolved";
  resolution?: string | null;
  resolutionComment?: string | null;
  validity?: "active" | "inactive" | "unknown";
  publiclyLeaked?: boolean;
  multiRepo?: boolean;
  pushProtectionBypassed?: boolean;
  /** Login recorded as `resolved_by` when resolving (default: none). */
  resolvedBy?: string | null;
  /** The alert's assignee (`assigned_to`), as a person sets it in GitHub's UI; null: nobody. */
  assignedTo?: string | null;
}
