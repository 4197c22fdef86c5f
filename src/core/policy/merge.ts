type Data = Record<string, unknown>;

const isObject = (v: unknown): v is Data => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Merges a file over the one it `_extends` (as Probot does): mappings merge key by key, the
 * extending file's scalars win, and its list entries come first (so its rules take precedence).
 */
export function mergePolicyData(base: Data, over: Data): Data {
  const out: Data = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    if (Array.isArray(v) && Array.isArray(b)) out[k] = [...v, ...b];
    else if (isObject(v) && isObject(b)) out[k] = mergePolicyData(b, v);
    else out[k] = v;
  }
  return out;
}

/** Splits a repository's policy into the keys the organisation lets it change and the rest. */
export function allowedOverrides(repoData: Data, allowed: readonly string[]): { allowed: Data; refused: string[] } {
  const out: Data = {};
  const refused: string[] = [];
  for (const [k, v] of Object.entries(repoData)) {
    if (allowed.includes(k)) out[k] = v;
    else refused.push(k);
  }
  return { allowed: out, refused };
}

/** Where an `_extends` value points: `.github`, `acme/policies` or `acme/policies:path/file.yml`. */
export function parseExtends(value: string, owner: string, defaultPath: string): { owner: string; name: string; path: string } | null {
  const m = /^(?:([A-Za-z0-9-]+)\/)?([A-Za-z0-9._-]+)(?::(.+))?$/.exec(value.trim());
  if (!m) return null;
  return { owner: m[1] ?? owner, name: m[2]!, path: m[3] ?? defaultPath };
}
