import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import type { SandboxOptions } from "../../src/sandbox/types.ts";

export const GitHub = Octokit.plugin(restEndpointMethods, paginateRest);
export type GitHubClient = InstanceType<typeof GitHub>;

/** A sandbox that also checks its own responses against the spec (so the suite proves the shapes). */
export function start(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ validateResponses: true, ...options });
}

/** An Octokit client for the sandbox; `auth: null` sends no Authorization header. */
export function client(sandbox: Sandbox, auth: string | null = "x", baseSuffix = ""): GitHubClient {
  return new GitHub({ baseUrl: sandbox.url + baseSuffix, ...(auth === null ? {} : { auth }) });
}

/** The error an Octokit call rejects with (status, response headers and data). */
export async function failure(
  p: Promise<unknown>,
): Promise<{ status: number; response: { headers: Record<string, string | undefined>; data: unknown } }> {
  try {
    await p;
  } catch (e) {
    return e as { status: number; response: { headers: Record<string, string | undefined>; data: unknown } };
  }
  throw new Error("expected the request to fail");
}

/** A small org: acme with alice, bob, carol; team acme/platform; installation 7; repo acme/api. */
export function seedSmall(sandbox: Sandbox): void {
  const s = sandbox.state;
  s.addOrg("acme", { id: 4242 });
  s.addUser("alice", { email: "alice@acme.example" });
  s.addUser("bob");
  s.addUser("carol");
  s.addUser("outsider");
  s.addTeam("acme", "platform", ["alice", "bob"], { name: "Platform" });
  s.addInstallation({ id: 7, account: "acme" });
  s.addRepo({
    owner: "acme",
    name: "api",
    files: { ".github/CODEOWNERS": "* @acme/platform\n", "src/app.ts": "export {};\n" },
    assignable: ["alice", "bob"],
  });
}
