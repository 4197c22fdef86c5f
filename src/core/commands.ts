import { parseDuration, type Duration } from "./sla/duration.ts";

/** How an owner may close a response, and GitHub's alert resolution for each. */
export const RESOLUTIONS = {
  revoked: "revoked",
  rotated: "revoked",
  "false-positive": "false_positive",
  "used-in-tests": "used_in_tests",
  "wont-fix": "wont_fix",
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
/** Resolutions that accept a risk instead of removing it: they need a reason. */
export const NEEDS_REASON: readonly Resolution[] = ["false-positive", "wont-fix"];

export type Command =
  | { name: "ack" }
  | { name: "snooze"; duration: Duration; reason: string }
  | { name: "handoff"; to: string; reason: string }
  | { name: "revoke" }
  | { name: "resolve"; resolution: Resolution; comment: string }
  | { name: "approve" };

export const COMMAND_HELP = [
  "`/ack`: you are on it (stops the acknowledge clock)",
  "`/snooze <duration> <reason>`: accept the risk for a while (pauses escalation; owners and security only)",
  "`/handoff @user|@org/team <reason>`: give it to someone else",
  "`/revoke`: ask nhi-steward to revoke the credential now (the same safety gates as automatic revocation)",
  "`/resolve <revoked|rotated|false-positive|used-in-tests|wont-fix> [comment]`: record how it was handled and close",
  "`/approve`: security approves a pending risk acceptance (when the policy requires it)",
].join("\n- ");

export function isResolution(s: string): s is Resolution {
  return Object.hasOwn(RESOLUTIONS, s);
}

const COMMAND_START = /^\/(ack|snooze|handoff|revoke|resolve|approve)\b/;

/** Columns of whitespace from `from` (a tab advances to the next multiple of 4), and where the text starts. */
function indentOf(line: string, from = 0): { columns: number; start: number } {
  let columns = 0;
  let start = from;
  for (; start < line.length; start++) {
    const c = line[start];
    if (c === " ") columns++;
    else if (c === "\t") columns += 4 - (columns % 4);
    else break;
  }
  return { columns, start };
}

interface Fence {
  char: string;
  length: number;
}

/** The code fence `text` opens (3+ backticks with no backtick after them, or 3+ tildes); null for none. */
function fenceOpening(text: string): Fence | null {
  const char = text[0];
  if (char !== "`" && char !== "~") return null;
  let length = 0;
  while (text[length] === char) length++;
  if (length < 3) return null;
  // "```x`" is an inline code span, not a fence.
  if (char === "`" && text.includes("`", length)) return null;
  return { char, length };
}

/** Whether `line` (from `from`) closes the fence: at most 3 spaces, at least as many of its characters, nothing else. */
function fenceCloses(line: string, fence: Fence, from = 0): boolean {
  const { columns, start } = indentOf(line, from);
  if (columns > 3) return false;
  let end = start;
  while (line[end] === fence.char) end++;
  if (end - start < fence.length) return false;
  for (let i = end; i < line.length; i++) if (line[i] !== " " && line[i] !== "\t") return false;
  return true;
}

/** The block a line (indented at most 3 columns) starts, when it ends a paragraph: a heading, a thematic break or a list item. */
function blockStart(text: string): "heading" | "break" | "item" | null {
  const c = text[0];
  if (c === "#") {
    let n = 0;
    while (text[n] === "#") n++;
    return n <= 6 && (n === text.length || text[n] === " " || text[n] === "\t") ? "heading" : null;
  }
  if (c === "-" || c === "*" || c === "_") {
    let marks = 0;
    let other = false;
    for (let i = 0; i < text.length && !other; i++) {
      if (text[i] === c) marks++;
      else if (text[i] !== " " && text[i] !== "\t") other = true;
    }
    if (!other && marks >= 3) return "break";
  }
  if ((c === "-" || c === "*" || c === "+") && (text[1] === " " || text[1] === "\t")) return "item";
  if (c === "1" && (text[1] === "." || text[1] === ")") && (text[2] === " " || text[2] === "\t")) return "item";
  return null;
}

/** A raw HTML block GitHub shows as preformatted or not at all (`<pre>`, `<script>`, `<style>`, `<textarea>`), to its end tag. */
const RAW_HTML_START = /^<(?:pre|script|style|textarea)(?:[\s>]|$)/i;
const RAW_HTML_END = /<\/(?:pre|script|style|textarea)>/i;

/** Whether a line (indented at most 3 columns) opens a block that interrupts a paragraph. */
function interrupts(text: string): boolean {
  return fenceOpening(text) !== null || text.startsWith("<!--") || RAW_HTML_START.test(text) || blockStart(text) !== null;
}

/** What an open block quote is in the middle of: a paragraph (which lazy lines continue) or a fence. */
interface Quote {
  paragraph: boolean;
  fence: Fence | null;
}

/** The state after one `>` line; `from` is just after its first `>`. Nested `>` are one quote here. */
function quoteLine(line: string, from: number, before: Quote | null): Quote {
  let at = from;
  if (before?.fence) return { paragraph: false, fence: fenceCloses(line, before.fence, at) ? null : before.fence };
  for (;;) {
    const { columns, start } = indentOf(line, at);
    if (columns > 3 || line[start] !== ">") break;
    at = start + 1;
  }
  const { columns, start } = indentOf(line, at);
  const text = line.slice(start);
  if (!text) return { paragraph: false, fence: null };
  // Indented code in the quote, or a continuation of its paragraph.
  if (columns > 4) return { paragraph: before?.paragraph ?? false, fence: null };
  const fence = fenceOpening(text);
  if (fence) return { paragraph: false, fence };
  const block = blockStart(text);
  return { paragraph: !text.startsWith("<!--") && !RAW_HTML_START.test(text) && block !== "heading" && block !== "break", fence: null };
}

interface TextLine {
  text: string;
  /** False for a paragraph's continuation indented 4+ columns: shown as a command example, not given as one. */
  canStart: boolean;
}

/**
 * The comment's paragraphs (runs of text lines whose inline code spans may cross lines) outside what
 * GitHub renders as code, quotes or comments: fenced code (``` or ~~~ of any length, indented up to 3
 * spaces; an unclosed fence runs to the end), indented code, block quotes with their lazy
 * continuation lines, HTML comment blocks (`<!-- … -->`, over any number of lines) and `<pre>`
 * blocks (with `<script>`, `<style>`, `<textarea>`, which CommonMark treats alike). One pass, no
 * backtracking. Where it simplifies CommonMark (indented paragraphs in list items), it can only miss a
 * command, never run one that is shown as an example.
 */
function paragraphs(body: string): TextLine[][] {
  const groups: TextLine[][] = [];
  let current: TextLine[] = [];
  const end = () => {
    if (current.length) groups.push(current);
    current = [];
  };
  let fence: Fence | null = null;
  let htmlComment = false;
  let rawHtml = false;
  let quote: Quote | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (fence) {
      if (fenceCloses(line, fence)) fence = null;
      continue;
    }
    if (htmlComment) {
      if (line.includes("-->")) htmlComment = false;
      continue;
    }
    if (rawHtml) {
      if (RAW_HTML_END.test(line)) rawHtml = false;
      continue;
    }
    const { columns, start } = indentOf(line);
    const text = line.slice(start);
    if (columns <= 3 && text[0] === ">") {
      end();
      quote = quoteLine(line, start + 1, quote);
      continue;
    }
    if (quote) {
      // A lazy continuation line: GitHub shows it inside the quote's paragraph.
      if (quote.paragraph && text && (columns > 3 || !interrupts(text))) continue;
      quote = null;
    }
    if (!text) {
      end();
      continue;
    }
    if (columns > 3) {
      // After paragraph text, a continuation line; else indented code.
      if (current.length) current.push({ text: line, canStart: false });
      continue;
    }
    const opened = fenceOpening(text);
    if (opened) {
      end();
      fence = opened;
      continue;
    }
    if (text.startsWith("<!--")) {
      end();
      htmlComment = !text.includes("-->", 2);
      continue;
    }
    if (RAW_HTML_START.test(text)) {
      end();
      rawHtml = !RAW_HTML_END.test(text);
      continue;
    }
    const block = blockStart(text);
    if (block) end();
    current.push({ text: line, canStart: true });
    if (block === "heading" || block === "break") end();
  }
  end();
  return groups;
}

const CODE = 1;
const HIDDEN = 2;

/**
 * Marks inline code spans (CODE) and inline HTML comments (HIDDEN) in a paragraph, CommonMark's way:
 * left to right, a backtick run opens a span closed by the next run of the same length (none: the
 * backticks are literal), a backslash escapes the next character outside spans. Linear: each run's
 * next run of the same length is found in one backward pass, and the search for `-->` resumes
 * where the last one ended.
 */
function inlineMask(s: string): Uint8Array {
  const mask = new Uint8Array(s.length);
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let i = 0; i < s.length;) {
    if (s[i] !== "`") {
      i++;
      continue;
    }
    let j = i;
    while (s[j] === "`") j++;
    starts.push(i);
    lengths.push(j - i);
    i = j;
  }
  const nextSame = new Int32Array(starts.length);
  // After a backslash-escaped backtick the rest of its run (one shorter) may open a span.
  const nextShorter = new Int32Array(starts.length);
  const latest = new Map<number, number>();
  for (let r = starts.length - 1; r >= 0; r--) {
    nextSame[r] = latest.get(lengths[r]!) ?? -1;
    nextShorter[r] = latest.get(lengths[r]! - 1) ?? -1;
    latest.set(lengths[r]!, r);
  }
  let r = 0;
  let close = -2;
  for (let p = 0; p < s.length;) {
    while (r < starts.length && starts[r]! < p) r++;
    const c = s[p];
    if (c === "\\") {
      if (s[p + 1] !== "`") {
        p += 2;
        continue;
      }
      const j = lengths[r]! > 1 ? nextShorter[r]! : -1;
      const end = j === -1 ? starts[r]! + lengths[r]! : starts[j]! + lengths[j]!;
      if (j !== -1) mask.fill(CODE, p + 2, end);
      p = end;
      continue;
    }
    if (c === "`") {
      const j = nextSame[r]!;
      const end = j === -1 ? p + lengths[r]! : starts[j]! + lengths[j]!;
      if (j !== -1) mask.fill(CODE, p, end);
      p = end;
      continue;
    }
    if (c === "<" && s.startsWith("<!--", p)) {
      if (close !== -1 && close < p + 2) close = s.indexOf("-->", p + 2);
      if (close !== -1) {
        mask.fill(HIDDEN, p, close + 3);
        p = close + 3;
        continue;
      }
    }
    p++;
  }
  return mask;
}

/** The first line that starts with a command outside code, quotes and comments, as shown (comments removed); null for none. */
function commandLine(body: string): string | null {
  for (const group of paragraphs(body)) {
    const mask = inlineMask(group.map((l) => l.text).join("\n"));
    let offset = 0;
    for (const { text, canStart } of group) {
      const lead = text.length - text.trimStart().length;
      if (canStart && text[lead] === "/" && !mask[offset + lead]) {
        let detect = "";
        let shown = "";
        for (let i = lead; i < text.length; i++) {
          const m = mask[offset + i];
          detect += m ? "\0" : text[i];
          shown += m === HIDDEN ? " " : text[i];
        }
        if (COMMAND_START.test(detect)) return shown.trim();
      }
      offset += text.length + 1;
    }
  }
  return null;
}

/**
 * The first line of a comment that is a command; null when the comment has none. Commands shown as
 * examples do not run: in code (fenced, indented, or an inline code span), in a block quote, or in
 * an HTML comment.
 */
export function parseCommand(body: string): { ok: true; command: Command } | { ok: false; error: string } | null {
  const line = commandLine(body);
  if (!line) return null;
  const [word, ...rest] = line.split(/\s+/);
  const args = rest.join(" ").trim();
  switch (word) {
    case "/ack":
      return { ok: true, command: { name: "ack" } };
    case "/revoke":
      return { ok: true, command: { name: "revoke" } };
    case "/approve":
      return { ok: true, command: { name: "approve" } };
    case "/snooze": {
      // The duration is the longest leading run of words that parses; the rest is the reason.
      const words = args.split(/\s+/).filter(Boolean);
      for (let n = Math.min(3, words.length); n >= 1; n--) {
        const parsed = parseDuration(words.slice(0, n).join(" "));
        if (parsed.ok) {
          const reason = words.slice(n).join(" ");
          if (!reason)
            return {
              ok: false,
              error: "`/snooze` needs a reason after the duration, e.g. `/snooze 2d waiting for the vendor to rotate the key`.",
            };
          return { ok: true, command: { name: "snooze", duration: parsed.value, reason } };
        }
      }
      return { ok: false, error: "`/snooze` needs a duration and a reason, e.g. `/snooze 2d waiting for the vendor to rotate the key`." };
    }
    case "/handoff": {
      const m = /^(@[A-Za-z0-9-]+(?:\/[A-Za-z0-9._-]+)?)\s*(.*)$/.exec(args);
      if (!m)
        return { ok: false, error: "`/handoff` needs who to hand it to, e.g. `/handoff @acme/payments they own the Stripe account`." };
      return { ok: true, command: { name: "handoff", to: m[1]!, reason: m[2]!.trim() } };
    }
    case "/resolve": {
      const [resolution, ...comment] = args.split(/\s+/);
      if (!resolution || !isResolution(resolution))
        return {
          ok: false,
          error: `\`/resolve\` needs one of ${Object.keys(RESOLUTIONS).join(", ")}, e.g. \`/resolve rotated new key in vault\`.`,
        };
      return { ok: true, command: { name: "resolve", resolution, comment: comment.join(" ").trim() } };
    }
  }
  return null;
}

/** Who may run what: owners (assignees, owning teams), and the security team. */
export interface Authority {
  actor: string;
  assignees: string[];
  /** Members of the teams that own the issue (its mentions). */
  ownerTeamMembers: string[];
  securityTeamMembers: string[];
  securityTeam: string | null;
}

export function authorize(command: Command, a: Authority): { ok: true } | { ok: false; reply: string } {
  const isOwner = a.assignees.includes(a.actor) || a.ownerTeamMembers.includes(a.actor);
  const isSecurity = a.securityTeamMembers.includes(a.actor);
  if (command.name === "ack" || command.name === "resolve" || command.name === "handoff" || command.name === "revoke") {
    if (isOwner || isSecurity) return { ok: true };
  }
  if (command.name === "snooze" && (a.ownerTeamMembers.includes(a.actor) || a.assignees.includes(a.actor) || isSecurity))
    return { ok: true };
  if (command.name === "approve") {
    if (isSecurity) return { ok: true };
    return {
      ok: false,
      reply: `@${a.actor}, only members of ${a.securityTeam ?? "the security team (set `commands.security_team`)"} may \`/approve\`.`,
    };
  }
  const who = ["the assignees", "members of the owning team", a.securityTeam ? `members of ${a.securityTeam}` : null]
    .filter(Boolean)
    .join(", ");
  return { ok: false, reply: `@${a.actor}, only ${who} may use \`/${command.name}\` here. Ask one of them, or ask security to add you.` };
}
