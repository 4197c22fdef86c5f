import { describe, expect, it } from "vitest";
import { contentRefOf } from "../../src/core/alert/locations.ts";
import { OctokitPort, type OctokitLike } from "../../src/github/octokit-port.ts";

/** An Octokit that answers fixed routes only, recording what was asked. */
function fakeOctokit(answers: Record<string, unknown>, asked: string[]): OctokitLike {
  const request = async (route: string, params: Record<string, unknown>) => {
    const path = route.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k === "repo" ? "repo" : k]));
    asked.push(path);
    if (!(path in answers)) throw Object.assign(new Error("Not Found"), { status: 404 });
    return { data: answers[path], status: 200, headers: {}, url: path };
  };
  return { request, paginate: (() => Promise.resolve([])) as never } as unknown as OctokitLike;
}

describe("OctokitPort.readLocationContent", () => {
  const answers = {
    "GET /repos/acme/api/issues/comments/9": { html_url: "https://github.com/acme/api/issues/3#issuecomment-9", user: { login: "bob" } },
    "GET /repos/acme/api/pulls/4": { html_url: "https://github.com/acme/api/pull/4", user: { login: "carol" } },
    "GET /repos/acme/api/pulls/4/reviews/80": { html_url: "https://github.com/acme/api/pull/4#pullrequestreview-80", user: null },
    "GET /repos/acme/api/pulls/comments/12": { html_url: "https://github.com/acme/api/pull/4#discussion_r12", user: { login: "dave" } },
  };

  it("reads each kind through its fixed route (never the URL the location carries)", async () => {
    const asked: string[] = [];
    const port = new OctokitPort(fakeOctokit(answers, asked), { self: null });
    const read = (url: string) => port.readLocationContent(contentRefOf(url)!);
    expect(await read("https://evil.example/repos/acme/api/issues/comments/9")).toEqual({
      htmlUrl: "https://github.com/acme/api/issues/3#issuecomment-9",
      author: "bob",
    });
    expect(await read("https://api.github.com/repos/acme/api/pulls/4")).toEqual({
      htmlUrl: "https://github.com/acme/api/pull/4",
      author: "carol",
    });
    expect(await read("https://api.github.com/repos/acme/api/pulls/4/reviews/80")).toEqual({
      htmlUrl: "https://github.com/acme/api/pull/4#pullrequestreview-80",
      author: null,
    });
    expect(await read("https://api.github.com/repos/acme/api/pulls/comments/12")).toEqual({
      htmlUrl: "https://github.com/acme/api/pull/4#discussion_r12",
      author: "dave",
    });
    expect(await read("https://api.github.com/repos/acme/api/issues/77")).toBeNull(); // deleted: 404
    expect(asked).toEqual([
      "GET /repos/acme/api/issues/comments/9",
      "GET /repos/acme/api/pulls/4",
      "GET /repos/acme/api/pulls/4/reviews/80",
      "GET /repos/acme/api/pulls/comments/12",
      "GET /repos/acme/api/issues/77",
    ]);
  });
});
