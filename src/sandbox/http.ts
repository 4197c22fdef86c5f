/** What a route handler sees and returns, GitHub-style errors, and Link-header pagination. */
import type { IncomingHttpHeaders } from "node:http";
import type { SandboxState, UserRecord } from "./state.ts";
import type { Urls } from "./render.ts";
import { isRecord } from "./util.ts";

export const DOCS = "https://docs.github.com/rest";

export interface RouteContext {
  method: string;
  /** Request path without query and without the `/api/v3` prefix. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: IncomingHttpHeaders;
  token: string | null;
  state: SandboxState;
  urls: Urls;
  /** documentation_url for errors of this route. */
  docs: string;
  /** The account the token acts as. */
  actor(): UserRecord;
  /** The token's primary rate-limit window (without counting this request). */
  rate(): RateSnapshot;
}

export interface RateSnapshot {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
  used: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** A non-JSON body (e.g. raw file contents), sent with `contentType`. */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Route {
  method: string;
  /** The path template exactly as GitHub's REST description spells it. */
  path: string;
  /** documentation_url (the operation's externalDocs.url in the description). */
  docs: string;
  handler(ctx: RouteContext): Reply;
}

export function route(method: string, path: string, docs: string, handler: (ctx: RouteContext) => Reply): Route {
  return { method, path, docs: docs.startsWith("http") ? docs : `${DOCS}/${docs}`, handler };
}

/** An error answer in GitHub's shape: {message, errors?, documentation_url, status}. */
export class HttpError extends Error {
  readonly status: number;
  readonly errors: unknown[] | undefined;
  readonly docs: string | undefined;

  constructor(status: number, message: string, opts: { errors?: unknown[]; docs?: string } = {}) {
    super(message);
    this.status = status;
    this.errors = opts.errors;
    this.docs = opts.docs;
  }
}

export function errorBody(status: number, message: string, docs: string, errors?: unknown[]): Record<string, unknown> {
  return { message, ...(errors ? { errors } : {}), documentation_url: docs, status: String(status) };
}

export const notFound = (): HttpError => new HttpError(404, "Not Found");

export function validationFailed(errors: unknown[]): HttpError {
  return new HttpError(422, "Validation Failed", { errors });
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return headers ? { status, body, headers } : { status, body };
}

export function noContent(): Reply {
  return { status: 204 };
}

// ------------------------------------------------------------------ query and body helpers

export function intParam(ctx: RouteContext, name: string): number {
  const raw = ctx.params[name] ?? "";
  if (!/^\d+$/.test(raw)) throw notFound();
  return Number(raw);
}

export function queryBool(ctx: RouteContext, name: string): boolean | undefined {
  const v = ctx.query.get(name);
  if (v === null) return undefined;
  return v === "true" || v === "1";
}

export function queryList(ctx: RouteContext, name: string): string[] | undefined {
  const v = ctx.query.get(name);
  if (v === null || v === "") return undefined;
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function queryEnum<T extends string>(ctx: RouteContext, name: string, allowed: readonly T[], fallback: T): T {
  const v = ctx.query.get(name);
  if (v === null) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw validationFailed([{ resource: "Request", field: name, code: "invalid", value: v }]);
  }
  return v as T;
}

/** The JSON body as an object; `{}` when absent. A non-object body is a 422 even without spec validation. */
export function bodyObject(ctx: RouteContext): Record<string, unknown> {
  if (ctx.body === undefined || ctx.body === null) return {};
  if (!isRecord(ctx.body)) throw new HttpError(422, "Invalid request.\n\nThe body must be a JSON object.");
  return ctx.body;
}

export function optString(body: Record<string, unknown>, field: string, opts: { nullable?: boolean } = {}): string | null | undefined {
  const v = body[field];
  if (v === undefined) return undefined;
  if (v === null && opts.nullable) return null;
  if (typeof v === "string") return v;
  throw new HttpError(422, `Invalid request.\n\nFor '${field}', ${JSON.stringify(v)} is not a string.`);
}

export function reqString(body: Record<string, unknown>, field: string): string {
  const v = optString(body, field);
  if (v === undefined || v === null) throw new HttpError(422, `Invalid request.\n\n"${field}" wasn't supplied.`);
  return v;
}

export function optStringArray(body: Record<string, unknown>, field: string): string[] | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new HttpError(422, `Invalid request.\n\nFor '${field}', ${JSON.stringify(v)} is not an array of strings.`);
}

// ------------------------------------------------------------------ pagination

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

/** One page of `items` by `per_page` (default 30, max 100) and `page` (default 1), with GitHub's `Link` header. */
export function paginate<T>(ctx: RouteContext, items: T[], render: (item: T) => unknown): Reply {
  const perPageRaw = Number(ctx.query.get("per_page") ?? DEFAULT_PER_PAGE);
  const perPage = Number.isFinite(perPageRaw) && perPageRaw >= 1 ? Math.min(Math.floor(perPageRaw), MAX_PER_PAGE) : DEFAULT_PER_PAGE;
  const pageRaw = Number(ctx.query.get("page") ?? 1);
  const page = Number.isFinite(pageRaw) && pageRaw >= 1 ? Math.floor(pageRaw) : 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const headers: Record<string, string> = {};
  const link = linkHeader(ctx, page, last, items.length);
  if (link) headers.link = link;
  return { status: 200, body: slice.map(render), headers };
}

export function linkHeader(ctx: RouteContext, page: number, last: number, total: number): string | undefined {
  if (total === 0 || last === 1) return undefined;
  const url = (p: number): string => {
    const q = new URLSearchParams(ctx.query);
    q.set("page", String(p));
    return `<${ctx.urls.api}${ctx.path}?${q.toString()}>`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`${url(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) rels.push(`${url(page + 1)}; rel="next"`, `${url(last)}; rel="last"`);
  if (page > 1) rels.push(`${url(1)}; rel="first"`);
  return rels.join(", ");
}
