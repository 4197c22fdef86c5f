/**
 * Rendering strings that come from outside (file paths, detector and dispatch fields, token and app
 * names, people's comments, policy names) into issue and comment Markdown, so that none of them can:
 *
 * - open HTML (a comment, a form, `<details>`, `<img>`) or imitate nhi-steward's marker;
 * - break out of a code span, a table cell or the line it is on;
 * - mention a user or team (`@name`), or reference another issue (`#12`);
 * - inject a link or an image (`[`, `]`, `(`, `)`, `!`, autolinks like `https://…` or `www.…`).
 *
 * One rule per context:
 *
 * | function | for | what it does |
 * |---|---|---|
 * | `text` | free text in Markdown | `&`, `<`, `>` as entities; Markdown punctuation backslash-escaped; `@name`, `#12`, `scheme://`, `www.` broken with U+200B |
 * | `inlineCode` | identifiers, paths | a code span whose fence outgrows any backtick run inside; `<!--`/`-->` broken with U+200B |
 * | `link` | a titled link | http(s) only, parsed with `new URL` and re-serialised, `()[]<>` etc. percent-encoded; otherwise the title alone |
 * | `cell` | a table cell | escapes `\|`; applied to Markdown already made safe by the others |
 * | `fragment` | our own Markdown that embeds outside text (routing reasons, policy problems) | code spans kept, everything else as `text` but emphasis kept |
 * | `owner` | our deliberate mentions of routed owners | `@login` / `@org/team` live when well-formed, else `text` |
 * | `plain` / `title` | issue titles and other plain text | one line, invisible characters dropped, length capped |
 *
 * Every function first drops control and invisible format characters (zero-width spaces, bidi
 * overrides, soft hyphens) and turns line breaks into spaces, so the escaping sees what is shown.
 */

const ZWSP = "\u200b";

/** Controls and invisible format characters, except ZWNJ/ZWJ (U+200C/U+200D, which scripts and emoji need). */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const BREAKS = /\r\n|[\r\n\t\u2028\u2029\u0085]/g;

/** One line of text: line breaks and tabs as spaces, controls and invisible characters dropped. */
function clean(s: string): string {
  return String(s).replace(BREAKS, " ").replace(INVISIBLE, "");
}

/**
 * Breaks the constructs GitHub turns into mentions, references and links in a run of text.
 * `refs: false` keeps `#12` (inside a link's label, where GitHub makes no reference of it).
 */
function defuse(s: string, refs = true): string {
  const out = s
    // @user, @org/team, and e-mail autolinks (user@host): GitHub needs a word character after "@".
    .replace(/@(?=[\p{L}\p{N}_-])/gu, `@${ZWSP}`)
    // scheme://… and www.… are autolinked by GitHub.
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
  // #12, GH-12: references to issues (which would show a cross-reference there).
  return refs ? out.replace(/#(?=\d)/g, `#${ZWSP}`).replace(/\b(GH)-(?=\d)/gi, `$1-${ZWSP}`) : out;
}

/** Entities for what opens HTML (`<`, `>`) and entities (`&`): the raw body never holds `<!--`. */
function entities(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Markdown punctuation backslash-escaped in `text`. `[` and `]` are enough to stop links and images
 * (`(`, `)` and `!` mean nothing without them); pipes are `cell`'s.
 */
const TEXT_ESCAPES = /[\\`*_[\]~]/g;

/**
 * Free text from outside, safe anywhere inline in Markdown (in a table cell after `cell`). Nothing
 * in it is interpreted: it renders as the characters it holds.
 */
export function text(s: string): string {
  return lineSafe(defuse(entities(clean(s)).replace(TEXT_ESCAPES, (c) => `\\${c}`)));
}

/** At the start of a line these would open a heading, a list or a setext underline. */
function lineSafe(s: string): string {
  return /^[#+=-]/.test(s) ? `\\${s}` : s;
}

/**
 * Inline code that survives any content: the fence is one backtick longer than the longest run
 * inside, and `<!--`/`-->` are broken so the raw body never holds what looks like a marker.
 */
export function inlineCode(s: string): string {
  const body = clean(s)
    .replace(/<!--/g, `<${ZWSP}!--`)
    .replace(/--(?=>)/g, `--${ZWSP}`);
  if (body === "") return "` `";
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = body.startsWith("`") || body.endsWith("`") || (body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** Characters percent-encoded in a link target beyond what `new URL` encodes: none can end or re-open Markdown. */
const URL_UNSAFE = /[()[\]<>"'`\\|{}\s]/g;

/**
 * An http(s) URL, parsed with `new URL` and re-serialised with every character that means something
 * to Markdown percent-encoded; null for anything else (other schemes, relative or unparsable URLs,
 * URLs carrying a user name or password).
 */
export function safeUrl(raw: string | null | undefined): string | null {
  if (typeof raw !== "string") return null;
  const trimmed = clean(raw).trim();
  if (trimmed === "" || trimmed.length > 2000) return null;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password || !url.hostname) return null;
  return url.href.replace(URL_UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** `[title](url)` when the URL is http(s); the title alone (as text) otherwise. */
export function link(title: string, url: string | null | undefined): string {
  const target = safeUrl(url);
  if (!target) return text(title);
  const label = defuse(
    entities(clean(title).trim()).replace(TEXT_ESCAPES, (c) => `\\${c}`),
    false,
  );
  return `[${label || "link"}](${target})`;
}

/**
 * A table cell from Markdown already made safe (by `text`, `inlineCode`, `link`, `fragment`): pipes
 * escaped (GitHub unescapes them inside code spans too), line breaks as spaces.
 */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|").replace(/\r\n|[\r\n]/g, " ");
}

/**
 * Markdown nhi-steward composed itself around outside text (routing reasons, notes, policy problems):
 * its code spans are kept (made safe as in `inlineCode`), and everything else is escaped as `text`
 * except `*` and `_`, so emphasis still works. Nothing in it mentions, links or opens HTML.
 */
export function fragment(markdown: string): string {
  const s = clean(markdown);
  let out = "";
  let plain = "";
  const flush = () => {
    out += defuse(entities(plain).replace(/[\\[\]~]/g, (c) => `\\${c}`));
    plain = "";
  };
  let i = 0;
  while (i < s.length) {
    if (s[i] !== "`") {
      plain += s[i];
      i++;
      continue;
    }
    let j = i;
    while (s[j] === "`") j++;
    const run = j - i;
    // CommonMark: a code span closes at the next backtick run of exactly the same length.
    let close = -1;
    for (let k = j; k < s.length;) {
      if (s[k] !== "`") {
        k++;
        continue;
      }
      let m = k;
      while (s[m] === "`") m++;
      if (m - k === run) {
        close = k;
        break;
      }
      k = m;
    }
    flush();
    if (close < 0) {
      out += "\\`".repeat(run);
      i = j;
      continue;
    }
    out += inlineCode(s.slice(j, close));
    i = close + run;
  }
  flush();
  return lineSafe(out);
}

const HANDLE = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9._-]{1,100})?$/;

/**
 * One of our deliberate mentions, of an owner routing chose (`@login`, `@org/team`, or a bare login):
 * live when it is a well-formed handle, else shown as text (an e-mail owner, say).
 */
export function owner(handle: string): string {
  const h = handle.startsWith("@") ? handle : `@${handle}`;
  return HANDLE.test(h) ? h : text(handle);
}

/** Plain text on one line, trimmed, whitespace collapsed, capped at `max` characters (with `…`). */
export function plain(s: string, max = Infinity): string {
  const one = clean(s).replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** GitHub's limit on an issue title. */
export const MAX_TITLE = 256;

/** An issue title: plain text on GitHub (no Markdown), so one line, capped. */
export function title(s: string): string {
  return plain(s, MAX_TITLE);
}

/**
 * The fence a piece of Markdown leaves open at its end (`` ``` `` or `~~~`, as CommonMark reads
 * fences at up to three spaces of indentation), or null when every fence it opens is closed.
 */
export function openFence(markdown: string): string | null {
  if (!markdown.includes("```") && !markdown.includes("~~~")) return null;
  let open: { char: string; length: number } | null = null;
  for (const line of markdown.split(/\r\n|\r|\n/)) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    const fence = m[1]!;
    const rest = m[2]!;
    if (!open) {
      // A backtick fence's info string may not contain backticks.
      if (fence[0] === "`" && rest.includes("`")) continue;
      open = { char: fence[0]!, length: fence.length };
    } else if (fence[0] === open.char && fence.length >= open.length && rest.trim() === "") {
      open = null;
    }
  }
  return open ? open.char.repeat(open.length) : null;
}

/**
 * Markdown from a policy (a runbook) closed off, so nothing after it in the body falls into its
 * code block or HTML comment: an open fence is closed, an open `<!--` is ended.
 */
export function closeBlocks(markdown: string): string {
  let out = markdown;
  const fence = openFence(out);
  if (fence) out = `${out}\n${fence}`;
  const comment = out.lastIndexOf("<!--");
  if (comment >= 0 && out.indexOf("-->", comment + 4) < 0) out = `${out}\n-->`;
  return out;
}

/** Carries ticked checkboxes over from the old body into the new one, matched by item text. */
export function carryCheckedBoxes(oldBody: string, newBody: string): string {
  const checked = new Set([...oldBody.matchAll(/^(\s*)- \[[xX]\] (.*)$/gm)].map((m) => m[2]!.trim()));
  if (checked.size === 0) return newBody;
  return newBody.replace(/^(\s*)- \[ \] (.*)$/gm, (line, indent: string, text: string) =>
    checked.has(text.trim()) ? `${indent}- [x] ${text}` : line,
  );
}
