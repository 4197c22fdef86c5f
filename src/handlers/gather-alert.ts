import { InputError } from "../core/alert/input-error.ts";
import { alertNumberOf, mergeLocations, normalizeLocation, normalizeSecretScanningAlert } from "../core/alert/secret-scanning.ts";
import { alertContext, type Alert, type AlertLocation, type RepoRef, type Visibility } from "../core/alert/types.ts";
import type { Run } from "./run.ts";

/**
 * Builds the Alert from a raw alert object (webhook or REST) plus its locations. When the raw
 * object is malformed but names its number, the alert is read again from the REST API, so bad
 * input never loses an alert.
 */
export async function gatherAlert(run: Run, raw: unknown, repo: RepoRef, visibility: Visibility | null, extraLocations: unknown[] = []): Promise<Alert> {
  return withLocations(run, await readAlert(run, raw, repo, visibility), extraLocations);
}

/** The Alert from a raw alert object, with only the locations it names itself (REST: the first). */
export async function readAlert(run: Run, raw: unknown, repo: RepoRef, visibility: Visibility | null): Promise<Alert> {
  try {
    return normalizeSecretScanningAlert(raw, repo, visibility);
  } catch (e) {
    const number = alertNumberOf(raw);
    if (!(e instanceof InputError) || number === null) throw e;
    run.deps.log.warn(`${repo.owner}/${repo.name} alert#${number}: ${e.message} Reading it from the REST API instead.`);
    return normalizeSecretScanningAlert(await run.deps.github.getSecretScanningAlert(repo, number), repo, visibility);
  }
}

/** The alert with every location GitHub lists for it (one paginated read) and those an event names. */
export async function withLocations(run: Run, alert: Alert, extraLocations: unknown[] = []): Promise<Alert> {
  const fromEvent = extraLocations.map(normalizeLocation).filter((l): l is AlertLocation => l !== null);
  let listed: AlertLocation[] = [];
  try {
    listed = (await run.deps.github.listSecretScanningAlertLocations(alert.repo, alert.number)).map(normalizeLocation).filter((l): l is AlertLocation => l !== null);
  } catch (e) {
    run.deps.log.warn(`${alertContext(alert)}: could not list the alert's locations (${(e as Error).message}); routing with what the event says.`);
  }
  return { ...alert, locations: mergeLocations(listed, fromEvent, alert.locations) };
}
