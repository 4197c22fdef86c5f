/**
 * JSON parsing whose errors never quote the input. V8's `JSON.parse` messages include a slice of
 * the text ("Unexpected token 'g', "ghp_…" is not valid JSON"), which for a secrets report may be
 * the secret, so on failure the text is scanned again here to say where and what, without content.
 */

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: describeJsonError(text) };
  }
}

/** "line 3, column 7: expected ',' or '}' after a property value". */
export function describeJsonError(text: string): string {
  const { offset, problem } = locateJsonError(text);
  const { line, column } = lineColumn(text, offset);
  return `line ${line}, column ${column}: ${problem}`;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Names a character without quoting content: punctuation is shown, letters and digits are not. */
function describeChar(ch: string): string {
  if (/^[[\]{}:,"'`<>()=;#]$/.test(ch)) return `'${ch}'`;
  if (/^[A-Za-z0-9]$/.test(ch)) return "letter or digit";
  if (ch === "\ufeff") return "byte-order mark";
  return "character";
}

const WS = new Set([" ", "\t", "\n", "\r"]);

/**
 * Finds the first offset where `text` stops being JSON. Iterative (an explicit stack), so deeply
 * nested input cannot overflow the call stack.
 */
export function locateJsonError(text: string): { offset: number; problem: string } {
  let i = 0;
  const n = text.length;
  const skipWs = (): void => {
    while (i < n && WS.has(text[i]!)) i++;
  };
  const fail = (problem: string, at = i): { offset: number; problem: string } => ({ offset: Math.min(at, n), problem });
  const end = (): { offset: number; problem: string } => fail("the input ends before the JSON value is complete", n);

  // Scans one string starting at the opening quote; returns an error or null.
  const scanString = (): { offset: number; problem: string } | null => {
    i++; // opening quote
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return null;
      }
      if (c < 0x20) return fail("a control character (such as a raw line break) inside a string; escape it");
      if (c === 92) {
        const e = text[i + 1];
        if (e === undefined) return end();
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail("an invalid \\u escape in a string");
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e)) return fail("an invalid escape in a string");
        i += 2;
        continue;
      }
      i++;
    }
    return fail("a string is not closed", n);
  };

  const scanNumber = (): { offset: number; problem: string } | null => {
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === "-" || m[0] === "") return fail("an invalid number");
    i += m[0].length;
    return null;
  };

  // Stack of containers: "[" or "{"; `expect` is what the grammar wants next.
  const stack: ("[" | "{")[] = [];
  type Expect = "value" | "value-or-close" | "key" | "key-or-close" | "colon" | "comma-or-close";
  let expect: Expect = "value";

  skipWs();
  if (i >= n) return fail("the input is empty", 0);
  for (;;) {
    skipWs();
    if (i >= n) return stack.length === 0 && expect === "comma-or-close" ? fail("no error found", n) : end();
    const ch = text[i]!;
    if (expect === "comma-or-close") {
      const top = stack[stack.length - 1];
      if (top === undefined) return fail(`unexpected ${describeChar(ch)} after the end of the JSON value`);
      if (ch === ",") {
        i++;
        expect = top === "[" ? "value" : "key";
        continue;
      }
      if ((top === "[" && ch === "]") || (top === "{" && ch === "}")) {
        i++;
        stack.pop();
        expect = "comma-or-close";
        continue;
      }
      return fail(top === "[" ? "expected ',' or ']' after an array element" : "expected ',' or '}' after a property value");
    }
    if (expect === "colon") {
      if (ch !== ":") return fail("expected ':' after a property name");
      i++;
      expect = "value";
      continue;
    }
    if (expect === "key" || expect === "key-or-close") {
      if (ch === "}" && expect === "key-or-close") {
        i++;
        stack.pop();
        expect = "comma-or-close";
        continue;
      }
      if (ch !== '"')
        return fail(expect === "key" && ch === "}" ? "a trailing comma before '}'" : "expected a double-quoted property name");
      const err = scanString();
      if (err) return err;
      expect = "colon";
      continue;
    }
    // a value
    if (ch === "]" && expect === "value-or-close") {
      i++;
      stack.pop();
      expect = "comma-or-close";
      continue;
    }
    if (ch === "[") {
      i++;
      stack.push("[");
      expect = "value-or-close";
      continue;
    }
    if (ch === "{") {
      i++;
      stack.push("{");
      expect = "key-or-close";
      continue;
    }
    if (ch === '"') {
      const err = scanString();
      if (err) return err;
      expect = "comma-or-close";
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      const err = scanNumber();
      if (err) return err;
      expect = "comma-or-close";
      continue;
    }
    const word = /^(?:true|false|null)/.exec(text.slice(i, i + 5));
    if (word) {
      i += word[0].length;
      expect = "comma-or-close";
      continue;
    }
    if (ch === "]" && stack[stack.length - 1] === "[") return fail("a trailing comma before ']'");
    return fail(`unexpected ${describeChar(ch)} where a value should be`);
  }
}
