// Control: outside text rendered into issues and comments cannot open HTML or imitate the marker,
// break out of a code span or table cell, mention anyone, or inject a link or image
// (src/core/issue/markdown.ts: text, inlineCode, link, safeUrl, cell, fragment, owner, plain/title).
import { describe, expect, it } from "vitest";
import {
  cell,
  closeBlocks,
  fragment,
  inlineCode,
  link,
  openFence,
  owner,
  plain,
  safeUrl,
  text,
  title,
} from "../../../src/core/issue/markdown.ts";

const ZWSP = "\u200b";

/** Strings an attacker controls somewhere (a file path, a token name, a dispatch field, a comment). */
const HOSTILE: [string, string][] = [
  ["an HTML comment", "<!-- x -->"],
  ["a planted marker", '<!-- nhi-steward:v1 {"v":1,"key":"secret-scanning:acme/api#2"} -->'],
  ["a comment end", "-->"],
  ["team mentions", "@acme/security @acme/platform"],
  ["a mention glued to text", "ping:@alice,@bob"],
  ["a javascript: link", "[x](javascript:alert(1))"],
  ["an image", "![img](https://evil/x.png)"],
  ["a reference-style link", "[x][1]\n\n[1]: https://evil/"],
  ["a bare URL (autolink)", "see https://evil.example/login and www.evil.example"],
  ["an angle autolink", "<https://evil.example>"],
  ["an e-mail autolink", "mail admin@evil.example"],
  ["backticks", "a ` b `` c ```"],
  ["pipes", "a | b || c"],
  ["newlines", "line one\nline two\r\n# heading\r- item"],
  ["details", "<details><summary>open me</summary>x</details>"],
  ["an img tag", '<img src=x onerror="alert(1)">'],
  ["a form", '<form action="https://evil"><input name=q></form>'],
  ["entities", "&#64;acme/security &lt;!-- x --&gt;"],
  ["zero-width tricks", "@\u200bacme/security <\u200b!-- x --\u200b> java\u200bscript:alert(1) \u202eevil\u202c"],
  ["an issue reference", "closes #1 and acme/api#2 and GH-3"],
  ["a leading heading", "# not a heading"],
  ["a leading list", "- not a list"],
];

/** The raw text holds nothing GitHub would turn into HTML, a mention, a reference or a link. */
function assertInert(out: string): void {
  expect(out).not.toMatch(/[\r\n]/);
  expect(out).not.toContain("<");
  expect(out).not.toContain(">");
  // Every [ and ] is backslash-escaped (an odd number of backslashes before it).
  for (const m of out.matchAll(/(\\*)[[\]]/g)) expect(m[1]!.length % 2).toBe(1);
  // Every backtick is escaped too: no code span can open.
  for (const m of out.matchAll(/(\\*)`/g)) expect(m[1]!.length % 2).toBe(1);
  expect(out).not.toMatch(/@[A-Za-z0-9]/);
  expect(out).not.toMatch(/#\d/);
  expect(out).not.toContain("://");
  expect(out).not.toMatch(/www\./i);
  expect(out).not.toMatch(/&#/);
  // Only our own U+200B remains of the invisible characters.
  expect(out).not.toMatch(/[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
}

describe("text: outside text as inert Markdown", () => {
  it.each(HOSTILE)("%s", (_, hostile) => {
    assertInert(text(hostile));
  });

  it("renders as the characters it holds", () => {
    expect(text("<!-- x -->")).toBe("&lt;!-- x --&gt;");
    expect(text("@acme/security @acme/platform")).toBe(`@${ZWSP}acme/security @${ZWSP}acme/platform`);
    expect(text("[x](javascript:alert(1))")).toBe("\\[x\\](javascript:alert(1))");
    expect(text("![img](https://evil/x.png)")).toBe(`!\\[img\\](https:${ZWSP}//evil/x.png)`);
    expect(text("a ` b")).toBe("a \\` b");
    expect(text("snake_case *bold* ~~del~~")).toBe("snake\\_case \\*bold\\* \\~\\~del\\~\\~");
    expect(text("line one\nline two")).toBe("line one line two");
    expect(text("# title")).toBe("\\# title");
    expect(text("ci-deployer")).toBe("ci-deployer");
    expect(text("GitHub Personal Access Token")).toBe("GitHub Personal Access Token");
  });

  it("drops zero-width and bidi characters before escaping, so they cannot hide what is escaped", () => {
    expect(text("@\u200bacme/security")).toBe(`@${ZWSP}acme/security`);
    expect(text("<\u200b!--")).toBe("&lt;!--");
    expect(text("a\u202eb\u2066c\ufeffd\u00ade")).toBe("abcde");
    // ZWJ stays: emoji sequences need it.
    expect(text("👩\u200d💻")).toBe("👩\u200d💻");
  });
});

describe("inlineCode: identifiers and paths in a code span", () => {
  it.each(HOSTILE)("%s stays inside one code span", (_, hostile) => {
    const out = inlineCode(hostile);
    expect(out).not.toMatch(/[\r\n]/);
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("-->");
    const fence = /^`+/.exec(out)![0];
    expect(out.endsWith(fence)).toBe(true);
    const inner = out.slice(fence.length, out.length - fence.length);
    // No run inside is as long as the fence, so the span cannot close early.
    for (const run of inner.match(/`+/g) ?? []) expect(run.length).toBeLessThan(fence.length);
  });

  it("fences past the longest backtick run and pads a leading or trailing backtick", () => {
    expect(inlineCode("src/app.ts")).toBe("`src/app.ts`");
    expect(inlineCode("a ` b")).toBe("``a ` b``");
    expect(inlineCode("`x`")).toBe("`` `x` ``");
    expect(inlineCode(" padded ")).toBe("`  padded  `");
    expect(inlineCode("")).toBe("` `");
  });

  it("breaks marker look-alikes in the raw text with U+200B", () => {
    expect(inlineCode("a<!-- nhi-steward:v1 {} -->b")).toBe(`\`a<${ZWSP}!-- nhi-steward:v1 {} --${ZWSP}>b\``);
  });
});

describe("safeUrl and link: http(s) only, re-serialised, nothing that ends the link", () => {
  it.each([
    ["javascript:alert(1)"],
    ["JavaScript:alert(1)"],
    ["java\u200bscript:alert(1)"],
    ["data:text/html,<script>alert(1)</script>"],
    ["vbscript:msgbox"],
    ["file:///etc/passwd"],
    ["//evil.example/x"],
    ["/relative/path"],
    ["https://user:password@evil.example/"],
    ["not a url"],
    [""],
  ])("refuses %j", (url) => {
    expect(safeUrl(url)).toBeNull();
    expect(link("title", url)).toBe("title");
  });

  it("percent-encodes what would end the link or open another", () => {
    const out = link("view", "https://evil.example/x.png)![x](https://evil.example/y.png");
    expect(out).toBe("[view](https://evil.example/x.png%29!%5Bx%5D%28https://evil.example/y.png)");
    // Exactly one link: the destination holds no parenthesis, bracket, angle bracket or space.
    expect(out).toMatch(/^\[view\]\(https:\/\/evil\.example\/[^\s()<>[\]]*\)$/);
    expect(safeUrl('https://e.example/a b"c<d>e`f|g\\h')).toBe("https://e.example/a%20b%22c%3Cd%3Ee%60f%7Cg/h");
  });

  it("keeps ordinary URLs as they were", () => {
    expect(safeUrl("https://github.com/acme/api/blob/9f2c/infra/deploy.sh#L3")).toBe(
      "https://github.com/acme/api/blob/9f2c/infra/deploy.sh#L3",
    );
    expect(safeUrl("https://console.aws.amazon.com/iam/home#/users/ci-deployer")).toBe(
      "https://console.aws.amazon.com/iam/home#/users/ci-deployer",
    );
  });

  it("escapes the title, which cannot nest a link, an image or a mention", () => {
    expect(link("[x](https://evil) @acme/security <img>", "https://e.example/")).toBe(
      `[\\[x\\](https:${ZWSP}//evil) @${ZWSP}acme/security &lt;img&gt;](https://e.example/)`,
    );
    expect(link("a)b", "https://e.example/a)b")).toBe("[a)b](https://e.example/a%29b)");
  });
});

describe("cell: a table cell from safe Markdown", () => {
  it("escapes pipes (in code spans too) and line breaks", () => {
    expect(cell(text("a | b"))).toBe("a \\| b");
    expect(cell(inlineCode("a|b"))).toBe("`a\\|b`");
    expect(cell("one\ntwo")).toBe("one two");
  });
});

describe("fragment: our Markdown around outside text", () => {
  it("keeps our code spans and emphasis", () => {
    expect(fragment("steward of system **payments** (`@acme/payments`), which owns this credential")).toBe(
      "steward of system **payments** (`@acme/payments`), which owns this credential",
    );
    expect(fragment(".github/CODEOWNERS line 3: `/infra/ @alice`")).toBe(".github/CODEOWNERS line 3: `/infra/ @alice`");
  });

  it.each(HOSTILE)("neutralises %s outside code spans", (_, hostile) => {
    const out = fragment(`handed off by @mallory: ${hostile}`);
    // Outside code spans: no HTML, mention, link or autolink.
    const outside = out.replace(/(`+)[^`]*?\1/g, "");
    expect(outside).not.toContain("<");
    expect(outside).not.toMatch(/@[A-Za-z0-9]/);
    for (const m of outside.matchAll(/(\\*)[[\]]/g)) expect(m[1]!.length % 2).toBe(1);
    expect(outside).not.toContain("://");
    expect(out).not.toContain("<!--");
    expect(out).not.toContain("-->");
    expect(out).not.toMatch(/[\r\n]/);
  });

  it("turns an unpaired backtick into a literal one", () => {
    expect(fragment("No line matches `weird`path`.")).toBe("No line matches `weird`path\\`.");
  });
});

describe("owner: our own deliberate mentions", () => {
  it("keeps well-formed handles live and escapes anything else", () => {
    expect(owner("alice")).toBe("@alice");
    expect(owner("@acme/security")).toBe("@acme/security");
    expect(owner("dev@acme.example")).toBe(`dev@${ZWSP}acme.example`);
    expect(owner("@acme/security @acme/platform")).toBe(`@${ZWSP}acme/security @${ZWSP}acme/platform`);
    expect(owner("@x<!--")).toBe(`@${ZWSP}x&lt;!--`);
  });
});

describe("plain and title: issue titles", () => {
  it("are one line, without invisible characters, capped", () => {
    expect(plain("a\nb\r\nc\td\u202e")).toBe("a b c d");
    const long = title(`Leaked ${"x".repeat(400)}`);
    expect(long.length).toBe(256);
    expect(long.endsWith("…")).toBe(true);
    expect(plain("abcdef", 4)).toBe("abc…");
  });
});

describe("openFence and closeBlocks: a runbook cannot swallow what follows it", () => {
  it("finds a fence left open and closes it", () => {
    expect(openFence("text\n```sh\necho\n```\n")).toBeNull();
    expect(openFence("text\n```sh\necho\n")).toBe("```");
    expect(openFence("~~~~\nx\n~~~\n")).toBe("~~~~");
    expect(openFence("``` inline ` code\n")).toBeNull();
    expect(openFence(closeBlocks("````\nx"))).toBeNull();
  });

  it("ends an HTML comment left open", () => {
    expect(closeBlocks("step 1\n<!-- hidden")).toBe("step 1\n<!-- hidden\n-->");
    expect(closeBlocks("step 1 <!-- a --> b")).toBe("step 1 <!-- a --> b");
  });
});
