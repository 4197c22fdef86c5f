import { markerText } from "./marker.ts";

/**
 * Who may have written a record nhi-steward acts on. Anyone who can open or edit an issue can
 * write a marker and the `nhi-response` label; only issues nhi-steward's own identity wrote are
 * records. Everything else is ignored for closing, commands, sweeps, revocation, metrics and
 * duplicate checks (docs/threat-model.md).
 */

/** The account nhi-steward acts as on GitHub: the App's bot (`slug[bot]`), or a person's token. */
export interface Identity {
  login: string;
  /** The GitHub App behind the token (GitHub's `performed_via_github_app` on what it writes); null for a person's token. */
  app: { id: number | null; slug: string } | null;
}

/** Who wrote an issue or comment, as GitHub reports it (`user`, `performed_via_github_app`). */
export interface Author {
  login: string | null;
  app: { id: number | null; slug: string | null } | null;
}

/** The identity of a GitHub App installation token: GitHub writes as `slug[bot]`. */
export function appIdentity(slug: string, id: number | null = null): Identity {
  return { login: `${slug}[bot]`, app: { id, slug } };
}

/** Reads `user` and `performed_via_github_app` from an issue or comment as GitHub sends it. */
export function authorOf(raw: unknown): Author {
  const r = (raw ?? {}) as { user?: { login?: unknown } | null; performed_via_github_app?: { id?: unknown; slug?: unknown } | null };
  const via = r.performed_via_github_app;
  return {
    login: typeof r.user?.login === "string" ? r.user.login : null,
    app:
      via && typeof via === "object"
        ? { id: typeof via.id === "number" ? via.id : null, slug: typeof via.slug === "string" ? via.slug : null }
        : null,
  };
}

/**
 * Whether nhi-steward wrote it. The author's login must be ours (`slug[bot]` logins cannot be taken
 * by people, and another app writes as its own bot); when GitHub names the app that wrote it, that
 * app must be ours too. A person's token (CLI with a PAT) counts only for what it wrote directly.
 */
export function writtenBy(author: Author | undefined, self: Identity): boolean {
  if (!author?.login || author.login.toLowerCase() !== self.login.toLowerCase()) return false;
  if (!self.app) return author.app === null;
  if (!author.app) return true;
  if (self.app.id !== null && author.app.id !== null) return author.app.id === self.app.id;
  return (author.app.slug ?? "").toLowerCase() === self.app.slug.toLowerCase();
}

/** What a marker claims about itself, read without decoding the rest. */
interface Claims {
  key: string;
  /** The alert's repository; null on a key-only marker (inventory, report, config error: `kind`). */
  repo: string | null;
  alert: number;
  group: { repo: string; members: { key: string; alert: number }[] } | null;
}

function claimsOf(body: string | null | undefined): Claims | null {
  const text = markerText(body);
  if (text === null) return null;
  try {
    const m = JSON.parse(text) as Partial<Claims> & { kind?: unknown };
    if (typeof m.key !== "string") return null;
    if (typeof m.kind === "string") return { key: m.key, repo: null, alert: -1, group: null };
    if (typeof m.repo !== "string") return null;
    const group =
      m.group && typeof m.group === "object" && typeof m.group.repo === "string" && Array.isArray(m.group.members)
        ? { repo: m.group.repo, members: m.group.members }
        : null;
    return { key: m.key, repo: m.repo, alert: typeof m.alert === "number" ? m.alert : -1, group };
  } catch {
    return null;
  }
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const ownerOf = (repo: string) => repo.split("/")[0] ?? "";
/** Sources whose key names the marker's own alert number (`source:owner/name#N`). */
const NUMBERED = new Set(["secret-scanning"]);

/**
 * Why a marker cannot be the record of an issue in `issueRepo`: its key disagrees with the
 * repository it names, the alert it names or its source, or it names another organisation than
 * the one the issue lives in. Null when it agrees.
 */
export function markerProblem(body: string | null | undefined, issueRepo: string): string | null {
  const c = claimsOf(body);
  if (!c) return "its marker is unreadable";
  // A key-only marker (`inventory:acme`, `report:acme/api`, `config-error:acme/api:path`) names its organisation first.
  const repo = c.repo ?? `${/^[a-z][a-z0-9-]*:([^/#@:\s]+)/.exec(c.key)?.[1] ?? ""}/`;
  if (!same(ownerOf(repo), ownerOf(issueRepo))) return `its marker names ${c.repo ?? c.key}, in another organisation than ${issueRepo}`;
  if (c.repo === null) return null;
  const problem = keyProblem(c.key, c.repo, c.alert);
  if (problem) return problem;
  if (c.group) {
    if (!same(c.group.repo, c.repo)) return `its group names ${c.group.repo}, not ${c.repo}`;
    for (const m of c.group.members) {
      if (typeof m?.key !== "string" || typeof m.alert !== "number" || !same(m.key, `secret-scanning:${c.repo}#${m.alert}`))
        return `a group row's key ${String(m?.key)} does not name an alert of ${c.repo}`;
    }
  }
  return null;
}

function keyProblem(key: string, repo: string, alert: number): string | null {
  // `source:owner/name#N`, `source:owner/name@fingerprint`, `source:owner/name:path`, `source:org#id`.
  const m = /^([a-z][a-z0-9-]*):([^/#@:\s]+)(?:\/([^#@:\s]+))?([#@:].*)?$/s.exec(key);
  if (!m) return `its key ${key} is not one nhi-steward writes`;
  const [, source, owner, name, rest] = m as unknown as [string, string, string, string | undefined, string | undefined];
  if (!same(owner, ownerOf(repo))) return `its key ${key} names another organisation than ${repo}`;
  if (name !== undefined && !same(`${owner}/${name}`, repo)) return `its key ${key} names another repository than ${repo}`;
  if (NUMBERED.has(source) && rest !== `#${alert}`) return `its key ${key} names another alert than #${alert}`;
  return null;
}

/**
 * Why a record cannot live in `issueRepo`: its alert's own repository, or the policy's response
 * repository, are the only places nhi-steward opens it. A record found elsewhere was moved there
 * (issue transfer) and is not acted on.
 */
export function placeProblem(markerRepo: string, issueRepo: string, responseRepository: string | null | undefined): string | null {
  if (same(markerRepo, issueRepo) || (responseRepository && same(responseRepository, issueRepo))) return null;
  return `it is about ${markerRepo} but lives in ${issueRepo}, which is neither that repository nor the policy's response repository`;
}
