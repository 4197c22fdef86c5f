import { createHash, createHmac } from "node:crypto";

/**
 * One outbound POST, shared by the revocation methods and the pagers. What it returns never carries
 * the request body, so a caller cannot put it into a detail or a log line by accident.
 */
export type PostResult =
  | { kind: "response"; status: number; headers: Headers; body: string }
  | { kind: "timeout"; ms: number }
  | { kind: "network"; code: string };

/** Response bodies are read for status details only; a bigger one is cut. */
const MAX_RESPONSE_CHARS = 16_384;

export const USER_AGENT = "nhi-steward";

/**
 * POSTs `body` to `url`. Redirects are NOT followed (`redirect: "manual"`): a 3xx comes back as a
 * response, so a body is never re-sent to a host other than the one named. Times out through an
 * AbortSignal after `timeoutMs` (a timer, not a clock read).
 */
export async function post(
  fetchImpl: typeof fetch,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { method: "POST", body, headers, redirect: "manual", signal: controller.signal });
    let text = "";
    try {
      text = (await response.text()).slice(0, MAX_RESPONSE_CHARS);
    } catch {
      if (controller.signal.aborted) return { kind: "timeout", ms: timeoutMs };
    }
    return { kind: "response", status: response.status, headers: response.headers, body: text };
  } catch (e) {
    if (controller.signal.aborted) return { kind: "timeout", ms: timeoutMs };
    return { kind: "network", code: errorCode(e) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A short, safe name for an error: `ECONNREFUSED`, `TypeError`. Never the message, which for some
 * errors quotes what was being processed.
 */
export function errorCode(e: unknown): string {
  const pick = (v: unknown): string | null => (typeof v === "string" && /^[A-Za-z0-9_]{1,40}$/.test(v) ? v : null);
  if (typeof e === "object" && e !== null) {
    const cause = (e as { cause?: unknown }).cause;
    if (typeof cause === "object" && cause !== null) {
      const code = pick((cause as { code?: unknown }).code);
      if (code) return code;
    }
    const code = pick((e as { code?: unknown }).code);
    if (code) return code;
    const name = pick((e as { name?: unknown }).name);
    if (name) return name;
  }
  return "error";
}

/** A short description of a non-response, for details: "timed out after 10000 ms", "network error (ECONNRESET)". */
export function describeNonResponse(result: Exclude<PostResult, { kind: "response" }>): string {
  return result.kind === "timeout" ? `timed out after ${result.ms} ms` : `network error (${result.code})`;
}

/** The signature header, computed like GitHub's `X-Hub-Signature-256`: HMAC-SHA256 of the exact body bytes, hex. */
export const SIGNATURE_HEADER = "X-Nhi-Steward-Signature-256";
export const EVENT_HEADER = "X-Nhi-Steward-Event";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";

export function signature(signingSecret: string, body: string): string {
  return `sha256=${createHmac("sha256", signingSecret).update(body, "utf8").digest("hex")}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Headers for a signed delivery to an organisation's own endpoint (revocation service or pager). */
export function signedHeaders(signingSecret: string, body: string, event: string, idempotencyKey: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": USER_AGENT,
    [SIGNATURE_HEADER]: signature(signingSecret, body),
    [EVENT_HEADER]: event,
    [IDEMPOTENCY_HEADER]: idempotencyKey,
  };
}

/** For log lines: the host a request went to, never its path or query (which may carry a token, like a Slack URL). */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}
