import type { Clock } from "../core/clock.ts";
import type { Codeowners } from "../core/codeowners/index.ts";
import type { Lru } from "../core/lru.ts";
import type { Change } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import type { GitHubPort } from "../github/port.ts";
import type { AlertLock } from "../github/lock/index.ts";
import type { GroupDraft } from "./plan-group.ts";
import { OperationsBudget } from "../github/budget.ts";
import type { Logger } from "../log.ts";

/** What every handler is given: GitHub, time and a logger come in from outside. */
export interface Deps {
  github: GitHubPort;
  clock: Clock;
  log: Logger;
  /**
   * The app's lock (per alert, shared across replicas with Redis). Grouping also holds it per
   * repository while it plans and writes a group, so two alerts never join one group at once.
   */
  lock?: AlertLock;
  /** Parsed CODEOWNERS by blob SHA, kept across runs by a long-lived app. */
  parsedCodeowners?: Lru<Codeowners>;
}

export interface RunOptions {
  dryRun: boolean;
  /** Most GitHub writes this run may make; null for no limit. */
  maxOperations: number | null;
}

export interface LoadedPolicy {
  policy: Policy;
  /** Where it came from, e.g. `acme/.github:.github/nhi-steward.yml` (+ repository overrides); null for the defaults. */
  source: string | null;
  /** A fingerprint of the policy's content, for `inputsDigest`. */
  fingerprint: string;
}

/** One delivery or one sweep: its dependencies, options, budget, and what it has read so far. */
export class Run {
  readonly deps: Deps;
  readonly options: RunOptions;
  readonly budget: OperationsBudget;
  readonly policies = new Map<string, Promise<LoadedPolicy>>();
  /** Policy files as read and checked (by `owner/repo:path`), so one organisation file serves every repository. */
  readonly policyFiles = new Map<string, Promise<unknown>>();
  readonly codeowners = new Map<string, Promise<{ codeowners: Codeowners | null; problem?: string }>>();
  readonly properties = new Map<string, Promise<Record<string, string>>>();
  /** Group issues planned so far in this run, by group key (see plan-group.ts). */
  readonly groups = new Map<string, GroupDraft>();
  /** Changes found along the way that are not about one alert (config-error issues), by key. */
  readonly sideChanges = new Map<string, Promise<Change | null>>();

  constructor(deps: Deps, options: Partial<RunOptions> = {}) {
    this.deps = deps;
    this.options = { dryRun: options.dryRun ?? false, maxOperations: options.maxOperations ?? null };
    this.budget = new OperationsBudget(this.options.maxOperations);
  }

  /** Reads through a per-run cache so a sweep reads each repository's files once. */
  cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let p = map.get(key);
    if (!p) {
      p = load();
      map.set(key, p);
    }
    return p;
  }

  /** The side changes planned so far (each once), to execute with the run's plan. */
  async drainSideChanges(): Promise<Change[]> {
    const all = await Promise.all(this.sideChanges.values());
    return all.filter((c): c is Change => c !== null);
  }
}
