import { alertFromInstallation, riskyIncrease, type InstalledApp } from "../core/alert/app-installation.ts";
import { LABELS } from "../core/issue/labels.ts";
import { encodeKeyMarker } from "../core/issue/marker.ts";
import type { Change } from "../core/plan.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

const STATE_RE = /<!-- nhi-steward:inventory (\{.*?\}) -->/s;

function readInventory(body: string): Record<string, InstalledApp> | null {
  const m = STATE_RE.exec(body);
  if (!m) return null;
  try {
    return (JSON.parse(m[1]!) as { apps: Record<string, InstalledApp> }).apps;
  } catch {
    return null;
  }
}

function inventoryBody(org: string, apps: InstalledApp[]): string {
  const rows = apps.map((a) => `| ${a.slug} | ${a.id} | ${a.selection} | ${Object.entries(a.permissions).map(([k, v]) => `${k}: ${v}`).join(", ")} |`);
  const state = JSON.stringify({ apps: Object.fromEntries(apps.map((a) => [String(a.id), a])) }).replace(/--/g, "-\\u002d");
  return [
    `App installations in **${org}** as nhi-steward last saw them. A new installation, or a permission increase the policy calls risky (\`app_access\`), opens a response issue.`,
    "",
    "| App | Installation | Repositories | Permissions |",
    "|---|---|---|---|",
    ...rows,
    "",
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
  const body = inventoryBody(org, apps);
  const changes: Change[] = [];
  const known = existing ? readInventory(existing.body) : null;
  if (known) {
    for (const app of apps) {
      const gained = riskyIncrease(known[String(app.id)], app, policy);
      if (gained.length) changes.push(await planAlert(run, alertFromInstallation(org, known[String(app.id)], app, gained, home)));
    }
  } else {
    log.info(`${org}: recording the baseline of ${apps.length} app installation(s); later changes are compared with it.`);
  }
  const base = { key, repo: `${home.owner}/${home.name}`, assignees: [], why: "app inventory", issue: existing?.number ?? null };
  if (!existing) changes.push({ ...base, action: "open", summary: `record the app inventory of ${org}`, labels: [LABELS.inventory], ops: [{ op: "create-issue", title: `nhi-steward app inventory: ${org}`, body, labels: [LABELS.inventory.name], assignees: [] }] });
  else if (existing.body !== body) changes.push({ ...base, action: "update", summary: `update the app inventory of ${org}`, labels: [], ops: [{ op: "update-issue", issue: existing.number, body }] });
  return changes;
}
