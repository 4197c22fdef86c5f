import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/core/commands.ts";

describe("parsing commands", () => {
  it.each([
    ["/ack", { name: "ack" }],
    ["thanks!\n/ack\nmore", { name: "ack" }],
    ["/snooze 2d waiting for vendor", { name: "snooze", duration: { kind: "elapsed", ms: 172_800_000 }, reason: "waiting for vendor" }],
    [
      "/snooze 1 business day rotating tomorrow",
      { name: "snooze", duration: { kind: "working-days", days: 1 }, reason: "rotating tomorrow" },
    ],
    ["/handoff @acme/payments owns it", { name: "handoff", to: "@acme/payments", reason: "owns it" }],
    ["/revoke", { name: "revoke" }],
    ["/resolve rotated new key in vault", { name: "resolve", resolution: "rotated", comment: "new key in vault" }],
    ["/approve", { name: "approve" }],
  ])("%j", (body, command) => {
    expect(parseCommand(body)).toEqual({ ok: true, command });
  });

  it.each([
    ["/snooze 2d", "needs a reason after the duration"],
    ["/snooze later please", "needs a duration and a reason"],
    ["/handoff bob", "needs who to hand it to"],
    ["/resolve fixed", "needs one of revoked, rotated, false-positive, used-in-tests, wont-fix"],
  ])("%j is explained", (body, error) => {
    expect(parseCommand(body)).toEqual({ ok: false, error: expect.stringContaining(error) });
  });

  it("ignores comments without a command", () => {
    expect(parseCommand("I will rotate it /ack later")).toBeNull();
  });
});

// Control: commands shown as examples (code, quotes, HTML comments) do not run; only commands
// written as text do. (Security issue: "/revoke" quoted in a comment ran.)
describe("commands shown as examples do not run", () => {
  // Comments can be 65,536 characters; four times that, so a quadratic scan could not hide.
  const long = 4 * 65_536;
  it.each([
    ["a fenced block", "Run this:\n```\n/revoke\n```"],
    ["a fenced block with an info string", "```sh\n/resolve wont-fix\n```"],
    ["a tilde fence", "~~~\n/ack\n~~~"],
    ["a longer fence holding a shorter one", "````md\n```\n```\n/revoke\n````"],
    ["a fence indented 3 spaces", "   ```\n/snooze 2d reason\n   ```"],
    ["an unclosed fence (GitHub shows the rest as code)", "like so:\n```\nexample\n\n/revoke\n\nmore text"],
    ["an unclosed tilde fence after text", "text\n~~~~~\n/approve"],
    ["an indented code block", "    /revoke"],
    ["an indented code block (tab)", "\t/handoff @bob x"],
    ["an indented code block after a blank line", "Example:\n\n    /resolve wont-fix\n\n        /ack"],
    ["a paragraph's continuation indented 4 spaces", "you could say\n    /revoke"],
    ["an inline code span", "`/ack`"],
    ["an inline code span of two backticks", "``/resolve wont-fix ` here``"],
    ["an inline code span over lines", "Write `\n/revoke\n` to revoke it"],
    ["a block quote", "> /resolve wont-fix"],
    ["a block quote without a space", ">/ack"],
    ["a nested block quote", "> > /revoke"],
    ["a quote's lazy continuation line", "> Bob said:\n/resolve wont-fix"],
    ["a fence in a quote", "> ```\n> /revoke\n> ```"],
    ["an HTML comment", "<!-- /revoke -->"],
    ["an HTML comment over lines", "<!--\n/revoke\n-->"],
    ["an HTML comment with blank lines", "<!-- draft\n\n/revoke\n\n-->"],
    ["an HTML comment indented", "  <!--\n/approve\n  -->"],
    ["an inline HTML comment over lines", "noted <!--\n/revoke\n--> thanks"],
    ["a <pre> block", "<pre>\n/revoke\n</pre>"],
    ["an unclosed <PRE> block", '<PRE class="x">\n/resolve wont-fix'],
  ])("in %s", (_, body) => {
    expect(parseCommand(body)).toBeNull();
  });

  it.each([
    ["after a closed fence", "```\n/revoke\n```\n/ack", { name: "ack" }],
    ["after a closing fence with trailing spaces", "~~~\n/revoke\n~~~   \n/ack", { name: "ack" }],
    ["after a fence a shorter run did not close", "~~~~\n~~~\n/revoke\n~~~~\n/revoke", { name: "revoke" }],
    ["after a fence whose closer was longer", "```\n/revoke\n`````\n/ack", { name: "ack" }],
    ["after a quote and a blank line", "> /resolve wont-fix\n\n/ack", { name: "ack" }],
    ["after a quote and a fence that ends it", "> quoted\n```\ncode\n```\n/ack", { name: "ack" }],
    ["after an HTML comment", "<!-- /revoke -->\n/ack", { name: "ack" }],
    ["after an HTML comment over lines", "<!--\n/revoke\n-->\n/ack", { name: "ack" }],
    ["after a <pre> block", "<pre>\n/revoke\n</pre>\n/ack", { name: "ack" }],
    ["after an inline code span", "`/revoke` is for later\n/ack", { name: "ack" }],
    ["after an unmatched backtick (literal)", "a `stray backtick\n/ack", { name: "ack" }],
    ["after an indented code block", "    /revoke\n/ack", { name: "ack" }],
    ["indented 3 spaces", "   /ack", { name: "ack" }],
    [
      "with a code span in its text",
      "/resolve rotated new key in `vault/prod`",
      { name: "resolve", resolution: "rotated", comment: "new key in `vault/prod`" },
    ],
    [
      "with an HTML comment in its text (not shown, so not taken)",
      "/resolve rotated new key <!-- ticket 12 --> in vault",
      { name: "resolve", resolution: "rotated", comment: "new key in vault" },
    ],
    ["with three backticks and a backtick later (a code span, not a fence)", "```inline` ok\n/ack", { name: "ack" }],
  ])("%s", (_, body, command) => {
    expect(parseCommand(body)).toEqual({ ok: true, command });
  });

  it.each([
    // An unclosed comment or fence hides what follows, as GitHub renders it.
    ["unclosed comment openers", "<!--".repeat(long / 4), null],
    ["nested quote markers", ">".repeat(long), { ok: true }],
    [
      "backtick runs of every length",
      Array.from({ length: 720 }, (_, i) => "`".repeat(i + 1))
        .join("x")
        .slice(0, long),
      { ok: true },
    ],
    ["one long backtick run, then single ones", "``" + " `".repeat(long / 2), { ok: true }],
    ["unmatched single backticks and escapes", "\\``x".repeat(long / 4), { ok: true }],
    ["fence openers", "```\n~~~\n".repeat(long / 8), null],
    ["paragraph lines with continuation", "a\n    b\n".repeat(long / 8), { ok: true }],
    ["comment openers in a paragraph", "x<!--".repeat(long / 5), { ok: true }],
  ] as [string, string, object | null][])("reads a 64 KB comment of %s, then a command, in linear time", (_, body, found) => {
    // No timing here (a loaded machine would make it flaky): a quadratic scanner takes minutes on
    // these inputs and runs into the test's timeout; the linear one takes milliseconds.
    const parsed = parseCommand(body + "\n\n/ack");
    if (found === null) expect(parsed).toBeNull();
    else expect(parsed).toMatchObject(found);
  });
});
