import { clip } from "./common.ts";
import type { ExternalFinding } from "./types.ts";

/** What every removed value is replaced with. */
export const REDACTED = "[redacted]";

/** Known secrets shorter than this are not searched for: they would mangle unrelated text. */
const MIN_KNOWN_SECRET_LENGTH = 4;

export interface TokenPattern {
  /** Says what it looks like, for error messages: "a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_)". */
  name: string;
  pattern: RegExp;
}

/**
 * Shapes of well-known credentials. Used to refuse a dispatch `identity.identifier` that is a
 * secret, and to redact any such value from every string a parser keeps (defence in depth: the
 * parsers already drop the fields that hold the secret). All patterns are global and linear.
 */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { name: "a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_)", pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}/g },
  { name: "a GitHub fine-grained personal access token (github_pat_)", pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g },
  { name: "an AWS access key (AKIA…/ASIA…)", pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { name: "a Slack token (xoxa-, xoxb-, xoxp-, xoxr-, xoxs-)", pattern: /\bxox[abeoprs]-[A-Za-z0-9-]{10,}/g },
  { name: "a Slack app token (xapp-)", pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  { name: "a Slack webhook URL", pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/]{20,}/g },
  { name: "a Stripe secret key (sk_live_, rk_live_)", pattern: /\b[rs]k_live_[A-Za-z0-9]{10,}/g },
  { name: "a private key (-----BEGIN … PRIVATE KEY-----)", pattern: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g },
  { name: "an npm token (npm_)", pattern: /\bnpm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/g },
  {
    name: "a GitLab token (glpat-, glptt-, glrt-, gldt-, …)",
    pattern: /\bgl(?:pat|ptt|rt|dt|cbt|ft|oas|soat|agent|imt|ffct)-[A-Za-z0-9_-]{20,}/g,
  },
  { name: "a Google API key (AIza…)", pattern: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  {
    name: "an OpenAI or Anthropic API key (sk-…)",
    pattern: /\bsk-(?:ant-(?:api|admin)\d\d-|proj-|svcacct-|admin-)[A-Za-z0-9_-]{20,}|\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}/g,
  },
  { name: "a Hugging Face token (hf_)", pattern: /\bhf_[A-Za-z]{34}(?![A-Za-z])/g },
  { name: "a PyPI token (pypi-)", pattern: /\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,}/g },
  { name: "a SendGrid API key (SG.)", pattern: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}/g },
  { name: "a DigitalOcean token (dop_v1_, doo_v1_, dor_v1_)", pattern: /\bdo[opr]_v1_[a-f0-9]{64}/g },
  { name: "a HashiCorp Vault token (hvs., hvb.)", pattern: /\bhv[sb]\.[A-Za-z0-9_-]{24,}/g },
  { name: "a Shopify token (shpat_, shpca_, shppa_, shpss_)", pattern: /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}/g },
  { name: "a JSON Web Token (eyJ….eyJ….…)", pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g },
  {
    name: "a URL with a password (scheme://user:password@host)",
    pattern: /\b[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/:@]{1,200}:[^\s/@]{1,200}@/g,
  },
  {
    name: "a connection string with a key or password (AccountKey=, SharedAccessKey=, Password=)",
    pattern: /\b(?:AccountKey|SharedAccessKey|Password|Pwd)=[^;\s]{6,}/gi,
  },
];

/** The first well-known credential shape `value` contains, or null. */
export function secretShapeIn(value: string): TokenPattern | null {
  for (const p of TOKEN_PATTERNS) {
    p.pattern.lastIndex = 0;
    const hit = p.pattern.test(value);
    p.pattern.lastIndex = 0;
    if (hit) return p;
  }
  return null;
}

/** Replaces every known secret value and every well-known credential shape in `text`. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length >= MIN_KNOWN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const p of TOKEN_PATTERNS) {
    p.pattern.lastIndex = 0;
    out = out.replace(p.pattern, REDACTED);
  }
  return out;
}

/** The values worth searching for: non-empty strings, longest first so a value inside another goes last. */
export function knownSecrets(values: readonly unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== "string") continue;
    const t = v.trim();
    if (t.length >= MIN_KNOWN_SECRET_LENGTH) out.add(t);
    if (v.length >= MIN_KNOWN_SECRET_LENGTH) out.add(v);
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Runs `redact` over every string of a finding. The last step of every parser. */
export function sanitizeFinding(finding: ExternalFinding, known: readonly string[] = []): ExternalFinding {
  const r = (s: string): string => redact(s, known);
  const rn = (s: string | null): string | null => (s === null ? null : redact(s, known));
  return {
    ...finding,
    fingerprint: r(finding.fingerprint),
    detector: r(finding.detector),
    displayName: r(finding.displayName),
    secretType: r(finding.secretType),
    provider: rn(finding.provider),
    repository: rn(finding.repository),
    locations: finding.locations.map((l) => ({ ...l, path: r(l.path), commitSha: rn(l.commitSha), url: rn(l.url) })),
    links: finding.links.map((l) => ({ title: clip(r(l.title), 200), url: r(l.url) })),
    // Clipped after redaction, so a secret cut in half can never slip past the search.
    description: finding.description === null ? null : clip(r(finding.description)),
    identifier: rn(finding.identifier),
    reporter: r(finding.reporter),
  };
}
