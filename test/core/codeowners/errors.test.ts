import { describe, expect, it } from "vitest";
import {
  CODEOWNERS_LOCATIONS,
  CODEOWNERS_MAX_BYTES,
  findCodeowners,
  isValidOwner,
  parseCodeowners,
  type CodeownersError,
} from "../../../src/core/codeowners/index.ts";
import { answer, ENGINES, owned, unmatched } from "./helpers.ts";

const pick = (e: CodeownersError) => ({
  line: e.line,
  column: e.column,
  kind: e.kind,
  source: e.source,
  suggestion: e.suggestion,
  path: e.path,
});

describe("unsupported syntax: the line is reported and skipped, the rest of the file still applies", () => {
  const file = [
    "* @everyone", // 1
    "!secrets.txt @a", // 2 negation
    "*.[ch] @c-team", // 3 character range
    "\\#notes.md @a", // 4 escaped leading #
    "/ @root", // 5 lone slash
    "  docs/x] @a", // 6 stray ] after indentation
    "*.md @docs", // 7
    "/trailing\\", // 8 lone backslash at the end of the line
  ].join("\n");

  for (const engine of ENGINES) {
    it(`${engine.name}: reports each with its line and column`, () => {
      const co = engine.parse(file, { path: "CODEOWNERS" });
      expect(co.errors.map(pick)).toEqual([
        {
          line: 2,
          column: 1,
          kind: "Invalid pattern",
          source: "!secrets.txt @a",
          suggestion: "Write `secrets.txt` with no owners on a line after the broader rule.",
          path: "CODEOWNERS",
        },
        {
          line: 3,
          column: 3,
          kind: "Invalid pattern",
          source: "*.[ch] @c-team",
          suggestion: "To match the brackets literally, write `*.\\[ch\\]`.",
          path: "CODEOWNERS",
        },
        {
          line: 4,
          column: 1,
          kind: "Invalid pattern",
          source: "\\#notes.md @a",
          suggestion: "Did you mean `**/#notes.md`?",
          path: "CODEOWNERS",
        },
        {
          line: 5,
          column: 1,
          kind: "Invalid pattern",
          source: "/ @root",
          suggestion: "The pattern `/` will never match anything, did you mean `*` instead?",
          path: "CODEOWNERS",
        },
        {
          line: 6,
          column: 9,
          kind: "Invalid pattern",
          source: "  docs/x] @a",
          suggestion: "To match the brackets literally, write `docs/x\\]`.",
          path: "CODEOWNERS",
        },
        {
          line: 8,
          column: 10,
          kind: "Invalid pattern",
          source: "/trailing\\",
          suggestion: "Did you mean `/trailing`?",
          path: "CODEOWNERS",
        },
      ]);
    });

    it(`${engine.name}: keeps only the valid lines as rules`, () => {
      const co = engine.parse(file);
      expect(co.rules.map((r) => r.line)).toEqual([1, 7]);
      expect(answer(co, "secrets.txt")).toEqual(owned(1, "@everyone"));
      expect(answer(co, "src/main.c")).toEqual(owned(1, "@everyone"));
      expect(answer(co, "docs/x]")).toEqual(owned(1, "@everyone"));
      expect(answer(co, "README.md")).toEqual(owned(7, "@docs"));
    });
  }

  it("explains what is wrong and how to fix it, naming the pattern and line", () => {
    const [negation, range, hash, slash] = parseCodeowners(file).errors;
    expect(negation!.message).toMatch(/^Invalid pattern `!secrets\.txt` on line 2: negation with `!` is not supported/);
    expect(negation!.message).toMatch(/no owners/);
    expect(range!.message).toMatch(/^Invalid pattern `\*\.\[ch\]` on line 3: character ranges with `\[ \]` are not supported/);
    expect(range!.message).toMatch(/escape the bracket as `\\\[`/);
    expect(hash!.message).toMatch(/escaping a leading `#` with `\\` is not supported/);
    expect(slash!.message).toMatch(/will never match anything.*use `\*`/);
  });

  it("a line that is only a comment after escaping is not a rule: `\\#` does not own `#file`", () => {
    const co = parseCodeowners("\\#file @a\n");
    expect(answer(co, "#file")).toEqual(unmatched);
    expect(co.errors).toHaveLength(1);
  });

  it("a file with only invalid lines has no rules", () => {
    const co = parseCodeowners("!a @x\n[b] @y\n");
    expect(co.rules).toEqual([]);
    expect(co.errors.map((e) => e.line)).toEqual([1, 2]);
    expect(co.match("a")).toEqual({ kind: "unmatched" });
  });

  it("reports the default path when none is given", () => {
    expect(parseCodeowners("[x] @a\n").errors[0]!.path).toBe(".github/CODEOWNERS");
  });
});

describe("owners", () => {
  it("accepts @user, @org/team and email addresses", () => {
    for (const owner of [
      "@octocat",
      "@tobias-",
      "@user_emu",
      "@octo-org/octocats",
      "@DataDog/agent-integrations",
      "@org/team.name",
      "docs@example.com",
      "first.last+tag@sub.example.co.uk",
    ]) {
      expect([owner, isValidOwner(owner)]).toEqual([owner, true]);
    }
  });

  it("rejects anything else", () => {
    for (const owner of [
      "octocat",
      "@",
      "@-x",
      "@org/",
      "@org/team/sub",
      "@a,b",
      "user@",
      "@user@example.com",
      "docs@localhost",
      "<a@b.co>",
    ]) {
      expect([owner, isValidOwner(owner)]).toEqual([owner, false]);
    }
  });

  for (const engine of ENGINES) {
    it(`${engine.name}: reports each invalid owner with its column and keeps the line's valid owners`, () => {
      const co = engine.parse("# owners\n*.js @ok user @org/team/x me@example.com, @also-ok\n", { path: "docs/CODEOWNERS" });
      expect(answer(co, "a.js")).toEqual(owned(2, "@ok", "@also-ok"));
      expect(co.errors.map(pick)).toEqual([
        {
          line: 2,
          column: 10,
          kind: "Invalid owner",
          source: "*.js @ok user @org/team/x me@example.com, @also-ok",
          suggestion: "Did you mean `@user`?",
          path: "docs/CODEOWNERS",
        },
        {
          line: 2,
          column: 15,
          kind: "Invalid owner",
          source: "*.js @ok user @org/team/x me@example.com, @also-ok",
          suggestion: null,
          path: "docs/CODEOWNERS",
        },
        {
          line: 2,
          column: 27,
          kind: "Invalid owner",
          source: "*.js @ok user @org/team/x me@example.com, @also-ok",
          suggestion: "Did you mean `me@example.com`?",
          path: "docs/CODEOWNERS",
        },
      ]);
      expect(co.errors[0]!.message).toBe(
        "Invalid owner `user` on line 2: an owner must be a @username, an @org/team-name or an email address; fix or remove it (the line's other owners still apply).",
      );
    });

    it(`${engine.name}: a line whose owners are all invalid still matches, leaving its paths unowned`, () => {
      const co = engine.parse("* @everyone\n/vendor/ vendor-team\n");
      expect(co.match("vendor/lib.c")).toMatchObject({ kind: "no-owners", rule: { line: 2 } });
      expect(co.errors).toHaveLength(1);
    });

    it(`${engine.name}: with isKnownOwner, reports unknown owners and drops them`, () => {
      const known = new Set(["@alice", "@org/core"]);
      const co = engine.parse("* @alice @ghost @org/core\n", { isKnownOwner: (o) => known.has(o) });
      expect(answer(co, "x")).toEqual(owned(1, "@alice", "@org/core"));
      expect(co.errors.map((e) => [e.kind, e.line, e.column])).toEqual([["Unknown owner", 1, 10]]);
      expect(co.errors[0]!.message).toMatch(/`@ghost`.*exists and has write access/);
    });
  }

  it("reports errors in line and column order across patterns and owners", () => {
    const co = parseCodeowners("a bad1\n[b] @x\nc @ok bad2 bad3\n");
    expect(co.errors.map((e) => [e.line, e.column, e.kind])).toEqual([
      [1, 3, "Invalid owner"],
      [2, 1, "Invalid pattern"],
      [3, 7, "Invalid owner"],
      [3, 12, "Invalid owner"],
    ]);
  });
});

describe("finding the CODEOWNERS file", () => {
  it("uses the locations in GitHub's order", () => {
    expect(CODEOWNERS_LOCATIONS).toEqual([".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"]);
    expect(CODEOWNERS_MAX_BYTES).toBe(3145728);
  });

  const files = (entries: Record<string, string>) => ({
    stat: (p: string) => (p in entries ? { bytes: Buffer.byteLength(entries[p]!) } : undefined),
    read: (p: string) => entries[p]!,
  });

  it("takes the first location present", () => {
    const { stat, read } = files({ CODEOWNERS: "* @root\n", "docs/CODEOWNERS": "* @docs\n" });
    const found = findCodeowners(stat, read);
    expect(found.kind).toBe("found");
    if (found.kind !== "found") return;
    expect(found.codeowners.path).toBe("CODEOWNERS");
    expect(answer(found.codeowners, "x")).toEqual(owned(1, "@root"));
  });

  it("prefers .github/CODEOWNERS", () => {
    const { stat, read } = files({ ".github/CODEOWNERS": "* @gh\n", CODEOWNERS: "* @root\n" });
    const found = findCodeowners(stat, read);
    expect(found.kind === "found" && found.codeowners.path).toBe(".github/CODEOWNERS");
  });

  it("does not load a file of 3 MB or more, and does not fall back to the next location", () => {
    let reads = 0;
    const sizes: Record<string, number> = { ".github/CODEOWNERS": CODEOWNERS_MAX_BYTES, CODEOWNERS: 10 };
    const found = findCodeowners(
      (p) => (p in sizes ? { bytes: sizes[p]! } : undefined),
      () => {
        reads++;
        return "* @a\n";
      },
    );
    expect(found).toEqual({ kind: "too-large", path: ".github/CODEOWNERS", bytes: CODEOWNERS_MAX_BYTES });
    expect(reads).toBe(0);
  });

  it("loads a file one byte under the limit", () => {
    const found = findCodeowners(
      (p) => (p === "docs/CODEOWNERS" ? { bytes: CODEOWNERS_MAX_BYTES - 1 } : undefined),
      () => "* @a\n",
    );
    expect(found.kind).toBe("found");
  });

  it("says when there is none", () => {
    expect(
      findCodeowners(
        () => undefined,
        () => "",
      ),
    ).toEqual({ kind: "missing" });
  });
});
