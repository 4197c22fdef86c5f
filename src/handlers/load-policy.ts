import type { RepoRef } from "../core/alert/types.ts";
import { planConfigError } from "../core/issue/config-error.ts";
import { LABELS } from "../core/issue/labels.ts";
import { fingerprint } from "../core/issue/digest.ts";
import { DEFAULT_POLICY } from "../core/policy/load.ts";
import { allowedOverrides, mergePolicyData, parseExtends } from "../core/policy/merge.ts";
import { policySchema, POLICY_FILE, type Policy } from "../core/policy/schema.ts";
import { formatProblem, validatePolicyText, type ValidatedPolicy } from "../core/policy/validate.ts";
import type { FileContent } from "../github/port.ts";
import type { LoadedPolicy, Run } from "./run.ts";

type Data = Record<string, unknown>;
type FileLoad =
  { found: false } | { found: true; ok: true; data: Data; source: string } | { found: true; ok: false; problems: string[]; source: string };

const MAX_EXTENDS = 3;

function loaded(policy: Policy, source: string | null): LoadedPolicy {
  return { policy, source, fingerprint: fingerprint(JSON.stringify(policy)) };
}

/**
 * What was made of a file object before. A long-lived App's file cache hands out the same object for
 * as long as GitHub answers 304, so each policy text is parsed, checked and fingerprinted once per
 * process rather than at every delivery. Keyed by identity (a changed file is a new object), never
 * by anything a person can choose; frozen, because every run shares them.
 */
const checkedFiles = new WeakMap<FileContent, ValidatedPolicy>();
const loadedFromData = new WeakMap<Data, LoadedPolicy>();

function checkFile(file: FileContent, path: string): ValidatedPolicy {
  let checked = checkedFiles.get(file);
  if (!checked) {
    checked = deepFreeze(validatePolicyText(file.text, path));
    checkedFiles.set(file, checked);
  }
  return checked;
}

/** The organisation's policy as every repository without overrides sees it. */
function loadedOnce(data: Data, source: string | null): LoadedPolicy {
  let done = loadedFromData.get(data);
  if (!done || done.source !== source) {
    done = deepFreeze(loaded(policySchema.parse(data), source));
    loadedFromData.set(data, done);
  }
  return done;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Reads one policy file and what it `_extends`, merged; never throws for bad content. */
async function loadFile(run: Run, repo: RepoRef, path: string, depth = 0, seen = new Set<string>()): Promise<FileLoad> {
  const { github } = run.deps;
  const source = `${repo.owner}/${repo.name}:${path}`;
  const file = await github.readFile(repo, path);
  if (!file)
    return depth === 0
      ? { found: false }
      : { found: true, ok: false, source, problems: [`${source} does not exist, but a policy \`_extends\` it.`] };
  const checked = checkFile(file, path);
  if (checked.problems.length)
    return { found: true, ok: false, source, problems: checked.problems.map((p) => formatProblem({ ...p, file: source })) };
  let data = checked.data ?? {};
  if (checked.extendsFrom) {
    const target = parseExtends(checked.extendsFrom, repo.owner, POLICY_FILE);
    const id = target ? `${target.owner}/${target.name}:${target.path}` : "";
    if (!target)
      return {
        found: true,
        ok: false,
        source,
        problems: [
          `${source}: _extends: "${checked.extendsFrom}" is not a repository; write \`.github\`, \`owner/repo\` or \`owner/repo:path.yml\`.`,
        ],
      };
    if (seen.has(id) || depth >= MAX_EXTENDS)
      return {
        found: true,
        ok: false,
        source,
        problems: [`${source}: _extends: "${checked.extendsFrom}" goes in a circle or deeper than ${MAX_EXTENDS} files.`],
      };
    const base = await loadFile(run, { owner: target.owner, name: target.name }, target.path, depth + 1, new Set([...seen, source]));
    if (!base.found || !base.ok)
      return { found: true, ok: false, source, problems: base.found && !base.ok ? base.problems : [`${id} was not found.`] };
    data = mergePolicyData(base.data, data);
    // A merge can produce something invalid even when each file is fine.
    const merged = policySchema.safeParse(data);
    if (!merged.success)
      return {
        found: true,
        ok: false,
        source,
        problems: merged.error.issues.map((i) => `${source} (merged with what it extends): ${i.path.join(".")}: ${i.message}`),
      };
  }
  return { found: true, ok: true, data, source };
}

/** Reports an invalid policy file on one issue in its repository; updated, never duplicated. */
function reportInvalid(run: Run, repo: RepoRef, problems: string[]): void {
  const key = `${repo.owner}/${repo.name}:${POLICY_FILE}`;
  run.deps.log.error(`${key} is invalid, the default policy applies: ${problems.join(" | ")}`);
  void run.cached(run.sideChanges, `config-error:${key}`, async () => {
    try {
      const existing = await run.deps.github.findIssue(
        repo,
        `config-error:${repo.owner}/${repo.name}:${POLICY_FILE}`,
        LABELS.configError.name,
      );
      return planConfigError(repo, POLICY_FILE, problems, existing);
    } catch (e) {
      run.deps.log.warn(`${key}: could not look for the config-error issue (${(e as Error).message}).`);
      return null;
    }
  });
}

/**
 * The policy for a repository. The organisation's `.github` repository holds the policy; a
 * repository's own `.github/nhi-steward.yml` may change the keys the organisation lists in
 * `repository_overrides` (with no organisation policy, a repository's file applies in full).
 * An invalid file never stops an alert: the defaults apply and an issue reports the error.
 */
export function loadPolicy(run: Run, repo: RepoRef): Promise<LoadedPolicy> {
  return run.cached(run.policies, `${repo.owner}/${repo.name}`, async () => {
    const { log } = run.deps;
    const orgRepo = { owner: repo.owner, name: ".github" };
    const safeLoad = async (where: RepoRef): Promise<FileLoad> => {
      try {
        return await loadFile(run, where, POLICY_FILE);
      } catch (e) {
        log.warn(
          `${where.owner}/${where.name}: could not read ${POLICY_FILE} (${(e as Error).message}); the default policy applies for now.`,
        );
        return { found: false };
      }
    };

    // Read (and checked) once per run for the whole organisation, not once per repository.
    const org = (await run.cached(run.policyFiles, `${orgRepo.owner}/${orgRepo.name}:${POLICY_FILE}`, () => safeLoad(orgRepo))) as FileLoad;
    let data: Data = {};
    let source: string | null = null;
    let allowed: readonly string[] | null = null;
    if (org.found && org.ok) {
      data = org.data;
      source = org.source;
      allowed = loadedOnce(org.data, org.source).policy.repository_overrides;
    } else if (org.found) {
      reportInvalid(run, orgRepo, org.problems);
      allowed = [];
    }

    // An organisation policy that allows no repository overrides makes repository files moot: not read.
    if (repo.name !== ".github" && (allowed === null || allowed.length > 0)) {
      const own = await safeLoad(repo);
      if (own.found && !own.ok) reportInvalid(run, repo, own.problems);
      if (own.found && own.ok) {
        const { allowed: ok, refused } = allowed === null ? { allowed: own.data, refused: [] } : allowedOverrides(own.data, allowed);
        if (refused.length) {
          reportInvalid(run, repo, [
            `${own.source}: ${refused.map((k) => `\`${k}\``).join(", ")} may not be set by a repository: the organisation policy (${orgRepo.owner}/.github:${POLICY_FILE}) allows ${allowed?.length ? allowed.map((k) => `\`${k}\``).join(", ") : "no keys"} in \`repository_overrides\`. Remove them here, or ask the policy's owners to allow them.`,
          ]);
        }
        if (Object.keys(ok).length) {
          data = mergePolicyData(data, ok);
          source = source ? `${source} + ${own.source}` : own.source;
        }
      }
    }
    // Repositories without overrides share the organisation's parsed policy (and its fingerprint).
    if (org.found && org.ok && data === org.data)
      return run.cached(run.policies, `org:${orgRepo.owner}`, async () => loadedOnce(data, source));
    const parsed = policySchema.safeParse(data);
    if (!parsed.success) {
      log.error(
        `${repo.owner}/${repo.name}: the merged policy is invalid (${parsed.error.issues.map((i) => i.message).join("; ")}); the default policy applies.`,
      );
      return loaded(DEFAULT_POLICY, null);
    }
    return loaded(parsed.data, source);
  });
}
