/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Escapes text for a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** Carries ticked checkboxes over from the old body into the new one, matched by item text. */
export function carryCheckedBoxes(oldBody: string, newBody: string): string {
  const checked = new Set([...oldBody.matchAll(/^(\s*)- \[[xX]\] (.*)$/gm)].map((m) => m[2]!.trim()));
  if (checked.size === 0) return newBody;
  return newBody.replace(/^(\s*)- \[ \] (.*)$/gm, (line, indent: string, text: string) => (checked.has(text.trim()) ? `${indent}- [x] ${text}` : line));
}
