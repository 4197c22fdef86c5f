import { alertFromInstallation, riskyIncrease, type InstalledApp } from "../core/alert/app-installation.ts";
import { auditLogStateSchema, type AuditLogState } from "../core/alert/audit-log.ts";
import { LABELS } from "../core/issue/labels.ts";
import { cell, text } from "../core/issue/markdown.ts";
import { encodeKeyMarker } from "../core/issue/marker.ts";
import type { Change } from "../core/plan.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAuditLog } from "./audit-log.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

const STATE_RE = /<!-- nhi-steward:inventory (\{.*?\}) -->/s;

interface InventoryState {
  /** Installations by id; null before the first successful listing. */
  apps: Record<string, InstalledApp> | null;
  /** The audit log reader's cursor (Enterprise Cloud); null before its first sweep. */
  auditLog: AuditLogState | null;
}

function readInventory(body: string): InventoryState | null {
  const m = STATE_RE.exec(body);
  if (!m) return null;
  try {
    const raw = JSON.parse(m[1]!) as { apps?: Record<string, InstalledApp>; auditLog?: unknown };
    const audit = auditLogStateSchema.safeParse(raw.auditLog);
    return { apps: raw.apps ?? null, auditLog: audit.success ? audit.data : null };
  } catch {
    return null;
  }
}

function auditLine(audit: AuditLogState | null): string[] {
  if (!audit) return [];
  if (audit.unavailable)
    return [
      `Audit log (Enterprise Cloud): unavailable here (${text(audit.unavailable.reason)}); checked ${text(audit.unavailable.checkedAt)}, checked again daily.`,
      "",
    ];
  return [
    `Audit log (Enterprise Cloud): read up to ${audit.since}${audit.resume ? "; more to read, the next sweep continues" : ""}. OAuth app approvals, SSO credential authorizations, token grants and installations the policy calls risky open a response issue.`,
    "",
  ];
}

function inventoryBody(org: string, apps: InstalledApp[], audit: AuditLogState | null): string {
  const rows = apps.map(
    (a) =>
      `| ${cell(text(a.slug))} | ${a.id} | ${cell(text(a.selection))} | ${cell(
        text(
          Object.entries(a.permissions)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", "),
        ),
      )} |`,
  );
  const state = JSON.stringify({
    apps: Object.fromEntries(apps.map((a) => [String(a.id), a])),
    ...(audit ? { auditLog: audit } : {}),
  }).replace(/--/g, "-\\u002d");
  return [
    `App installations in **${org}** as nhi-steward last saw them. A new installation, or a permission increase the policy calls risky (\`app_access\`), opens a response issue.`,
    "",
    "| App | Installation | Repositories | Permissions |",
    "|---|---|---|---|",
    ...rows,
    "",
    ...auditLine(audit),
    `<!-- nhi-steward:inventory ${state} -->`,
    encodeKeyMarker(`inventory:${org}`, "inventory"),
  ].join("\n");
}

/**
 * Diffs the organisation's app installations against the inventory issue: each risky new
 * installation or permission increase becomes an `oauth-grant` alert with an owner, SLA and
 * runbook. The first run records the baseline without alerting; a re-run raises nothing new.
 */
export async function planAppAccess(run: Run, org: string): Promise<Change[]> {
  const { github, log } = run.deps;
  const { policy } = await loadPolicy(run, { owner: org, name: ".github" });
  const home = policy.response_repository ? parseRepo(policy.response_repository) : { owner: org, name: ".github" };
  let apps: InstalledApp[];
  try {
    apps = await github.listOrgInstallations(org);
  } catch (e) {
    log.warn(`${org}: could not list app installations (${(e as Error).message}); app access is not checked this run.`);
    return [];
  }
  const key = `inventory:${org}`;
  const existing = await github.findIssue(home, key, LABELS.inventory.name);
  const changes: Change[] = [];
  const state = existing ? readInventory(existing.body) : null;
  const known = state?.apps ?? null;
  if (known) {
    for (const app of apps) {
      const gained = riskyIncrease(known[String(app.id)], app, policy);
      if (gained.length)
        changes.push(
          await planAlert(run, alertFromInstallation(org, known[String(app.id)], app, gained, home, await publisherOf(run, app.slug))),
        );
    }
  } else {
    log.info(`${org}: recording the baseline of ${apps.length} app installation(s); later changes are compared with it.`);
  }
  // Enterprise Cloud's audit log: OAuth app approvals, SSO credential authorizations, token grants,
  // and installations the inventory did not see (installed and gone between two sweeps).
  const inventoried = new Set([...apps, ...Object.values(known ?? {})].map((a) => a.slug.toLowerCase()));
  const audit = await planAuditLog(run, org, { policy, home, state: state?.auditLog ?? null, inventoried });
  changes.push(...audit.changes);
  const body = inventoryBody(org, apps, audit.state);
  const base = { key, repo: `${home.owner}/${home.name}`, assignees: [], why: "app inventory", issue: existing?.number ?? null };
  if (!existing)
    changes.push({
      ...base,
      action: "open",
      summary: `record the app inventory of ${org}`,
      labels: [LABELS.inventory],
      ops: [{ op: "create-issue", title: `nhi-steward app inventory: ${org}`, body, labels: [LABELS.inventory.name], assignees: [] }],
    });
  else if (existing.body !== body)
    changes.push({
      ...base,
      action: "update",
      summary: `update the app inventory of ${org}`,
      labels: [],
      ops: [{ op: "update-issue", issue: existing.number, body }],
    });
  return changes;
}

/** The account that publishes an app (for `publishers` owner rules); null when it cannot be read. */
async function publisherOf(run: Run, slug: string): Promise<string | null> {
  try {
    return await run.deps.github.getAppOwner(slug);
  } catch (e) {
    run.deps.log.warn(`could not read the publisher of the app ${slug} (${(e as Error).message}); rules by publisher do not match it.`);
    return null;
  }
}
