/**
 * Checks requests (and optionally responses and webhook payloads) against GitHub's official REST
 * description, @octokit/openapi's api.github.com.json. The 13 MB document is parsed once per process,
 * on first use; validators are compiled per operation on first use, each with only the component
 * schemas it references (OpenAPI 3.0 `nullable` rewritten to JSON Schema).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsImport from "ajv-formats";
import { Router, type RouteMatch } from "./router.ts";
import type { ValidationErrorKind } from "./types.ts";
import { isRecord } from "./util.ts";

type Json = Record<string, unknown>;

interface Spec {
  paths?: Record<string, Record<string, unknown>>;
  /** OpenAPI 3.1 webhooks (the @octokit/openapi-webhooks description): `<event>-<action>` → operation. */
  webhooks?: Record<string, Record<string, unknown>>;
  components: {
    schemas: Record<string, unknown>;
    parameters?: Record<string, unknown>;
    responses?: Record<string, unknown>;
    examples?: Record<string, unknown>;
  };
}

export interface SpecParam {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required: boolean;
  schema: unknown;
}

export interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  docs: string;
  params: SpecParam[];
  body: { required: boolean; schema: unknown } | undefined;
  responses: Json;
}

export interface Problem {
  kind: ValidationErrorKind;
  reason: string;
}

export interface RequestCheck {
  route: string | null;
  docs: string | undefined;
  problems: Problem[];
  /** The status GitHub would answer the first problem with. */
  status: number;
}

/**
 * Response schemas of the description that GitHub itself does not follow; errors under these paths are not reported.
 * GET /app/installations: the inline item schema says `account` is `allOf: [simple-user, enterprise]` (both at once);
 * GitHub sends a simple-user.
 */
const RESPONSE_QUIRKS: Record<string, RegExp> = {
  "GET /app/installations": /^response\/\d+\/account\b/,
};

/**
 * Webhook schemas GitHub itself does not follow; errors at these places are not reported.
 * `performed_via_github_app.events`: the schema enumerates an old list of event names (no
 * `secret_scanning_alert_location`, `personal_access_token_request`…), while GitHub lists every
 * event the app subscribes to.
 */
const WEBHOOK_QUIRKS: ((e: ErrorObject) => boolean)[] = [
  (e) => e.keyword === "enum" && /\/performed_via_github_app\/events\/\d+$/.test(e.instancePath),
];

/**
 * The documented exception to "api.github.com.json only": operations GitHub describes only in its
 * Enterprise Cloud description (`ghec.json`) that nhi-steward uses where the organisation is on
 * Enterprise Cloud. The sandbox serves them (behind a per-organisation plan flag, as GitHub answers
 * 404 elsewhere) and checks their requests and answers against `ghec.json`, loaded on first use.
 */
export const GHEC_ONLY_PATHS: readonly string[] = ["/orgs/{org}/audit-log"];
const ghecOnly = new Router<true>();
for (const template of GHEC_ONLY_PATHS)
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) ghecOnly.add(method, template, true);

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

type FormatsPlugin = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsImport as unknown as { default?: FormatsPlugin }).default ?? addFormatsImport) as unknown as FormatsPlugin;

let shared: OpenApi | undefined;
let sharedGhec: OpenApi | undefined;
let sharedWebhooks: OpenApi | undefined;

export class OpenApi {
  private readonly spec: Spec;
  private readonly router = new Router<SpecOperation>();
  private readonly ajv: Ajv;
  private readonly ajvCoerce: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly byRoute = new Map<string, SpecOperation>();
  private readonly registered = new Set<string>();

  /** The process-wide instance (parses the description on the first call, ~0.3 s). */
  static shared(): OpenApi {
    shared ??= new OpenApi(loadSpec("api.github.com.json"), true);
    return shared;
  }

  /**
   * GitHub's webhook description (@octokit/openapi-webhooks, api.github.com): the schema of every
   * event and action GitHub delivers, checked with the same converter and Ajv set-up as requests.
   */
  static webhooks(): OpenApi {
    sharedWebhooks ??= new OpenApi(loadWebhookSpec(), false);
    return sharedWebhooks;
  }

  /** The Enterprise Cloud description, for `GHEC_ONLY_PATHS` (parsed on first use). */
  private static ghec(): OpenApi {
    sharedGhec ??= new OpenApi(loadSpec("ghec.json"), false);
    return sharedGhec;
  }

  /** The description that covers a path: Enterprise Cloud's for `GHEC_ONLY_PATHS`, else this one. */
  private describing(path: string): OpenApi {
    return this.dotcom && ghecOnly.match("GET", path) ? OpenApi.ghec() : this;
  }

  private readonly dotcom: boolean;

  private constructor(spec: Spec, dotcom: boolean) {
    this.spec = spec;
    this.dotcom = dotcom;
    for (const [template, item] of Object.entries(spec.paths ?? {})) {
      const common = Array.isArray(item.parameters) ? item.parameters : [];
      for (const method of HTTP_METHODS) {
        const op = item[method];
        if (!isRecord(op)) continue;
        const params = [...common, ...(Array.isArray(op.parameters) ? op.parameters : [])].map(
          (p) => this.deref(p, "parameters") as unknown as SpecParam,
        );
        const requestBody = isRecord(op.requestBody) ? op.requestBody : undefined;
        const bodySchema =
          requestBody && isRecord(requestBody.content) ? (requestBody.content["application/json"] as Json | undefined)?.schema : undefined;
        const operation: SpecOperation = {
          method: method.toUpperCase(),
          template,
          operationId: String(op.operationId ?? ""),
          docs: isRecord(op.externalDocs) ? String(op.externalDocs.url) : "https://docs.github.com/rest",
          params,
          body: requestBody && bodySchema ? { required: requestBody.required === true, schema: bodySchema } : undefined,
          responses: isRecord(op.responses) ? op.responses : {},
        };
        this.router.add(operation.method, template, operation);
        this.byRoute.set(`${operation.method} ${template}`, operation);
      }
    }
    this.ajv = makeAjv(false);
    this.ajvCoerce = makeAjv(true);
  }

  operation(method: string, path: string): RouteMatch<SpecOperation> | undefined {
    const d = this.describing(path);
    return d === this ? this.router.match(method, path) : d.operation(method, path);
  }

  /** The operation for an exact template, e.g. ("POST", "/repos/{owner}/{repo}/issues"). */
  operationFor(method: string, template: string): SpecOperation | undefined {
    const d = this.describing(template);
    return d === this ? this.byRoute.get(`${method.toUpperCase()} ${template}`) : d.operationFor(method, template);
  }

  checkRequest(method: string, path: string, query: URLSearchParams, body: unknown, hasBody: boolean): RequestCheck {
    const d = this.describing(path);
    if (d !== this) return d.checkRequest(method, path, query, body, hasBody);
    const match = this.router.match(method, path);
    if (!match) {
      return {
        route: null,
        docs: undefined,
        status: 404,
        problems: [{ kind: "unknown-route", reason: `no path of GitHub's REST API matches ${path}` }],
      };
    }
    const op = match.value;
    if (!op) {
      return {
        route: `${method} ${match.template}`,
        docs: undefined,
        status: 404,
        problems: [{ kind: "method", reason: `${match.template} has no ${method} operation (it has ${match.methods.join(", ")})` }],
      };
    }
    const route = `${op.method} ${op.template}`;
    const problems: Problem[] = [];

    // Path parameters (e.g. an issue_number that is not an integer).
    const pathParams = op.params.filter((p) => p.in === "path");
    problems.push(...this.checkParams(op, "path", pathParams, match.params).map((reason) => ({ kind: "path" as const, reason })));
    if (problems.length) return { route, docs: op.docs, status: 404, problems };

    // Query parameters: unknown names, missing required ones, types and enums.
    const queryParams = op.params.filter((p) => p.in === "query");
    const known = new Set(queryParams.map((p) => p.name));
    for (const name of new Set(query.keys())) {
      if (!known.has(name)) problems.push({ kind: "query", reason: `unknown query parameter '${name}' for ${route}` });
    }
    const values: Record<string, unknown> = {};
    for (const p of queryParams) {
      const all = query.getAll(p.name);
      if (all.length === 0) continue;
      values[p.name] = isRecord(p.schema) && p.schema.type === "array" ? all.flatMap((v) => v.split(",")) : all.at(-1);
    }
    problems.push(...this.checkParams(op, "query", queryParams, values).map((reason) => ({ kind: "query" as const, reason })));

    // JSON body against the operation's requestBody schema.
    if (op.body) {
      if (!hasBody) {
        if (op.body.required) problems.push({ kind: "body", reason: `${route} requires a JSON body` });
      } else {
        const validate = this.compiled(`body ${route}`, () => this.toJsonSchema(op.body!.schema), false);
        if (!validate(body)) problems.push(...formatErrors("body", validate.errors).map((reason) => ({ kind: "body" as const, reason })));
      }
    }
    return { route, docs: op.docs, status: 422, problems };
  }

  /** Problems with a JSON response the sandbox is about to send (for validateResponses). */
  checkResponse(method: string, template: string, status: number, body: unknown): string[] {
    const d = this.describing(template);
    if (d !== this) return d.checkResponse(method, template, status, body);
    const op = this.operationFor(method, template);
    if (!op) return [`${method} ${template} is not in GitHub's REST description`];
    const declared = op.responses[String(status)];
    if (declared === undefined) return status < 300 ? [`status ${status} is not documented for ${method} ${template}`] : [];
    const res = this.deref(declared, "responses");
    const content = isRecord(res.content) ? res.content : undefined;
    if (!content) return [];
    const media = (content["application/json"] ?? Object.values(content)[0]) as Json | undefined;
    if (!media?.schema) return [];
    const validate = this.compiled(`response ${status} ${method} ${template}`, () => this.toJsonSchema(media.schema), false);
    if (validate(body)) return [];
    const quirk = RESPONSE_QUIRKS[`${op.method} ${template}`];
    const errors = (validate.errors ?? []).filter((e) => !quirk?.test(`response${e.instancePath}`));
    return errors.length ? formatErrors("response", errors) : [];
  }

  /**
   * The component schema of a webhook: from the webhooks description (`<event>-<action>`, e.g.
   * `secret-scanning-alert-location-created`; an event whose action is free, such as
   * `repository_dispatch`, by its only operation), else the REST description's
   * `webhook-<event>-<action>` component.
   */
  webhookSchemaName(event: string, action: string): string | null {
    const ev = event.replace(/_/g, "-");
    const webhooks = this.spec.webhooks;
    if (webhooks) {
      const ref = (op: Record<string, unknown> | undefined): string | null => {
        const post = isRecord(op?.post) ? op.post : undefined;
        const body =
          post && isRecord(post.requestBody) && isRecord(post.requestBody.content)
            ? (post.requestBody.content["application/json"] as Json | undefined)
            : undefined;
        const r = isRecord(body?.schema) ? body.schema.$ref : undefined;
        return typeof r === "string" ? r.split("/").pop()! : null;
      };
      const exact = webhooks[`${ev}-${action.replace(/_/g, "-")}`];
      if (exact) return ref(exact);
      const ofEvent = Object.values(webhooks).filter((op) => isRecord(op.post) && String(op.post.operationId ?? "").startsWith(`${ev}/`));
      if (ofEvent.length === 1) return ref(ofEvent[0]);
      return null;
    }
    const name = `webhook-${ev}-${action.replace(/_/g, "-")}`;
    return this.spec.components.schemas[name] ? name : null;
  }

  /** The `properties` a component schema names (one level), for checking that nothing GitHub never sends is sent. */
  schemaProperties(name: string): string[] | null {
    const schema = this.spec.components.schemas[name];
    return isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : null;
  }

  /** GitHub's own example payloads in the description (`components.examples`), by name. */
  examples(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, e] of Object.entries(this.spec.components.examples ?? {})) if (isRecord(e)) out[name] = e.value;
    return out;
  }

  /** Problems with a webhook payload, against GitHub's schema of that event and action. */
  checkWebhook(event: string, action: string, payload: unknown): string[] {
    const name = this.webhookSchemaName(event, action);
    if (!name || !this.spec.components.schemas[name]) return [`no schema for ${event}.${action} in GitHub's webhook description`];
    const validate = this.compiled(`webhook ${name}`, () => this.toJsonSchema({ $ref: `#/components/schemas/${name}` }), false);
    if (validate(payload)) return [];
    const errors = (validate.errors ?? []).filter((e) => !WEBHOOK_QUIRKS.some((quirk) => quirk(e)));
    return errors.length ? formatErrors("payload", errors) : [];
  }

  private checkParams(op: SpecOperation, where: string, params: SpecParam[], values: Record<string, unknown>): string[] {
    const problems: string[] = [];
    for (const p of params)
      if (p.required && values[p.name] === undefined) problems.push(`missing required ${where} parameter '${p.name}'`);
    const present = params.filter((p) => values[p.name] !== undefined);
    if (present.length === 0) return problems;
    const validate = this.compiled(
      `${where} ${op.method} ${op.template}`,
      () => {
        const properties: Json = {};
        for (const p of params) properties[p.name] = p.schema ?? {};
        return this.toJsonSchema({ type: "object", properties });
      },
      true,
    );
    const copy = { ...values };
    if (!validate(copy)) problems.push(...formatErrors(where, validate.errors));
    return problems;
  }

  private compiled(cacheKey: string, schema: () => unknown, coerce: boolean): ValidateFunction {
    let v = this.validators.get(cacheKey);
    if (!v) {
      v = (coerce ? this.ajvCoerce : this.ajv).compile(schema() as Json);
      this.validators.set(cacheKey, v);
    }
    return v;
  }

  private deref(value: unknown, section: "parameters" | "responses"): Json {
    let v = value;
    for (let i = 0; i < 5 && isRecord(v) && typeof v.$ref === "string"; i++) {
      v = this.spec.components[section]?.[v.$ref.split("/").pop()!];
    }
    return isRecord(v) ? v : {};
  }

  /**
   * OpenAPI 3.0 schema → JSON Schema with `nullable` made explicit. Each referenced component is converted and
   * registered once (as COMPONENT_BASE + name) in both Ajv instances, so every validator shares its compiled code.
   */
  private toJsonSchema(root: unknown): Json {
    const schemas = this.spec.components.schemas;
    const convert = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(convert);
      if (!isRecord(v)) return v;
      if (typeof v.$ref === "string") {
        const name = v.$ref.split("/").pop()!;
        const id = COMPONENT_BASE + encodeURIComponent(name);
        if (!this.registered.has(name)) {
          this.registered.add(name);
          const converted = { ...(convert(schemas[name]) as Json), $id: id };
          this.ajv.addSchema(converted);
          this.ajvCoerce.addSchema(structuredClone(converted));
        }
        return { $ref: id };
      }
      const out: Json = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "example" || k === "examples" || k === "description" || k === "nullable" || k === "discriminator") continue;
        if ((k === "properties" || k === "patternProperties") && isRecord(x)) {
          out[k] = Object.fromEntries(Object.entries(x).map(([name, s]) => [name, convert(s)]));
        } else out[k] = convert(x);
      }
      if (v.nullable === true) {
        if (typeof out.type === "string") {
          out.type = [out.type, "null"];
          if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
        } else return { anyOf: [{ type: "null" }, out] };
      }
      return out;
    };
    const schema = convert(root);
    return isRecord(schema) ? schema : {};
  }
}

const COMPONENT_BASE = "https://sandbox.invalid/components/schemas/";

function loadSpec(name: "api.github.com.json" | "ghec.json"): Spec {
  const require = createRequire(import.meta.url);
  const file = require.resolve(`@octokit/openapi/generated/${name}`);
  return JSON.parse(readFileSync(file, "utf8")) as Spec;
}

function loadWebhookSpec(): Spec {
  const require = createRequire(import.meta.url);
  const file = require.resolve("@octokit/openapi-webhooks/generated/api.github.com.json");
  return JSON.parse(readFileSync(file, "utf8")) as Spec;
}

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, inlineRefs: false, coerceTypes: coerce ? "array" : false });
  addFormats(ajv);
  ajv.addFormat("int64", true);
  ajv.addFormat("uri-template", true);
  return ajv;
}

function formatErrors(where: string, errors: ErrorObject[] | null | undefined): string[] {
  if (!errors?.length) return [`${where} is invalid`];
  const lines = errors.map((e) => {
    const at = `${where}${e.instancePath}`;
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
      case "required":
        return `${at} must have required property '${String(params.missingProperty)}'`;
      case "enum":
        return `${at} must be one of ${JSON.stringify(params.allowedValues)}`;
      case "additionalProperties":
        return `${at} must not have additional property '${String(params.additionalProperty)}'`;
      default:
        return `${at} ${e.message ?? "is invalid"}`;
    }
  });
  return [...new Set(lines)].slice(0, 8);
}
