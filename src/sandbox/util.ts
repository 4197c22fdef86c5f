/** Small pure helpers: git hashes, GitHub timestamps, node ids. */
import { createHash } from "node:crypto";

/** The git blob sha1 of a UTF-8 text, as `git hash-object` prints it. */
export function blobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/** A deterministic 40-hex sha standing in for commits the sandbox does not model. */
export function fakeSha(...parts: (string | number)[]): string {
  return createHash("sha1").update(parts.join("\0")).digest("hex");
}

/** GitHub's timestamp format: ISO 8601 without milliseconds. */
export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A legacy-format GraphQL node id, e.g. nodeId("Issue", 12) → base64("05:Issue12"). */
export function nodeId(kind: string, id: number): string {
  return Buffer.from(`0${kind.length}:${kind}${id}`).toString("base64");
}

export function key(...parts: string[]): string {
  return parts.map((p) => p.toLowerCase()).join("/");
}

/** Base64 wrapped at 60 characters per line, as the contents API returns it. */
export function base64Lines(content: string): string {
  const b64 = Buffer.from(content, "utf8").toString("base64");
  return (b64.match(/.{1,60}/g) ?? [""]).join("\n") + "\n";
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
