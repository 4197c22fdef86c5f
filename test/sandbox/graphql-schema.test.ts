/**
 * GitHub's GraphQL schema (`@octokit/graphql-schema`) is the truth for the two discussion queries
 * nhi-steward sends: the queries must be valid against it, and the sandbox's answers must be what
 * that schema lets GitHub answer (each answer is run back through the schema: a field the query did
 * not ask for, a wrong type or a missing non-null value shows as a difference or an error).
 */
import { schema as github } from "@octokit/graphql-schema";
import { buildClientSchema, execute, parse, validate, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import { DISCUSSION_COMMENTS_QUERY, DISCUSSION_QUERY } from "../../src/github/discussions.ts";
import type { DiscussionRecord, Sandbox } from "../../src/sandbox/index.ts";
import { seedSmall, start } from "./helpers.ts";

const QUERIES = { DISCUSSION_QUERY, DISCUSSION_COMMENTS_QUERY };
let schema: GraphQLSchema;
let sandbox: Sandbox;
let discussion: DiscussionRecord;

beforeAll(async () => {
  // The introspection result, as @octokit/graphql-schema's own `validate` reads it (its SDL repeats a field).
  schema = buildClientSchema(github.json as unknown as IntrospectionQuery);
  sandbox = await start({ clock: new VirtualClock("2026-01-05T09:00:00Z") });
  seedSmall(sandbox);
  const s = sandbox.state;
  s.addToken("x", "bob");
  const r = s.requireRepo("acme", "api");
  discussion = s.newDiscussion(r, { title: "Staging", body: "how?", user: "bob" });
  const top = s.newDiscussionComment(discussion, "like this", "alice");
  s.newDiscussionComment(discussion, "thanks", "carol", top.id);
  s.newDiscussionComment(discussion, "automated note", "dependabot[bot]");
});
afterAll(() => sandbox?.close());

async function ask(query: string, variables: Record<string, unknown>): Promise<{ data?: unknown; errors?: unknown[] }> {
  const res = await fetch(`${sandbox.url}/graphql`, {
    method: "POST",
    headers: { authorization: "token x", "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: unknown; errors?: unknown[] };
}

describe("GitHub's GraphQL schema", () => {
  it.each(Object.entries(QUERIES))("%s is a valid query against it", (_name, query) => {
    expect(validate(schema, parse(query)).map((e) => e.message)).toEqual([]);
  });

  it("a query naming a field GitHub does not have fails the check", () => {
    const wrong = DISCUSSION_QUERY.replace("author { __typename login }", "author { __typename login email }");
    expect(validate(schema, parse(wrong)).map((e) => e.message)).toEqual([expect.stringContaining('Cannot query field "email"')]);
  });

  const vars = () => ({ owner: "acme", name: "api", number: discussion.number });
  it.each([
    ["DISCUSSION_QUERY", "a discussion", () => vars()],
    ["DISCUSSION_COMMENTS_QUERY", "its comments, replies and a bot's comment", () => vars()],
    ["DISCUSSION_QUERY", "an unknown discussion (NOT_FOUND: a null field beside the error)", () => ({ ...vars(), number: 999 })],
    ["DISCUSSION_QUERY", "an unknown repository", () => ({ ...vars(), name: "nope" })],
  ] as const)("the sandbox answers %s for %s as the schema shapes it", async (name, _what, variables) => {
    const query = QUERIES[name];
    const answer = await ask(query, variables());
    expect(answer.data).toBeDefined();
    const again = await execute({ schema, document: parse(query), rootValue: answer.data, variableValues: variables() });
    expect(again.errors?.map((e) => e.message) ?? []).toEqual([]);
    expect(again.data).toEqual(answer.data);
  });

  it("a wrong answer would show: a login that is not a string, a missing __typename", async () => {
    const answer = (await ask(DISCUSSION_QUERY, vars())).data as { repository: { discussion: { author: Record<string, unknown> } } };
    answer.repository.discussion.author.login = 42;
    const typed = await execute({ schema, document: parse(DISCUSSION_QUERY), rootValue: answer, variableValues: vars() });
    expect(typed.data).not.toEqual(answer);
    delete answer.repository.discussion.author.__typename;
    const untyped = await execute({ schema, document: parse(DISCUSSION_QUERY), rootValue: answer, variableValues: vars() });
    expect(untyped.errors?.[0]?.message).toMatch(/Actor/);
  });
});
