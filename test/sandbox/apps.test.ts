import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

let sandbox: Sandbox;
let gh: GitHubClient;

beforeAll(async () => {
  sandbox = await start();
  seedSmall(sandbox);
  sandbox.state.setOrgAppInstallation("acme", { id: 502, appSlug: "datadog", owner: "DataDog", permissions: { contents: "read" } });
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

describe("GET /apps/{app_slug}", () => {
  it("names a third-party app's publisher (its owner) and client ID", async () => {
    const { data } = await gh.rest.apps.getBySlug({ app_slug: "datadog" });
    expect(data).toMatchObject({ slug: "datadog", client_id: "Iv1.app1502", owner: { login: "DataDog" } });
  });

  it("serves nhi-steward itself, and 404 for an app nobody installed", async () => {
    expect((await gh.rest.apps.getBySlug({ app_slug: "nhi-steward" })).data).toMatchObject({ slug: "nhi-steward" });
    expect((await failure(gh.rest.apps.getBySlug({ app_slug: "nope" }))).status).toBe(404);
  });
});
