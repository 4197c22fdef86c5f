/**
 * GitHub's GraphQL endpoint (`POST /graphql`, `POST /api/graphql` on GitHub Enterprise Server), for
 * exactly the queries nhi-steward sends: who posted a discussion, and who posted a discussion
 * comment (GitHub has no REST API for repository discussions). The sandbox does not parse GraphQL:
 * a query is recognised by its text (whitespace aside); any other query gets a GraphQL error and
 * is recorded as unimplemented. Answers follow GitHub's: 200 with `data`, and `errors` (type
 * NOT_FOUND, FORBIDDEN…) beside a null field; an installation without the `discussions`
 * permission reads "Resource not accessible by integration".
 */
import type { Reply } from "./http.ts";
import type { DiscussionCommentRecord, DiscussionRecord, SandboxState, UserRecord } from "./state.ts";
import type { Urls } from "./render.ts";
import { isRecord } from "./util.ts";

/** The author of a discussion (discussion_title, discussion_body locations). */
export const DISCUSSION_QUERY = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    discussion(number: $number) {
      url
      author { __typename login }
    }
  }
}`;

/**
 * The authors of a discussion's comments and their replies (discussion_comment locations: the
 * location names the comment by its database id, `#discussioncomment-{id}`, which no GraphQL
 * field takes as an argument).
 */
export const DISCUSSION_COMMENTS_QUERY = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    discussion(number: $number) {
      url
      comments(first: 100) {
        nodes {
          databaseId
          url
          author { __typename login }
          replies(first: 100) {
            nodes { databaseId url author { __typename login } }
          }
        }
      }
    }
  }
}`;

/** A query's text without insignificant whitespace, for recognising it. */
export function normalizeQuery(query: string): string {
  return query
    .replace(/\s+/g, " ")
    .replace(/ ?([{}():,!]) ?/g, "$1")
    .trim();
}

const KNOWN = new Map([
  [normalizeQuery(DISCUSSION_QUERY), "discussion"],
  [normalizeQuery(DISCUSSION_COMMENTS_QUERY), "comments"],
] as const);

const DOCS = "https://docs.github.com/graphql";

export interface GraphqlAnswer {
  reply: Reply;
  /** Set when the sandbox does not answer this query: recorded like a REST route it does not serve. */
  unimplemented?: string;
}

type GraphqlError = { type?: string; path?: string[]; message: string; locations?: { line: number; column: number }[] };

const ok = (data: unknown, errors?: GraphqlError[]): GraphqlAnswer => ({
  reply: { status: 200, body: errors ? { data, errors } : { data } },
});

export function answerGraphql(state: SandboxState, token: string | null, body: unknown, urls: Urls): GraphqlAnswer {
  if (token === null || !state.tokenInfo(token)) {
    return {
      reply: {
        status: 401,
        body: {
          message: "This endpoint requires you to be authenticated.",
          documentation_url: `${DOCS}/guides/forming-calls-with-graphql#authenticating-with-graphql`,
        },
      },
    };
  }
  const query = isRecord(body) && typeof body.query === "string" ? body.query : null;
  if (query === null)
    return { reply: { status: 200, body: { errors: [{ message: "A query attribute must be specified and must be a string." }] } } };
  const kind = KNOWN.get(normalizeQuery(query));
  if (!kind) {
    const first = query.trim().split("\n")[0]!.slice(0, 80);
    return {
      reply: { status: 200, body: { errors: [{ message: `The sandbox does not answer this query: ${first}` }] } },
      unimplemented: `the sandbox does not answer the GraphQL query ${JSON.stringify(first)}`,
    };
  }
  const vars = isRecord(body) && isRecord(body.variables) ? body.variables : {};
  const { owner, name, number } = vars;
  if (typeof owner !== "string" || typeof name !== "string" || typeof number !== "number" || !Number.isInteger(number)) {
    return ok(undefined, [
      { message: "Variables $owner: String!, $name: String!, $number: Int! were not all provided with valid values." },
    ]);
  }
  const r = state.repo(owner, name);
  const tokenInfo = state.tokenInfo(token)!;
  const inst = tokenInfo.installationId === null ? undefined : state.installation(tokenInfo.installationId);
  const covered =
    !inst ||
    (r !== undefined &&
      inst.account.toLowerCase() === r.owner.toLowerCase() &&
      (inst.repositories === "all" || inst.repositories.some((n) => n.toLowerCase() === r.name.toLowerCase())));
  if (!r || !covered) {
    return ok({ repository: null }, [
      { type: "NOT_FOUND", path: ["repository"], message: `Could not resolve to a Repository with the name '${owner}/${name}'.` },
    ]);
  }
  if (inst && !inst.permissions.discussions) {
    return ok({ repository: { discussion: null } }, [
      { type: "FORBIDDEN", path: ["repository", "discussion"], message: "Resource not accessible by integration" },
    ]);
  }
  const d = r.discussions.find((x) => x.number === number);
  if (!d) {
    return ok({ repository: { discussion: null } }, [
      { type: "NOT_FOUND", path: ["repository", "discussion"], message: `Could not resolve to a Discussion with the number of ${number}.` },
    ]);
  }
  const page = `${urls.html}/${r.owner}/${r.name}/discussions/${d.number}`;
  const author = (login: string) => {
    const u = state.ensureUser(login);
    return { __typename: u.type === "Bot" ? "Bot" : u.type === "Organization" ? "Organization" : "User", login: actor(u) };
  };
  if (kind === "discussion") return ok({ repository: { discussion: { url: page, author: author(d.user) } } });
  const node = (c: DiscussionCommentRecord) => ({ databaseId: c.id, url: `${page}#discussioncomment-${c.id}`, author: author(c.user) });
  const top = topLevel(d).slice(0, 100);
  return ok({
    repository: {
      discussion: {
        url: page,
        comments: {
          nodes: top.map((c) => ({
            ...node(c),
            replies: {
              nodes: d.comments
                .filter((x) => x.replyTo === c.id)
                .slice(0, 100)
                .map(node),
            },
          })),
        },
      },
    },
  });
}

function topLevel(d: DiscussionRecord): DiscussionCommentRecord[] {
  return d.comments.filter((c) => c.replyTo === null);
}

/** GraphQL's Actor.login: a bot's login without `[bot]` (GitHub's GraphQL names apps by their slug). */
function actor(u: UserRecord): string {
  return u.login.replace(/\[bot\]$/, "");
}
