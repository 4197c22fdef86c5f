import type { OctokitLike } from "./octokit-port.ts";

/** The `rel="next"` URL of a `Link` header. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  const m = /<([^>]+)>;\s*rel="next"/.exec(link);
  return m ? m[1]! : null;
}

/**
 * The pages of a large list (issues, alerts), each parsed with the built-in JSON.parse.
 * Octokit's own parser keeps integers beyond 2^53 exact by running a reviver over every value,
 * which makes it several times slower on a page of 100 issues with long bodies; these lists hold
 * no such integers. Requests still go through the Octokit (auth, retries, throttling); pages
 * follow GitHub's `Link` header like `octokit.paginate`.
 */
export async function* jsonPages<T>(
  octokit: OctokitLike,
  route: string,
  params: Record<string, unknown>,
  onFirstResponse?: (headers: Record<string, string | number | undefined>) => void,
): AsyncIterable<T[]> {
  const raw = { request: { parseSuccessResponseBody: false } };
  let response = await octokit.request(route, { ...params, ...raw });
  onFirstResponse?.(response.headers as Record<string, string | number | undefined>);
  for (;;) {
    const bytes = await new Response(response.data as ReadableStream).arrayBuffer();
    const data = JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
    yield (Array.isArray(data) ? data : []) as T[];
    const next = nextLink(response.headers.link);
    if (!next) return;
    response = await octokit.request({ method: "GET", url: next, ...raw });
  }
}
