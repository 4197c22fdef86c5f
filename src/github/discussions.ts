/**
 * Who posted a discussion or a discussion comment where a secret was found. GitHub has no REST API
 * for repository discussions, so this is one GraphQL query per location: fixed query texts, the
 * location's repository and number passed as variables (never interpolated). Needs the App's
 * `discussions: read` permission; without it GitHub answers FORBIDDEN and the caller logs why the
 * owner falls back.
 */
import type { ContentInfo, ContentRef } from "../core/alert/locations.ts";

export const DISCUSSION_QUERY = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    discussion(number: $number) {
      url
      author { __typename login }
    }
  }
}`;

/**
 * A discussion comment's location names it by its database id (`#discussioncomment-{id}`), which no
 * GraphQL field takes as an argument (`node` wants a global node id): the discussion's first 100
 * comments with their first 100 replies are read in the one query (about one point of GraphQL's
 * rate limit) and the comment is found among them. One beyond those gets no author (the fallback).
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

type Graphql = (query: string, variables: Record<string, unknown>) => Promise<unknown>;
type Author = { __typename?: unknown; login?: unknown } | null | undefined;
type CommentNode = { databaseId?: unknown; url?: unknown; author?: Author; replies?: { nodes?: CommentNode[] | null } | null };
type Discussion = { url?: unknown; author?: Author; comments?: { nodes?: CommentNode[] | null } | null } | null;

/** A person's login; null for apps (Bot), deleted accounts (null) and anything else. */
function personOf(author: Author): string | null {
  return author?.__typename === "User" && typeof author.login === "string" ? author.login : null;
}

/**
 * The discussion's (or comment's) page and author; null when GitHub says it does not exist. Throws
 * with a message naming the missing permission when the installation may not read discussions.
 */
export async function readDiscussion(
  graphql: Graphql,
  ref: Extract<ContentRef, { kind: "discussion" | "discussion-comment" }>,
): Promise<ContentInfo | null> {
  const variables = { owner: ref.repo.owner, name: ref.repo.name, number: ref.number };
  let data: { repository?: { discussion?: Discussion } | null };
  try {
    data = (await graphql(ref.kind === "discussion" ? DISCUSSION_QUERY : DISCUSSION_COMMENTS_QUERY, variables)) as typeof data;
  } catch (e) {
    const errors = (e as { errors?: { type?: unknown }[] }).errors ?? [];
    if (errors.some((x) => x.type === "FORBIDDEN"))
      throw new Error(
        "the App may not read discussions: its installation lacks the `discussions: read` permission (GitHub: Resource not accessible by integration), so the owner falls back",
        { cause: e },
      );
    const status = (e as { status?: number }).status;
    if (errors.some((x) => x.type === "NOT_FOUND") || status === 404 || status === 410) return null;
    throw e;
  }
  const d = data.repository?.discussion;
  if (!d) return null;
  if (ref.kind === "discussion") return { htmlUrl: typeof d.url === "string" ? d.url : null, author: personOf(d.author) };
  for (const c of d.comments?.nodes ?? []) {
    for (const n of [c, ...(c.replies?.nodes ?? [])]) {
      if (n.databaseId === ref.id) return { htmlUrl: typeof n.url === "string" ? n.url : null, author: personOf(n.author) };
    }
  }
  return {
    htmlUrl: null,
    author: null,
    note: `comment ${ref.id} is not among the discussion's first 100 comments and their first 100 replies, so who posted it is not known`,
  };
}
