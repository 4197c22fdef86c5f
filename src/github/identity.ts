import { appIdentity, type Identity } from "../core/issue/provenance.ts";
import type { OctokitLike } from "./octokit-port.ts";

/** What to write when nhi-steward cannot tell who it is. */
export const IDENTITY_HINT =
  "With a GitHub App installation token, name the app: the Action's input `app-slug` (e.g. `app-slug: ${{ steps.app-token.outputs.app-slug }}` from actions/create-github-app-token), or the CLI's `--app-slug`. With a personal access token it is read from GitHub.";

/**
 * The account nhi-steward writes as, so it acts only on issues it wrote (docs/threat-model.md).
 * An app's slug when given (installation tokens cannot ask GitHub who they are); otherwise the
 * token's user (`GET /user`, personal access tokens).
 */
export async function resolveIdentity(octokit: OctokitLike, appSlug: string | null | undefined): Promise<Identity> {
  const slug = appSlug?.trim().replace(/\[bot\]$/, "");
  if (slug) {
    // Not quoted: a token pasted into the wrong input must not reach the log.
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(slug)) {
      const token = /^(gh[pousr]_|github_pat_)/.test(slug)
        ? " It looks like a token: the token goes in `token`, the app's slug in `app-slug`."
        : "";
      throw new Error(
        `app-slug is not a GitHub App slug (letters, digits and dashes, as in github.com/apps/<slug>; the value is not shown here).${token}`,
      );
    }
    return appIdentity(slug);
  }
  try {
    const { data } = await octokit.request("GET /user");
    return { login: data.login, app: null };
  } catch (e) {
    const status = (e as { status?: unknown } | null)?.status;
    // A refused token (401) is said as such by the caller (src/github/explain-error.ts): rethrown as GitHub's error.
    if (status === 401) throw e;
    throw new Error(
      `nhi-steward cannot tell which account it writes as (GET /user answered ${typeof status === "number" ? status : "an error"}), so it cannot tell its own issues from look-alikes. ${IDENTITY_HINT}`,
      { cause: e },
    );
  }
}

/** The App's own identity, read once with its JWT (`GET /app`). */
export async function appIdentityFromJwt(appOctokit: OctokitLike): Promise<Identity> {
  const { data } = await appOctokit.request("GET /app");
  if (!data?.slug) throw new Error("GET /app did not name the app's slug");
  return appIdentity(data.slug, data.id);
}
