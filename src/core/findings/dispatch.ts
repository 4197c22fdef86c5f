import { z } from "zod";
import { describeIssues, InputError } from "../alert/input-error.ts";
import { IDENTITY_CLASSES } from "../policy/identity-classes.ts";
import { POLICY_FILE, type Policy } from "../policy/schema.ts";
import { repoMatches } from "../policy/select.ts";
import { clip, DISPATCH_SCHEMA_FILE, isRecord } from "./common.ts";
import { DISPATCH_EVENT_TYPE } from "./event-type.ts";
import { redact, sanitizeFinding, secretShapeIn } from "./redact.ts";
import type { ExternalFinding, ParseResult } from "./types.ts";

/**
 * The generic NHI alert an NHI platform or SIEM sends as
 * `POST /repos/{owner}/{repo}/dispatches {"event_type": "nhi-alert", "client_payload": {…}}`.
 * GitHub accepts at most 10 top-level keys in `client_payload`; this schema uses 8.
 * The published JSON Schema is policies/dispatch-schema.json (`dispatchJsonSchema()`).
 */
export { DISPATCH_EVENT_TYPE };

/** GitHub's limit on top-level keys in a repository_dispatch `client_payload`. */
export const MAX_CLIENT_PAYLOAD_KEYS = 10;

const HINT = `Fix client_payload to match the published JSON Schema ${DISPATCH_SCHEMA_FILE} and send the repository_dispatch again.`;

const CLASS_LIST = IDENTITY_CLASSES.join(", ");

/** A required-or-optional trimmed string whose every error says how to fill it in. */
function text(max: number, how: string) {
  return z
    .string({ error: (iss) => (iss.input === undefined ? `is required: ${how}` : `must be a string: ${how}`) })
    .trim()
    .min(1, { error: `must not be empty: ${how}` })
    .max(max, { error: `is longer than ${max} characters: ${how}` });
}

function httpUrl(what: string) {
  return z.url({
    protocol: /^https?$/,
    error: (iss) => (iss.input === undefined ? `is required: ${what}` : `must be an http(s) URL: ${what}`),
  });
}

/** The error for an object: a missing or non-object value, or keys it does not know. */
function objectError(how: string, allowed: readonly string[]) {
  return (iss: z.core.$ZodRawIssue): string => {
    if (iss.code === "unrecognized_keys") {
      const keys = (iss as unknown as { keys: string[] }).keys.map((k) => `"${clip(redact(k), 40)}"`).join(", ");
      return `has unknown key${keys.includes(",") ? "s" : ""} ${keys}: allowed keys are ${allowed.join(", ")}`;
    }
    return iss.input === undefined ? `is required: ${how}` : `must be an object: ${how}`;
  };
}

const identitySchema = z
  .strictObject(
    {
      class: z
        .enum(IDENTITY_CLASSES, {
          error: (iss) => (iss.input === undefined ? `is required: one of ${CLASS_LIST}` : `must be one of ${CLASS_LIST}`),
        })
        .describe("The identity class, which picks the runbook."),
      name: text(200, 'a human name for the identity, e.g. "ci-deployer"').describe(
        "A human name for the identity, e.g. the service account or key name.",
      ),
      provider: text(100, 'the platform that issued the credential, e.g. "Amazon AWS"')
        .optional()
        .describe('The platform that issued the credential, e.g. "Amazon AWS", "GitHub".'),
      identifier: text(200, "an id that names the credential without being it: a key id, client id, token name or ARN")
        .superRefine((value, ctx) => {
          const shape = secretShapeIn(value);
          if (shape) {
            ctx.addIssue({
              code: "custom",
              message: `looks like ${shape.name}; the identifier must not be the secret itself: send an id that names the credential (key id, client id, token name or ARN), never the credential`,
            });
          }
        })
        .describe(
          "An id that names the credential but is NOT the secret: key id, client id, token name, ARN. Values shaped like a token are refused.",
        ),
    },
    {
      error: objectError("send { class, name, identifier, provider? } describing the identity", [
        "class",
        "name",
        "provider",
        "identifier",
      ]),
    },
  )
  .describe("The non-human identity the alert is about.");

const resourceSchema = z
  .strictObject(
    {
      repository: z
        .string({ error: 'must be a string "owner/name", e.g. "acme/api"' })
        .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/, { error: 'must be "owner/name", e.g. "acme/api"' })
        .optional()
        .describe(
          "The repository the alert belongs to, as owner/name. Its issue opens there only when it is the repository the dispatch is sent to, the organisation's response_repository, or one the organisation policy lets that repository name (dispatch.trusted); otherwise it opens in the repository the dispatch was sent to, with a note.",
        ),
      system: text(200, 'the system the identity acts on, e.g. "payments-prod"')
        .optional()
        .describe("The system the identity acts on, when it is not a repository."),
      url: httpUrl("a link to the affected resource").optional().describe("A link to the affected resource."),
    },
    { error: objectError("send { repository?, system?, url? } naming what the identity can reach", ["repository", "system", "url"]) },
  )
  .describe("What the identity can reach.");

const locationSchema = z.strictObject(
  {
    path: text(500, 'a file path in the repository, e.g. "config/prod.env"'),
    line: z.int({ error: "must be a whole number of 1 or more" }).min(1, { error: "must be a whole number of 1 or more" }).optional(),
    commit: z
      .string({ error: "must be a commit SHA: 7 to 64 hexadecimal characters" })
      .regex(/^[0-9a-fA-F]{7,64}$/, { error: "must be a commit SHA: 7 to 64 hexadecimal characters" })
      .optional(),
    url: httpUrl("a link to the file or line").optional(),
  },
  { error: objectError("send { path, line?, commit?, url? }", ["path", "line", "commit", "url"]) },
);

const linkSchema = z.strictObject(
  {
    title: text(200, 'what the link shows, e.g. "Wiz issue"'),
    url: httpUrl("where the link goes"),
  },
  { error: objectError("send { title, url }", ["title", "url"]) },
);

const sourceSchema = z
  .strictObject(
    {
      name: text(100, 'the reporting platform, e.g. "wiz" or "siem"').describe("The reporting platform, e.g. wiz, siem."),
      id: text(200, "the platform's own id for this alert").describe("The platform's own id for this alert."),
      url: httpUrl("a link to the alert in the reporting platform").optional().describe("A link to the alert in the reporting platform."),
    },
    { error: objectError("send { name, id, url? } naming the reporting platform and its alert id", ["name", "id", "url"]) },
  )
  .describe("Who reported the alert.");

const TOP_LEVEL_KEYS = ["identity", "resource", "validity", "severity", "locations", "links", "source", "summary"] as const;

/** The `client_payload` of an `nhi-alert` repository_dispatch. */
export const dispatchPayloadSchema = z.strictObject(
  {
    identity: identitySchema,
    resource: resourceSchema.optional(),
    validity: z
      .enum(["active", "inactive", "unknown"], { error: "must be one of active, inactive, unknown (leave it out when not known)" })
      .default("unknown")
      .describe("Whether the credential still works, when the platform knows."),
    severity: z
      .enum(["critical", "high", "medium", "low"], { error: "must be one of critical, high, medium, low (or leave it out)" })
      .optional()
      .describe("The platform's severity, as a hint."),
    locations: z
      .array(locationSchema, { error: "must be an array of { path, line?, commit?, url? }" })
      .max(50, { error: "has more than 50 entries: send the 50 most relevant and link the rest through links or source.url" })
      .optional()
      .describe("Files where the credential is used or was found (at most 50)."),
    links: z
      .array(linkSchema, { error: "must be an array of { title, url }" })
      .max(20, { error: "has more than 20 entries: send at most 20 links" })
      .optional()
      .describe("Further reading for whoever fixes it (at most 20)."),
    source: sourceSchema,
    summary: z
      .string({ error: "must be a string of at most 500 characters" })
      .trim()
      .max(500, { error: "is longer than 500 characters: shorten it and link the details through links or source.url" })
      .optional()
      .describe("One or two sentences on what was detected. Never include the secret."),
  },
  { error: objectError("send a JSON object", TOP_LEVEL_KEYS) },
);

export type DispatchPayload = z.output<typeof dispatchPayloadSchema>;

/** The JSON Schema published as policies/dispatch-schema.json. */
export function dispatchJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(dispatchPayloadSchema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  return {
    ...schema,
    $id: "https://nhi-steward.dev/policies/dispatch-schema.json",
    title: `nhi-steward ${DISPATCH_EVENT_TYPE} repository_dispatch client_payload`,
    description: `POST /repos/{owner}/{repo}/dispatches with {"event_type": "${DISPATCH_EVENT_TYPE}", "client_payload": <this>}. identity.identifier names the credential and must never be the secret.`,
  };
}

/** `client_payload`, or a whole repository_dispatch event / request body carrying one. */
function clientPayloadOf(payload: unknown): unknown {
  if (!isRecord(payload) || !("client_payload" in payload)) return payload;
  const type = payload.action ?? payload.event_type;
  if (type === undefined) return payload; // not an envelope: let the schema name the unknown key
  if (type !== DISPATCH_EVENT_TYPE) {
    throw new InputError("The repository_dispatch event is not an nhi-alert", [`event_type: must be "${DISPATCH_EVENT_TYPE}"`], HINT);
  }
  return payload.client_payload;
}

/**
 * Validates an `nhi-alert` payload and turns it into one finding. Throws InputError naming every
 * failing field (as `client_payload.<path>`), how to fix it, and the published schema.
 */
export function parseDispatchPayload(payload: unknown): ParseResult {
  const body = clientPayloadOf(payload);
  const problems: string[] = [];
  if (isRecord(body) && Object.keys(body).length > MAX_CLIENT_PAYLOAD_KEYS) {
    problems.push(
      `client_payload: has ${Object.keys(body).length} top-level keys, but GitHub accepts at most ${MAX_CLIENT_PAYLOAD_KEYS}: send only ${TOP_LEVEL_KEYS.join(", ")}`,
    );
  }
  const parsed = dispatchPayloadSchema.safeParse(body);
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, "client_payload"));
  if (problems.length > 0 || !parsed.success) throw new InputError("The nhi-alert dispatch payload is invalid", problems, HINT);
  return { findings: [dispatchFinding(parsed.data)], skipped: [] };
}

function dispatchFinding(p: DispatchPayload): ExternalFinding {
  const links: { title: string; url: string }[] = [];
  if (p.source.url) links.push({ title: `${p.source.name} alert ${p.source.id}`, url: p.source.url });
  if (p.resource?.url) links.push({ title: p.resource.system ?? "Affected resource", url: p.resource.url });
  for (const l of p.links ?? []) links.push({ title: l.title, url: l.url });
  const finding: ExternalFinding = {
    source: "dispatch",
    fingerprint: `dispatch:${p.source.name}:${p.identity.identifier}`,
    detector: p.source.name,
    displayName: p.identity.name,
    secretType: p.identity.class.replace(/-/g, "_"),
    identityClass: p.identity.class,
    provider: p.identity.provider ?? null,
    validity: p.validity,
    severityHint: p.severity ?? null,
    repository: p.resource?.repository ?? null,
    locations: (p.locations ?? []).map((l) => ({
      path: l.path,
      startLine: l.line ?? null,
      endLine: l.line ?? null,
      commitSha: l.commit?.toLowerCase() ?? null,
      url: l.url ?? null,
    })),
    links,
    description: p.summary ? p.summary : null,
    identifier: p.identity.identifier,
    reporter: p.source.name,
  };
  // Token shapes in free text (summary, names, titles) are redacted rather than refused.
  return sanitizeFinding(finding);
}

/** Where a finding sent to one repository may open its issue. */
export type FindingScope =
  | { ok: true; repository: string; because: "sent there" | "the response repository" | "trusted" }
  | { ok: false; claimed: string; problem: string; fix: string };

/**
 * Whether a finding sent to `receiver` (the repository a `repository_dispatch` went to, or where the
 * Action ran with a findings report) may open its issue in the repository it names. Its own
 * repository and the organisation's `response_repository` always; another repository of the same
 * organisation only when the organisation policy lists it under `dispatch.trusted`. Anyone who can
 * dispatch to one repository could otherwise write response issues in any other. Names are compared
 * case-insensitively, as GitHub does. `policy` must be the organisation's (a repository's own file
 * could grant itself anything).
 */
export function findingScope(
  receiver: string,
  claimed: string | null,
  policy: Pick<Policy, "response_repository" | "dispatch">,
): FindingScope {
  const to = receiver.toLowerCase();
  const named = claimed?.toLowerCase() ?? to;
  if (named === to) return { ok: true, repository: claimed ?? receiver, because: "sent there" };
  if (policy.response_repository && named === policy.response_repository.toLowerCase())
    return { ok: true, repository: claimed!, because: "the response repository" };
  const problem = `${receiver} may not open issues in ${claimed}`;
  const [toOwner] = to.split("/");
  const [namedOwner] = named.split("/");
  if (toOwner !== namedOwner) {
    return {
      ok: false,
      claimed: claimed!,
      problem,
      fix: `send findings about ${claimed} to a repository of ${claimed!.split("/")[0]}: a policy lets repositories name only repositories of their own organisation`,
    };
  }
  const lower = (patterns: readonly string[]) => patterns.map((p) => p.toLowerCase());
  if (policy.dispatch.trusted.some((t) => repoMatches(lower([t.repository]), to) && repoMatches(lower(t.may_name), named)))
    return { ok: true, repository: claimed!, because: "trusted" };
  return {
    ok: false,
    claimed: claimed!,
    problem,
    fix: `if ${receiver} should speak for ${claimed}, add to the organisation policy (${receiver.split("/")[0]}/.github:${POLICY_FILE}): dispatch: { trusted: [{ repository: "${receiver}", may_name: ["${claimed}"] }] }`,
  };
}
