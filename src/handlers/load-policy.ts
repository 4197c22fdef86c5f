import type { RepoRef } from "../core/alert/types.ts";
import { DEFAULT_POLICY, parsePolicy, type PolicyLoad } from "../core/policy/load.ts";
import { POLICY_FILE } from "../core/policy/schema.ts";
import type { Run } from "./run.ts";

/**
 * The policy for a repository: its own `.github/nhi-steward.yml`, else the one in the
 * organisation's `.github` repository, else the defaults. An invalid file never stops an alert:
 * the defaults apply and the error is logged.
 */
export function loadPolicy(run: Run, repo: RepoRef): Promise<PolicyLoad> {
  return run.cached(run.policies, `${repo.owner}/${repo.name}`, async () => {
    const { github, log } = run.deps;
    const candidates: RepoRef[] = [repo];
    if (repo.name !== ".github") candidates.push({ owner: repo.owner, name: ".github" });
    for (const where of candidates) {
      const file = await readOrNull(run, where);
      if (!file) continue;
      const loaded = parsePolicy(file, `${where.owner}/${where.name}:${POLICY_FILE}`);
      if (!loaded.ok) log.error(`${repo.owner}/${repo.name}: policy ignored, defaults apply: ${loaded.errors.join("; ")}`);
      return loaded;
    }
    return { ok: true, policy: DEFAULT_POLICY, source: null };

    async function readOrNull(_run: Run, where: RepoRef): Promise<string | null> {
      try {
        return (await github.readFile(where, POLICY_FILE))?.text ?? null;
      } catch (e) {
        log.warn(`${where.owner}/${where.name}: could not read ${POLICY_FILE} (${(e as Error).message}); trying the next place.`);
        return null;
      }
    }
  });
}
