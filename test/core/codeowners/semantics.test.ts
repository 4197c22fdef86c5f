import { describe, expect, it } from "vitest";
import { answer, ENGINES, noOwners, owned, unmatched, type Answer } from "./helpers.ts";

/** [CODEOWNERS text, path, expected answer] */
type Case = [string, string, Answer];

function table(title: string, cases: Case[]): void {
  describe(title, () => {
    for (const engine of ENGINES) {
      it.each(cases)(`${engine.name}: %j owns %j`, (file, path, expected) => {
        expect(answer(engine.parse(file), path)).toEqual(expected);
      });
    }
  });
}

// The example file of GitHub's "About code owners", split into the cases it documents.
table("GitHub documentation examples", [
  ["*       @global-owner1 @global-owner2\n", "some/deeply/nested/file.rb", owned(1, "@global-owner1", "@global-owner2")],
  ["* @global\n*.js    @js-owner #This is an inline comment.\n", "src/app.js", owned(2, "@js-owner")],
  ["* @global\n*.js    @js-owner\n", "src/app.css", owned(1, "@global")],
  ["*.go docs@example.com\n", "cmd/main.go", owned(1, "docs@example.com")],
  ["*.txt @octo-org/octocats\n", "notes/a.txt", owned(1, "@octo-org/octocats")],
  // `/build/logs/`: the directory at the root and everything below it.
  ["/build/logs/ @doctocat\n", "build/logs/today.log", owned(1, "@doctocat")],
  ["/build/logs/ @doctocat\n", "build/logs/2024/01/today.log", owned(1, "@doctocat")],
  ["/build/logs/ @doctocat\n", "src/build/logs/today.log", unmatched],
  // `docs/*` owns docs/getting-started.md but not docs/build-app/troubleshooting.md.
  ["docs/*  docs@example.com\n", "docs/getting-started.md", owned(1, "docs@example.com")],
  ["docs/*  docs@example.com\n", "docs/build-app/troubleshooting.md", unmatched],
  ["docs/*  docs@example.com\n", "guide/docs/getting-started.md", unmatched],
  // `apps/`: an apps directory anywhere.
  ["apps/ @octocat\n", "apps/web/index.ts", owned(1, "@octocat")],
  ["apps/ @octocat\n", "services/apps/web/index.ts", owned(1, "@octocat")],
  // `/docs/`: the root docs directory and its subdirectories.
  ["/docs/ @doctocat\n", "docs/a/b.md", owned(1, "@doctocat")],
  ["/docs/ @doctocat\n", "src/docs/a.md", unmatched],
  ["/scripts/ @doctocat @octocat\n", "scripts/deploy.sh", owned(1, "@doctocat", "@octocat")],
  // `**/logs`: a logs directory anywhere.
  ["**/logs @octocat\n", "build/logs/a.log", owned(1, "@octocat")],
  ["**/logs @octocat\n", "scripts/logs/b.log", owned(1, "@octocat")],
  ["**/logs @octocat\n", "deeply/nested/logs/c.log", owned(1, "@octocat")],
  ["**/logs @octocat\n", "logs/d.log", owned(1, "@octocat")],
  ["**/logs @octocat\n", "logsx/d.log", unmatched],
  // `/apps/` then `/apps/github` with no owners: apps/github is left unowned, the rest of apps is not.
  ["/apps/ @octocat\n/apps/github\n", "apps/github/x.rb", noOwners(2)],
  ["/apps/ @octocat\n/apps/github\n", "apps/github", noOwners(2)],
  ["/apps/ @octocat\n/apps/github\n", "apps/other/x.rb", owned(1, "@octocat")],
  ["/apps/ @octocat\n/apps/github\n", "apps/githubber/x.rb", owned(1, "@octocat")],
  ["/apps/ @octocat\n/apps/github @doctocat\n", "apps/github/x.rb", owned(2, "@doctocat")],
]);

table("order: the last matching line wins", [
  ["*.js @first\n*.js @second\n", "a.js", owned(2, "@second")],
  ["/src/ @src\n* @everyone\n", "src/a.ts", owned(2, "@everyone")],
  ["* @everyone\n/src/ @src\n", "src/a.ts", owned(2, "@src")],
  ["/src/ @src\n/src/legacy/\n", "src/legacy/old.c", noOwners(2)],
  ["/src/legacy/\n/src/ @src\n", "src/legacy/old.c", owned(2, "@src")],
  ["/src/ @src\n", "lib/a.ts", unmatched],
]);

table("wildcards", [
  // `*` and `?` never cross `/`.
  ["/src/*.js @a\n", "src/app.js", owned(1, "@a")],
  ["/src/*.js @a\n", "src/lib/app.js", unmatched],
  ["file?.txt @a\n", "file1.txt", owned(1, "@a")],
  ["file?.txt @a\n", "file12.txt", unmatched],
  ["file?.txt @a\n", "file.txt", unmatched],
  ["a?b @a\n", "a/b", unmatched],
  ["/*/config.yml @a\n", "svc/config.yml", owned(1, "@a")],
  ["/*/config.yml @a\n", "svc/sub/config.yml", unmatched],
  // `?` is one character, not one byte.
  ["?.txt @a\n", "é.txt", owned(1, "@a")],
  ["?.txt @a\n", "😀.txt", owned(1, "@a")],
  // `**`: zero or more directories.
  ["a/**/b @a\n", "a/b", owned(1, "@a")],
  ["a/**/b @a\n", "a/x/b", owned(1, "@a")],
  ["a/**/b @a\n", "a/x/y/b", owned(1, "@a")],
  ["a/**/b @a\n", "a/x/y/b/c.txt", owned(1, "@a")],
  ["a/**/b @a\n", "z/a/x/b", unmatched],
  ["a/**/b @a\n", "a/x/bb", unmatched],
  ["**/foo @a\n", "foo", owned(1, "@a")],
  ["**/foo @a\n", "x/y/foo", owned(1, "@a")],
  ["**/foo/bar @a\n", "x/foo/bar/baz.txt", owned(1, "@a")],
  ["**/foo/bar @a\n", "x/foo/baz/bar", unmatched],
  // A trailing `/**` is everything inside, not the thing itself.
  ["foo/** @a\n", "foo/x/y", owned(1, "@a")],
  ["foo/** @a\n", "foo", unmatched],
  ["/docs/**/*.md @a\n", "docs/a.md", owned(1, "@a")],
  ["/docs/**/*.md @a\n", "docs/x/y/a.md", owned(1, "@a")],
  ["/docs/**/*.md @a\n", "docs/x/y/a.txt", unmatched],
  ["** @a\n", "any/path/at/all", owned(1, "@a")],
  ["/* @root-files\n", "README.md", owned(1, "@root-files")],
  ["/* @root-files\n", "src/main.c", unmatched],
  ["* @a\n", "README.md", owned(1, "@a")],
  ["*.* @a\n", "dir/file.ext", owned(1, "@a")],
  ["*.* @a\n", "dir/Makefile", unmatched],
  ["src/*/ @a\n", "src/x/y.c", owned(1, "@a")],
  ["src/*/ @a\n", "src/y.c", unmatched],
]);

table("anchored and floating patterns", [
  // No `/` except at the end: the pattern floats to any depth.
  ["*.js @a\n", "a/b/c.js", owned(1, "@a")],
  ["Makefile @a\n", "tools/build/Makefile", owned(1, "@a")],
  ["docs @a\n", "docs/a/b.md", owned(1, "@a")],
  ["docs @a\n", "web/docs/index.md", owned(1, "@a")],
  ["docs @a\n", "docs", owned(1, "@a")],
  ["docs @a\n", "docsite/index.md", unmatched],
  // A `/` at the start or in the middle anchors it to the root.
  ["build/logs/ @a\n", "build/logs/x.log", owned(1, "@a")],
  ["build/logs/ @a\n", "app/build/logs/x.log", unmatched],
  ["/Makefile @a\n", "Makefile", owned(1, "@a")],
  ["/Makefile @a\n", "tools/Makefile", unmatched],
  ["src/main.c @a\n", "src/main.c", owned(1, "@a")],
  ["src/main.c @a\n", "lib/src/main.c", unmatched],
  // A pattern matches the path or any directory above it.
  ["/docs/ @a\n", "docs/a/b.md", owned(1, "@a")],
  ["/docs @a\n", "docs/a/b.md", owned(1, "@a")],
  ["src/main.c @a\n", "src/main.c/odd-but-a-dir.txt", owned(1, "@a")],
]);

table("a trailing slash matches directories only", [
  ["foo/ @a\n", "foo", unmatched],
  ["foo/ @a\n", "foo/x", owned(1, "@a")],
  ["foo/ @a\n", "bar/foo", unmatched],
  ["foo/ @a\n", "bar/foo/x", owned(1, "@a")],
  ["/foo/ @a\n", "foo", unmatched],
  ["foo @a\n", "foo", owned(1, "@a")],
  ["foo @a\n", "bar/foo", owned(1, "@a")],
]);

table("paths are case sensitive", [
  ["/Docs/ @a\n", "docs/x.md", unmatched],
  ["/Docs/ @a\n", "Docs/x.md", owned(1, "@a")],
  ["*.MD @a\n", "README.md", unmatched],
  ["*.md @a\n", "README.MD", unmatched],
  ["readme.md @a\n", "README.md", unmatched],
]);

table("escapes and characters that mean something in a regular expression", [
  ["docs/my\\ file.md @a\n", "docs/my file.md", owned(1, "@a")],
  ["path\\ with\\ spaces/ @a\n", "path with spaces/x.txt", owned(1, "@a")],
  ["path\\ with\\ spaces/ @a\n", "deep/path with spaces/x.txt", owned(1, "@a")],
  ["a+b(c).txt @a\n", "a+b(c).txt", owned(1, "@a")],
  ["a+b(c).txt @a\n", "x/a+b(c).txt", owned(1, "@a")],
  ["a+b(c).txt @a\n", "aab(c).txt", unmatched],
  ["a+b(c).txt @a\n", "a+bc.txt", unmatched],
  ["$x @a\n", "$x", owned(1, "@a")],
  ["$x @a\n", "dir/$x", owned(1, "@a")],
  ["/^x.y$|z{2} @a\n", "^x.y$|z{2}", owned(1, "@a")],
  ["/^x.y$|z{2} @a\n", "^xzy$|z{2}", unmatched],
  ["a.txt @a\n", "abtxt", unmatched],
  ["\\[x\\].txt @a\n", "[x].txt", owned(1, "@a")],
  ["f\\*o @a\n", "f*o", owned(1, "@a")],
  ["f\\*o @a\n", "foo", unmatched],
  ["f\\?o @a\n", "f?o", owned(1, "@a")],
  ["f\\?o @a\n", "fxo", unmatched],
  ["back\\\\slash @a\n", "back\\slash", owned(1, "@a")],
  ["foo#bar @a\n", "foo#bar", owned(1, "@a")],
  ["src/*-[0-9].js @a\n* @all\n", "src/x-1.js", owned(2, "@all")],
]);

table("line format", [
  // CRLF line ends and trailing whitespace are ignored.
  ["* @a\r\n*.js @b\r\n", "x.js", owned(2, "@b")],
  ["* @a\r\n/apps/github \t\r\n", "apps/github/x", noOwners(2)],
  ["* @a   \n", "x", owned(1, "@a")],
  // Blank lines and comments are not rules; line numbers still count them.
  ["# owners\n\n   \n* @a\n", "x", owned(4, "@a")],
  ["  # indented comment\n* @a\n", "x", owned(2, "@a")],
  // Leading whitespace before a pattern is ignored.
  ["   *.js @a\n", "x.js", owned(1, "@a")],
  // A token that starts with `#` begins an inline comment: owners stop there.
  ["*.rb # no owners here\n", "a.rb", noOwners(1)],
  ["*.rb @a # @not-an-owner\n", "a.rb", owned(1, "@a")],
  ["*.rb @a#b @c\n", "a.rb", owned(1, "@c")],
  // Tabs separate like spaces.
  ["*.js\t@a\t@b\n", "a.js", owned(1, "@a", "@b")],
  // The same owner twice is named once (logins and addresses ignore case).
  ["* @a @A @b a@x.io A@X.IO\n", "x", owned(1, "@a", "@b", "a@x.io")],
  // A byte-order mark does not become part of the first pattern.
  ["\uFEFF/README.md @a\n", "README.md", owned(1, "@a")],
  // No trailing newline.
  ["* @a", "x", owned(1, "@a")],
]);

describe("empty and comment-only files", () => {
  for (const engine of ENGINES) {
    it(`${engine.name}: an empty file has no rules, no errors, and owns nothing`, () => {
      const co = engine.parse("");
      expect(co.rules).toEqual([]);
      expect(co.errors).toEqual([]);
      expect(co.match("any/file.txt")).toEqual({ kind: "unmatched" });
    });

    it(`${engine.name}: a file of comments and blank lines owns nothing`, () => {
      const co = engine.parse("# just a comment\n\n\t\n");
      expect(co.rules).toEqual([]);
      expect(co.match("README.md")).toEqual({ kind: "unmatched" });
    });

    it(`${engine.name}: an empty path is owned by nothing`, () => {
      expect(engine.parse("* @a\n").match("")).toEqual({ kind: "unmatched" });
    });
  }
});

describe("match results", () => {
  for (const engine of ENGINES) {
    it(`${engine.name}: tells a line with no owners apart from no line at all, and gives the rule`, () => {
      const co = engine.parse("# header\n/apps/   @octocat\n/apps/github\n");
      expect(co.match("apps/web/x")).toEqual({
        kind: "owned",
        owners: ["@octocat"],
        rule: { line: 2, pattern: "/apps/", owners: ["@octocat"], text: "/apps/   @octocat" },
      });
      expect(co.match("apps/github/x")).toEqual({
        kind: "no-owners",
        rule: { line: 3, pattern: "/apps/github", owners: [], text: "/apps/github" },
      });
      expect(co.match("lib/x")).toEqual({ kind: "unmatched" });
    });

    it(`${engine.name}: rule text is the line trimmed, without its inline comment`, () => {
      const co = engine.parse("  *.js    @js-owner #This is an inline comment.\r\n");
      expect(co.rules).toEqual([{ line: 1, pattern: "*.js", owners: ["@js-owner"], text: "*.js    @js-owner" }]);
    });

    it(`${engine.name}: changing the owners of a match does not change the file`, () => {
      const co = engine.parse("* @a\n");
      const first = co.match("x");
      if (first.kind !== "owned") throw new Error("expected owned");
      first.owners.push("@intruder");
      expect(answer(co, "y")).toEqual(owned(1, "@a"));
    });
  }
});
