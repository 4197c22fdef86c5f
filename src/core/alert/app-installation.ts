import { inlineCode, text } from "../issue/markdown.ts";
import type { Policy } from "../policy/schema.ts";
import type { Alert, RepoRef } from "./types.ts";

/** What the inventory remembers of one installation. */
export interface InstalledApp {
  id: number;
  slug: string;
  permissions: Record<string, string>;
  selection: string;
  /** The app's client ID, when the listing gave it. */
  clientId?: string | null;
}

const LEVEL: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** Risky permissions an installation gained since the last known state (all of them when it is new). */
export function riskyIncrease(before: InstalledApp | undefined, now: InstalledApp, policy: Policy): string[] {
  if (policy.app_access.approved_apps.includes(now.slug)) return [];
  const gained: string[] = [];
  for (const [name, level] of Object.entries(now.permissions)) {
    if ((LEVEL[level] ?? 0) < 2 || !policy.app_access.risky_permissions.includes(name)) continue;
    const had = LEVEL[before?.permissions[name] ?? ""] ?? 0;
    if ((LEVEL[level] ?? 0) > had) gained.push(`${name}: ${level}`);
  }
  return gained;
}

/** A risky new installation or permission increase, as an `oauth-grant` alert. `publisher`: the app's owner, when known. */
export function alertFromInstallation(
  org: string,
  before: InstalledApp | undefined,
  now: InstalledApp,
  gained: string[],
  home: RepoRef,
  publisher: string | null = null,
): Alert {
  const what = before ? "gained" : "was installed with";
  return {
    source: "app-installation",
    key: `app-installation:${org}#${now.id}:${gained.join(",")}`,
    repo: home,
    visibility: null,
    number: now.id,
    state: "open",
    resolution: null,
    secretType: "github_app_installation",
    secretTypeDisplayName: `GitHub App “${now.slug}” ${before ? "permission increase" : "installation"} in ${org}`,
    provider: "GitHub",
    validity: "active",
    publiclyLeaked: false,
    multiRepo: now.selection === "all",
    pushProtectionBypassed: false,
    htmlUrl: `https://github.com/organizations/${org}/settings/installations/${now.id}`,
    createdAt: null,
    locations: [],
    identityClassHint: "oauth-token",
    // Markdown for the table: the app's names and permissions are escaped.
    details: [
      ["Why it is risky", text(`${now.slug} ${what} ${gained.join(", ")}`)],
      ["Repositories", text(now.selection)],
      [
        "All permissions",
        text(
          Object.entries(now.permissions)
            .map(([k, v]) => `${k}: ${v}`)
            .join(", ") || "none",
        ),
      ],
      ...(publisher ? [["Publisher", inlineCode(publisher)] as [string, string]] : []),
    ],
    identity: { kind: "app", app: now.slug, clientId: now.clientId ?? null, publisher, permissions: now.permissions, requester: null },
  };
}
