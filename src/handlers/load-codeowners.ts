import type { RepoRef } from "../core/alert/types.ts";
import { CODEOWNERS_LOCATIONS, CODEOWNERS_MAX_BYTES, parseCodeowners, type Codeowners } from "../core/codeowners/index.ts";
import type { Run } from "./run.ts";

/** The repository's CODEOWNERS (first of `.github/`, root, `docs/`), parsed once per run. */
export function loadCodeowners(run: Run, repo: RepoRef): Promise<{ codeowners: Codeowners | null; problem?: string }> {
  return run.cached(run.codeowners, `${repo.owner}/${repo.name}`, async () => {
    const { github, log } = run.deps;
    for (const path of CODEOWNERS_LOCATIONS) {
      let file;
      try {
        file = await github.readFile(repo, path);
      } catch (e) {
        // Not "no owner": a passing error must not send the alert to the fallback owner for good.
        log.warn(
          `${repo.owner}/${repo.name}: ${path} could not be read (${(e as Error).message}); the alert is retried rather than routed without CODEOWNERS.`,
        );
        run.codeowners.delete(`${repo.owner}/${repo.name}`);
        throw e;
      }
      if (!file) continue;
      if (file.size >= CODEOWNERS_MAX_BYTES) {
        const problem = `${path} is ${(file.size / 1024 / 1024).toFixed(1)} MB; GitHub ignores CODEOWNERS files of 3 MB or more, and so does nhi-steward. Split or shorten it.`;
        log.warn(`${repo.owner}/${repo.name}: ${problem}`);
        return { codeowners: null, problem };
      }
      const cacheKey = `${path}@${file.sha}`;
      const codeowners = run.deps.parsedCodeowners?.get(cacheKey) ?? parseCodeowners(file.text, { path });
      run.deps.parsedCodeowners?.set(cacheKey, codeowners);
      if (codeowners.errors.length)
        log.warn(
          `${repo.owner}/${repo.name}: ${path} has ${codeowners.errors.length} invalid line(s), skipped; first: line ${codeowners.errors[0]!.line}: ${codeowners.errors[0]!.message}`,
        );
      return { codeowners };
    }
    return { codeowners: null, problem: "The repository has no CODEOWNERS file (looked in .github/, the root and docs/)." };
  });
}
