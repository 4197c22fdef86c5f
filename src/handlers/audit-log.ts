import {
  alertFromAuditEntry,
  auditAliases,
  auditEntryRisks,
  auditKey,
  auditPhrase,
  parseAuditEntry,
  type AuditEntry,
  type AuditLogState,
} from "../core/alert/audit-log.ts";
import type { RepoRef } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import type { Change } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

/**
 * The audit log API allows 1,750 queries an hour per user and IP address. One sweep reads at most
 * this many pages of 100 entries (of the four actions only); what is left waits for the next sweep,
 * which continues from the saved cursor.
 */
export const AUDIT_PAGES_PER_SWEEP = 10;
export const AUDIT_PER_PAGE = 100;
/** How long "unavailable here" (404 on a plan without the audit log API) is believed before asking again. */
export const AUDIT_REPROBE_MS = 24 * 3_600_000;
/** Each query starts this much before the newest entry read, for entries the log records late. */
const OVERLAP_MS = 5 * 60_000;
/** Caps that keep the state inside an issue body (65,536 characters) next to the inventory table. */
const MAX_SEEN = 300;
const MAX_PENDING = 50;

export interface AuditContext {
  policy: Policy;
  /** Where grant issues open (the response repository, else the organisation's `.github`). */
  home: RepoRef;
  /** The reader's state from the inventory issue; null on the first sweep. */
  state: AuditLogState | null;
  /** App slugs (lower case) the installation inventory lists now or listed before: their installations are its to raise. */
  inventoried: Set<string>;
}

function errorStatus(e: unknown): number {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : 0;
}

function rateLimited(e: unknown): boolean {
  const status = errorStatus(e);
  const headers = (e as { response?: { headers?: Record<string, string | undefined> } }).response?.headers ?? {};
  return (
    status === 429 ||
    (status === 403 &&
      (/rate limit/i.test((e as Error).message) || headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined))
  );
}

/**
 * Reads the organisation's audit log (GitHub Enterprise Cloud) since the last sweep for the four
 * actions that grant a non-human identity access, and plans an alert for each entry the policy
 * calls risky. Idempotent: an entry whose issue exists (or whose token already has a request issue,
 * or whose app the installation inventory covers) raises nothing. Bounded: at most
 * `AUDIT_PAGES_PER_SWEEP` pages; a rate limit (403/429) stops reading and the next sweep resumes
 * from the cursor. On a plan without the API (404) it says so in the log once, and asks again daily.
 */
export async function planAuditLog(run: Run, org: string, ctx: AuditContext): Promise<{ changes: Change[]; state: AuditLogState }> {
  const { github, log, clock } = run.deps;
  const { policy, home } = ctx;
  const now = clock.now();
  const state: AuditLogState = ctx.state ?? { since: now.toISOString(), seen: {}, resume: null, unavailable: null, pending: [] };
  if (state.unavailable && now.getTime() - Date.parse(state.unavailable.checkedAt) < AUDIT_REPROBE_MS) {
    log.debug(
      `${org}: the audit log is unavailable (${state.unavailable.reason}); checked ${state.unavailable.checkedAt}, next check a day later.`,
    );
    return { changes: [], state };
  }

  const changes: Change[] = [];
  const pending: AuditEntry[] = [];
  const planned = new Set<string>();
  const raise = async (e: AuditEntry): Promise<void> => {
    const risks = auditEntryRisks(e, policy);
    if (!risks.length) return;
    if (e.action === "integration_installation.create" && e.app && ctx.inventoried.has(e.app.toLowerCase())) {
      log.debug(`${org}: audit log ${e.id}: ${e.app} is in the app inventory, which raises its installation.`);
      return;
    }
    const key = auditKey(org, e);
    if (planned.has(key)) return;
    planned.add(key);
    try {
      for (const k of [key, ...auditAliases(org, e)]) {
        if (await github.findIssue(home, k, LABELS.response.name)) {
          log.debug(`${org}: audit log ${e.id} (${e.action}) already has an issue (${k}).`);
          return;
        }
      }
      log.info(`${key}: risky ${e.action} (${risks.join("; ")}).`);
      changes.push(await planAlert(run, alertFromAuditEntry(org, e, risks, home)));
    } catch (err) {
      log.error(`${key}: could not plan the audit log entry: ${(err as Error).message}; the next sweep tries again.`);
    }
    // Kept until its issue is seen, so a change deferred or failed this run is planned again.
    pending.push(e);
  };

  for (const e of state.pending) await raise(e);

  const seen: Record<string, string> = { ...state.seen };
  let since = state.since;
  let resume = state.resume;
  let unavailable = state.unavailable;
  const phrase = resume?.phrase ?? auditPhrase(new Date(Date.parse(state.since) - OVERLAP_MS).toISOString());
  let after = resume?.after ?? null;
  for (let pages = 0; ;) {
    let page;
    try {
      page = await github.readOrgAuditLog(org, { phrase, after, perPage: AUDIT_PER_PAGE });
    } catch (e) {
      const status = errorStatus(e);
      if (status === 404 || (status === 403 && !rateLimited(e))) {
        const reason =
          status === 404
            ? "GitHub answers 404: the organisation audit log API needs GitHub Enterprise Cloud"
            : `GitHub answers 403 (${(e as Error).message}): the app needs the organization permission Administration (read)`;
        if (!state.unavailable) {
          log.info(
            `${org}: the audit log source is unavailable on this ${status === 404 ? "plan" : "installation"} (${reason}); OAuth app approvals, SSO credential authorizations and token grants are not read from it. nhi-steward checks again once a day and logs only when it becomes available.`,
          );
        }
        unavailable = { reason, checkedAt: now.toISOString() };
      } else {
        if (after) resume = { phrase, after };
        log.warn(
          `${org}: reading the audit log stopped after ${pages} page(s): ${rateLimited(e) ? "its rate limit was reached" : "GitHub failed"} (${status || "no status"}: ${(e as Error).message}). The next sweep resumes from the saved cursor.`,
        );
      }
      break;
    }
    pages++;
    if (unavailable) {
      log.info(`${org}: the audit log is readable now; reading it from ${since}.`);
      unavailable = null;
    }
    for (const raw of page.entries) {
      const e = parseAuditEntry(raw);
      if (!e) {
        log.warn(
          `${org}: skipped an audit log entry that is not one of the four grant actions or has no id or time (action ${JSON.stringify((raw as { action?: unknown } | null)?.action ?? null)}).`,
        );
        continue;
      }
      if (seen[e.id]) continue;
      seen[e.id] = e.at;
      if (e.at > since) since = e.at;
      await raise(e);
    }
    if (!page.next) {
      resume = null;
      break;
    }
    after = page.next;
    resume = { phrase, after };
    if (pages >= AUDIT_PAGES_PER_SWEEP) {
      log.info(
        `${org}: read ${pages} audit log page(s), the most one sweep reads (the audit log API allows 1,750 queries an hour); the next sweep continues.`,
      );
      break;
    }
  }

  const keepFrom = new Date(Date.parse(since) - OVERLAP_MS).toISOString();
  const kept = Object.entries(seen)
    .filter(([, at]) => at >= keepFrom)
    .sort((a, b) => (a[1] < b[1] ? 1 : -1))
    .slice(0, MAX_SEEN);
  if (pending.length > MAX_PENDING)
    log.warn(
      `${org}: ${pending.length} risky audit log entries are waiting for their issues; only the newest ${MAX_PENDING} are kept for the next sweep to check (raise max-operations so each sweep can open them).`,
    );
  return { changes, state: { since, seen: Object.fromEntries(kept), resume, unavailable, pending: pending.slice(-MAX_PENDING) } };
}
