import { isAlias, isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type { z } from "zod";
import { didYouMean } from "./did-you-mean.ts";
import { IDENTITY_CLASSES } from "./identity-classes.ts";
import { policySchema, type Policy } from "./schema.ts";

/** One problem in a policy file, located so an editor can jump to it. */
export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  /** `path.to.key: what is wrong. How to fix it.` */
  message: string;
}

export interface ValidatedPolicy {
  /** The parsed policy, defaults applied; null when there were problems. */
  policy: Policy | null;
  /** The file's data as written (before defaults), without `_extends`. */
  data: Record<string, unknown> | null;
  /** The `_extends` target, when the file names one. */
  extendsFrom: string | null;
  problems: PolicyProblem[];
}

/** Words for the keys of records whose keys are identity classes. */
const CLASS_KEYED = new Set(["identity_classes", "runbooks"]);

function describePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), "");
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; in?: z.ZodType } } };
  for (;;) {
    const def = s._zod.def;
    if ((def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault") && def.innerType)
      s = def.innerType as never;
    else if (def.type === "pipe" && def.in) s = def.in as never;
    else return s as unknown as z.ZodType;
  }
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  entries?: Record<string, unknown>;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The schema of the option at a path, as written (wrappers kept, so its description is there), or null. */
function schemaAt(path: readonly PropertyKey[]): z.ZodType | null {
  let s: z.ZodType = policySchema;
  for (const p of path) {
    const def = defOf(unwrap(s));
    if (def.type === "object" && typeof p === "string" && def.shape?.[p]) s = def.shape[p];
    else if (def.type === "array" && typeof p === "number" && def.element) s = def.element;
    else if (def.type === "record" && def.valueType) s = def.valueType;
    else return null;
  }
  return s;
}

/** The option's description from the schema (on it or on what it wraps), without a final period. */
function descriptionOf(schema: z.ZodType): string | null {
  for (let s: z.ZodType | undefined = schema; s;) {
    if (s.description) return s.description.replace(/\.$/, "");
    const def: SchemaDef = defOf(s);
    s = def.innerType ?? (def.type === "pipe" ? def.in : undefined);
  }
  return null;
}

/** The values an enum allows; null for any other schema. */
function enumValues(schema: z.ZodType): string[] | null {
  const def = defOf(unwrap(schema));
  return def.type === "enum" && def.entries ? Object.values(def.entries).map(String) : null;
}

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
};

/**
 * A required key that is not there: where it goes and what to write, from the schema, e.g.
 * `sla.targets.high.calendar is missing: write \`calendar: 24x7\` or \`calendar: business\`. Count round the clock…`.
 */
function missing(issue: z.core.$ZodIssue, where: string): string {
  const key = String(issue.path[issue.path.length - 1]);
  const schema = schemaAt(issue.path);
  const description = schema ? descriptionOf(schema) : null;
  const values = schema ? enumValues(schema) : null;
  const expected = values ? `one of ${values.join(", ")}` : issue.code === "invalid_type" ? TYPE_WORDS[issue.expected] : undefined;
  const write =
    values && values.length <= 3
      ? `write ${values.map((v) => `\`${key}: ${v}\``).join(" or ")}`
      : `add \`${key}:\`${expected ? ` (${expected})` : ""}`;
  return `${where} is missing: ${write}.${description ? ` ${description}.` : ""}`;
}

/** True when the issue is about a key its mapping does not have (zod says "expected string, received undefined"). */
function isMissingKey(issue: z.core.$ZodIssue, data: unknown): boolean {
  if (issue.code !== "invalid_type" && issue.code !== "invalid_value" && issue.code !== "invalid_union") return false;
  const key = issue.path[issue.path.length - 1];
  if (typeof key !== "string") return false;
  const parent = valueAt(data, issue.path.slice(0, -1));
  return parent !== null && typeof parent === "object" && !Array.isArray(parent) && (parent as Record<string, unknown>)[key] === undefined;
}

/** The keys a schema accepts at a path (for "did you mean"). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const schema = schemaAt(path);
  const def = schema ? defOf(unwrap(schema)) : null;
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

function position(doc: Document, counter: LineCounter, path: readonly PropertyKey[], key?: string): { line: number; col: number } {
  // Walk down as far as the document goes; point at the key when there is one.
  let node: unknown = doc.contents;
  let at = 0;
  const setAt = (n: unknown) => {
    const r = (n as Node | null)?.range;
    if (r) at = r[0];
  };
  setAt(node);
  for (const p of [...path, ...(key !== undefined ? [key] : [])]) {
    if (isMap(node)) {
      const pair = node.items.find((i) => isPair(i) && isScalar(i.key) && String(i.key.value) === String(p));
      if (!pair) break;
      setAt(pair.key);
      node = pair.value;
      if (p !== key) setAt(node);
    } else if (node && typeof node === "object" && "items" in node && typeof p === "number") {
      node = (node as { items: unknown[] }).items[p];
      setAt(node);
    } else break;
  }
  return counter.linePos(at);
}

function explain(issue: z.core.$ZodIssue, data: unknown): string {
  const where = describePath(issue.path);
  const prefix = where ? `${where}: ` : "";
  if (issue.code === "unrecognized_keys") {
    return issue.keys
      .map((k) => {
        const parentKey = issue.path[issue.path.length - 1];
        if (typeof parentKey === "string" && CLASS_KEYED.has(parentKey)) {
          const hint = didYouMean(k, IDENTITY_CLASSES);
          return `${prefix}"${k}" is not an identity class.${hint ? ` Did you mean "${hint}"?` : ""} Use one of ${IDENTITY_CLASSES.join(", ")}.`;
        }
        const known = knownKeysAt(issue.path);
        const hint = didYouMean(k, known);
        return `${prefix}unknown key "${k}".${hint ? ` Did you mean "${hint}"?` : ""}${known.length ? ` Known keys here: ${known.join(", ")}.` : ""}`;
      })
      .join("\n");
  }
  if (isMissingKey(issue, data)) return missing(issue, where);
  if (issue.code === "invalid_type") {
    const got = valueAt(data, issue.path);
    const asList =
      issue.expected === "array" && (typeof got === "string" || typeof got === "number")
        ? ` Write it as a list: [${JSON.stringify(got)}].`
        : "";
    return `${prefix}expected ${article(issue.expected)}, got ${kind(got)} (${JSON.stringify(got)}).${asList}`;
  }
  if (issue.code === "invalid_value" && "values" in issue) {
    const got = valueAt(data, issue.path);
    const hint = typeof got === "string" ? didYouMean(got, issue.values.map(String)) : null;
    const isClass = issue.values.length === IDENTITY_CLASSES.length && IDENTITY_CLASSES.every((c) => issue.values.includes(c));
    return `${prefix}${JSON.stringify(got)} is not ${isClass ? "an identity class" : "allowed"}.${hint ? ` Did you mean "${hint}"?` : ""} Use one of ${issue.values.map(String).join(", ")}.`;
  }
  return `${prefix}${issue.message}${/[.!?]$/.test(issue.message) ? "" : "."}`;
}

function article(t: string): string {
  return t === "array" || t === "object" ? `an ${t}` : `a ${t}`;
}

function kind(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `a ${typeof v}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Validates a policy file's text: YAML syntax, then the schema. Every problem says where (line and
 * column), what is wrong and how to fix it. Never throws.
 */
export function validatePolicyText(text: string, file: string): ValidatedPolicy {
  const counter = new LineCounter();
  // prettyErrors off: messages without the parser's own "at line …" and excerpt; the position comes from its offsets.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const problems: PolicyProblem[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0] ?? counter.linePos(e.pos[0]);
    problems.push({ file, line: pos.line, column: pos.col, message: `not valid YAML: ${e.message.split("\n")[0]}.` });
  }
  if (problems.length) return { policy: null, data: null, extendsFrom: null, problems: sortProblems(problems) };

  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (e) {
    // e.g. an alias (`*name`) with no anchor: the parser accepts it, building the value does not.
    const pos = counter.linePos(unresolvedAlias(doc) ?? 0);
    return {
      policy: null,
      data: null,
      extendsFrom: null,
      problems: [{ file, line: pos.line, column: pos.col, message: `not valid YAML: ${(e as Error).message}` }],
    };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    const pos = counter.linePos((doc.contents as Node | null)?.range?.[0] ?? 0);
    return {
      policy: null,
      data: null,
      extendsFrom: null,
      problems: [
        {
          file,
          line: pos.line,
          column: pos.col,
          message: `the policy must be a mapping of keys (like \`fallback_owner: "@acme/security"\`), not ${kind(raw)}.`,
        },
      ],
    };
  }
  const { _extends, ...data } = raw as Record<string, unknown>;
  if (_extends !== undefined && typeof _extends !== "string") {
    const pos = position(doc, counter, ["_extends"]);
    problems.push({
      file,
      line: pos.line,
      column: pos.col,
      message: "_extends: must name a repository, like `.github`, `acme/policies` or `acme/policies:path/file.yml`.",
    });
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    // "Must name at least one thing to match" says nothing new next to an unknown key in the same place.
    const unknownAt = new Set(parsed.error.issues.filter((i) => i.code === "unrecognized_keys").map((i) => describePath(i.path)));
    const issues = parsed.error.issues.filter((i) => !(i.code === "custom" && unknownAt.has(describePath(i.path))));
    for (const issue of issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
      const messages = explain(issue, data).split("\n");
      keys.forEach((k, i) => {
        const pos = position(doc, counter, issue.path, k);
        problems.push({ file, line: pos.line, column: pos.col, message: messages[i] ?? messages[0]! });
      });
    }
  }
  sortProblems(problems);
  return {
    policy: problems.length ? null : (parsed.data as Policy),
    data,
    extendsFrom: typeof _extends === "string" ? _extends : null,
    problems,
  };
}

function sortProblems(problems: PolicyProblem[]): PolicyProblem[] {
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Where the first alias without an anchor (`*name` before or without `&name`) is, as an offset. */
function unresolvedAlias(doc: Document): number | null {
  let at: number | null = null;
  visit(doc, {
    Alias(_, node) {
      if (isAlias(node) && node.resolve(doc) === undefined && node.range) {
        at = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

export function formatProblem(p: PolicyProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}`;
}
