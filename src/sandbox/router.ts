/**
 * Matches request paths against OpenAPI path templates ("/repos/{owner}/{repo}/issues/{issue_number}").
 * A literal segment beats a parameter at the same position, so "/issues/comments" wins over
 * "/issues/{issue_number}". A template ending in `{path}` also takes several segments (contents API).
 */

type Segment = { kind: "literal"; text: string } | { kind: "param"; name: string } | { kind: "mixed"; regex: RegExp; names: string[] };

interface Entry<T> {
  template: string;
  segments: Segment[];
  greedyTail: boolean;
  methods: Map<string, T>;
}

export interface RouteMatch<T> {
  template: string;
  params: Record<string, string>;
  /** The value registered for this method; undefined when the path exists only with other methods. */
  value: T | undefined;
  methods: string[];
}

const GREEDY_PARAMS = new Set(["path"]);

function compile(template: string): { segments: Segment[]; greedyTail: boolean } {
  const parts = template.split("/").slice(1);
  const segments = parts.map((part): Segment => {
    const whole = /^\{([^}]+)\}$/.exec(part);
    if (whole) return { kind: "param", name: whole[1]! };
    if (!part.includes("{")) return { kind: "literal", text: part };
    const names: string[] = [];
    const source = part.replace(/\{([^}]+)\}|([^{]+)/g, (_m, name: string | undefined, lit: string | undefined) => {
      if (name) {
        names.push(name);
        return "([^/]+?)";
      }
      return lit!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    return { kind: "mixed", regex: new RegExp(`^${source}$`), names };
  });
  const last = segments.at(-1);
  return { segments, greedyTail: last?.kind === "param" && GREEDY_PARAMS.has(last.name) };
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export class Router<T> {
  private readonly entries = new Map<string, Entry<T>>();

  add(method: string, template: string, value: T): void {
    let e = this.entries.get(template);
    if (!e) {
      e = { template, ...compile(template), methods: new Map() };
      this.entries.set(template, e);
    }
    e.methods.set(method.toUpperCase(), value);
  }

  templates(): string[] {
    return [...this.entries.keys()];
  }

  match(method: string, path: string): RouteMatch<T> | undefined {
    const raw = path === "/" ? [""] : path.replace(/\/+$/, "").split("/").slice(1);
    let best: { entry: Entry<T>; params: Record<string, string>; score: number[] } | undefined;
    for (const entry of this.entries.values()) {
      const m = this.tryEntry(entry, raw);
      if (!m) continue;
      if (!best || compareScore(m.score, best.score) > 0) best = { entry, ...m };
    }
    if (!best) return undefined;
    return {
      template: best.entry.template,
      params: best.params,
      value: best.entry.methods.get(method.toUpperCase()),
      methods: [...best.entry.methods.keys()],
    };
  }

  private tryEntry(entry: Entry<T>, raw: string[]): { params: Record<string, string>; score: number[] } | undefined {
    const segs = entry.segments;
    if (raw.length !== segs.length && !(entry.greedyTail && raw.length > segs.length)) return undefined;
    const params: Record<string, string> = {};
    const score: number[] = [];
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const isTail = i === segs.length - 1 && entry.greedyTail;
      const part = isTail ? raw.slice(i).join("/") : raw[i]!;
      if (part === "") return undefined;
      if (seg.kind === "literal") {
        if (seg.text !== part) return undefined;
        score.push(3);
      } else if (seg.kind === "param") {
        params[seg.name] = isTail ? raw.slice(i).map(decode).join("/") : decode(part);
        score.push(isTail && raw.length > segs.length ? 0 : 1);
      } else {
        const m = seg.regex.exec(part);
        if (!m) return undefined;
        seg.names.forEach((n, j) => (params[n] = decode(m[j + 1]!)));
        score.push(2);
      }
    }
    return { params, score };
  }
}

function compareScore(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
