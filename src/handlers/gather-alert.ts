import { InputError } from "../core/alert/input-error.ts";
import { contentRefOf, derivedPageUrl, htmlBaseOf, type ContentInfo } from "../core/alert/locations.ts";
import {
  alertNumberOf,
  mergeLocations,
  missingAlertFields,
  normalizeLocation,
  normalizeSecretScanningAlert,
} from "../core/alert/secret-scanning.ts";
import { alertContext, repoName, type Alert, type AlertLocation, type RepoRef, type Visibility } from "../core/alert/types.ts";
import { classify } from "../core/policy/classify.ts";
import type { Policy } from "../core/policy/schema.ts";
import type { Run } from "./run.ts";

/**
 * Builds the Alert from a raw alert object (webhook or REST) plus its locations. When the raw
 * object is malformed but names its number, the alert is read again from the REST API, so bad
 * input never loses an alert.
 */
export async function gatherAlert(
  run: Run,
  raw: unknown,
  repo: RepoRef,
  visibility: Visibility | null,
  extraLocations: unknown[] = [],
  policy?: Policy,
): Promise<Alert> {
  return withLocations(run, await readAlert(run, raw, repo, visibility, { fill: true, ...(policy ? { policy } : {}) }), extraLocations);
}

/**
 * Whether the provider decides anything for this alert: a `providers` selector in the policy
 * (owner rules, systems), or a secret type that only its provider classifies. Webhooks never carry
 * `provider`, so without this every delivery would cost a REST read for nothing.
 */
export function providerMatters(policy: Policy, secretType: string): boolean {
  const selectors = [...policy.owners.map((r) => r.match), ...policy.systems.flatMap((s) => s.credentials)];
  if (selectors.some((s) => s.providers !== undefined)) return true;
  return classify({ secretType, provider: null }, policy).identityClass === "generic";
}

/**
 * The Alert from a raw alert object, with only the locations it names itself (REST: the first).
 * `fill`: when the object lacks a field that routing or severity reads (`validity`,
 * `publicly_leaked`, `provider`, `secret_type_display_name`: webhooks never carry `provider`,
 * older GitHub Enterprise Server ones neither validity nor public leaks), the alert is read once
 * over REST (`hide_secret=true`) and its values fill the gaps; the webhook's own values win. With
 * the `policy`, a missing provider alone is filled only where it decides something (providerMatters).
 */
export async function readAlert(
  run: Run,
  raw: unknown,
  repo: RepoRef,
  visibility: Visibility | null,
  options: { fill?: boolean; policy?: Policy } = {},
): Promise<Alert> {
  let alert: Alert;
  try {
    alert = normalizeSecretScanningAlert(raw, repo, visibility);
  } catch (e) {
    const number = alertNumberOf(raw);
    if (!(e instanceof InputError) || number === null) throw e;
    run.deps.log.warn(`${repo.owner}/${repo.name} alert#${number}: ${e.message} Reading it from the REST API instead.`);
    return normalizeSecretScanningAlert(await run.deps.github.getSecretScanningAlert(repo, number), repo, visibility);
  }
  const policy = options.policy;
  const missing = options.fill
    ? missingAlertFields(raw).filter((k) => k !== "provider" || !policy || providerMatters(policy, alert.secretType))
    : [];
  if (!missing.length) return alert;
  let rest: unknown;
  try {
    rest = await run.deps.github.getSecretScanningAlert(repo, alert.number);
  } catch (e) {
    run.deps.log.warn(
      `${alertContext(alert)}: the event lacks ${missing.join(", ")} and the alert could not be read (${(e as Error).message}); deciding with what the event says.`,
    );
    return alert;
  }
  const filled = { ...(rest as object), ...definedFields(raw) };
  run.deps.log.debug(`${alertContext(alert)}: the event lacks ${missing.join(", ")}; filled from the REST alert.`);
  try {
    return normalizeSecretScanningAlert(filled, repo, visibility, alert.locations);
  } catch {
    return alert;
  }
}

/** The fields of a raw object that hold a value (not null, not absent): the webhook's say wins over REST's. */
function definedFields(raw: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.entries((raw ?? {}) as Record<string, unknown>).filter(([, v]) => v !== null && v !== undefined));
}

/** At most this many issue, pull request or comment reads per alert to find pages and authors. */
const MAX_CONTENT_READS = 10;

/** The alert with every location GitHub lists for it (one paginated read) and those an event names. */
export async function withLocations(run: Run, alert: Alert, extraLocations: unknown[] = []): Promise<Alert> {
  const fromEvent = extraLocations.map(normalizeLocation).filter((l): l is AlertLocation => l !== null);
  let listed: AlertLocation[] = [];
  try {
    listed = (await run.deps.github.listSecretScanningAlertLocations(alert.repo, alert.number))
      .map(normalizeLocation)
      .filter((l): l is AlertLocation => l !== null);
  } catch (e) {
    run.deps.log.warn(
      `${alertContext(alert)}: could not list the alert's locations (${(e as Error).message}); routing with what the event says.`,
    );
  }
  const locations = mergeLocations(listed, fromEvent, alert.locations);
  return { ...alert, locations: await withContent(run, alert, locations) };
}

/**
 * Issue and pull request locations carry only an API URL: each is read (a fixed route, in the
 * alert's repository only) for its page and who posted it. Where it cannot be read, the page is
 * derived from the URL when the URL says enough (issues, pull requests, reviews). Discussion
 * locations carry the page: who posted it is read with one GraphQL query (no REST API exists).
 */
async function withContent(run: Run, alert: Alert, locations: AlertLocation[]): Promise<AlertLocation[]> {
  const base = htmlBaseOf(alert.htmlUrl, alert.repo);
  let reads = 0;
  const out: AlertLocation[] = [];
  for (const l of locations) {
    if ("path" in l || !l.url) {
      out.push(l);
      continue;
    }
    const ref = contentRefOf(l.url);
    // A discussion comment whose URL names no comment (`#discussioncomment-{id}`): the discussion's
    // author did not post it, so nothing is read and the location keeps its page.
    const unnamedComment = l.type === "discussion_comment" && ref?.kind !== "discussion-comment";
    if (!ref || unnamedComment || repoName(ref.repo).toLowerCase() !== repoName(alert.repo).toLowerCase()) {
      out.push(l);
      continue;
    }
    let info: ContentInfo | null = null;
    const read = run.deps.github.readLocationContent;
    const what = l.type.replace(/_/g, " ");
    if (read && reads < MAX_CONTENT_READS) {
      reads++;
      try {
        info = await read.call(run.deps.github, ref);
      } catch (e) {
        run.deps.log.warn(`${alertContext(alert)}: could not read the ${what} where the secret was found (${(e as Error).message}).`);
      }
    }
    if (info?.note) run.deps.log.info(`${alertContext(alert)}: the ${what} where the secret was found: ${info.note}.`);
    // Discussion locations are GitHub's page already (with the body's or comment's anchor): kept.
    const discussion = ref.kind === "discussion" || ref.kind === "discussion-comment";
    const pageUrl = discussion ? l.url : (info?.htmlUrl ?? (base ? derivedPageUrl(ref, base) : null));
    out.push({ ...l, pageUrl, author: info?.author ?? null });
  }
  return out;
}
