import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ownersCommand } from "../../src/cli/commands/owners.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { CODEOWNERS_MAX_BYTES } from "../../src/core/codeowners/index.ts";

/** A fake CliIo: files come from a map (falling back to disk), output is kept. */
function fakeIo(options: { files?: Record<string, string>; stdin?: string; cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: async (p) => {
      const name = p.startsWith("/virtual/") ? p.slice("/virtual/".length) : undefined;
      if (name !== undefined) {
        const text = options.files?.[name];
        if (text === undefined) throw new Error(`ENOENT: no such file, open '${p}'`);
        return text;
      }
      return (await import("node:fs/promises")).readFile(p, "utf8");
    },
    readStdin: async () => options.stdin ?? "",
    cwd: options.cwd ?? "/virtual",
    env: {},
  };
  return { io, out: () => out.join("\n"), err: () => err.join("\n") };
}

const CODEOWNERS = [
  "# Default owners",
  "*       @acme/everyone",
  "*.js    @js-owner #This is an inline comment.",
  "docs/*  docs@example.com",
  "/apps/ @octocat",
  "/apps/github",
].join("\n");

async function owners(argv: string[], files: Record<string, string> = { CODEOWNERS }, stdin?: string) {
  const fake = fakeIo({ files, stdin });
  const code = await ownersCommand(argv, fake.io);
  return { code, out: fake.out(), err: fake.err() };
}

describe("nhi-steward owners: resolving paths", () => {
  it("prints one JSON object mapping each path to its owners and deciding line", async () => {
    const r = await owners([
      "--codeowners",
      "CODEOWNERS",
      "--json",
      "src/app.js",
      "docs/getting-started.md",
      "docs/build-app/troubleshooting.md",
      "apps/github/x.rb",
      "apps/web/x.rb",
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out)).toEqual({
      "src/app.js": { owners: ["@js-owner"], line: 3 },
      "docs/getting-started.md": { owners: ["docs@example.com"], line: 4 },
      "docs/build-app/troubleshooting.md": { owners: ["@acme/everyone"], line: 2 },
      "apps/github/x.rb": { owners: [], line: 6 },
      "apps/web/x.rb": { owners: ["@octocat"], line: 5 },
    });
  });

  it("gives line null when no line matched", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "--json", "lib/a.rb", "lib/b.py"], { CODEOWNERS: "*.py @py\n" });
    expect(r.out).toBe(JSON.stringify({ "lib/a.rb": { owners: [], line: null }, "lib/b.py": { owners: ["@py"], line: 1 } }, null, 2));
  });

  it("prints a readable line per path without --json", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "src/app.js", "apps/github/x.rb", "README.md"], {
      CODEOWNERS: "*.js @a @b\n/apps/github\n",
    });
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "src/app.js        @a @b  (line 1)",
      "apps/github/x.rb  (unowned: matched line 2 with no owners)",
      "README.md         (unowned: no rule matched)",
    ]);
  });

  it("reads more paths from a file (CRLF, blank lines) and from standard input", async () => {
    const files = { CODEOWNERS, "paths.txt": "src/a.js\r\n\r\nmy docs/x y.md\r\n" };
    const fromFile = await owners(["--codeowners", "CODEOWNERS", "--json", "--paths-from", "paths.txt", "apps/web/z"], files);
    expect(JSON.parse(fromFile.out)).toEqual({
      "apps/web/z": { owners: ["@octocat"], line: 5 },
      "src/a.js": { owners: ["@js-owner"], line: 3 },
      "my docs/x y.md": { owners: ["@acme/everyone"], line: 2 },
    });
    const fromStdin = await owners(["--codeowners", "CODEOWNERS", "--json", "--paths-from", "-"], files, "docs/a.md\n");
    expect(JSON.parse(fromStdin.out)).toEqual({ "docs/a.md": { owners: ["docs@example.com"], line: 4 } });
  });

  it("accepts ./ and / in front of a repository-relative path", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "--json", "./apps/web/x", "/apps/web/y"]);
    expect(JSON.parse(r.out)).toEqual({
      "./apps/web/x": { owners: ["@octocat"], line: 5 },
      "/apps/web/y": { owners: ["@octocat"], line: 5 },
    });
  });

  it("refuses a CODEOWNERS file of 3 MB or more, as GitHub does", async () => {
    const big = "* @a\n" + "#".repeat(CODEOWNERS_MAX_BYTES);
    const r = await owners(["--codeowners", "CODEOWNERS", "x"], { CODEOWNERS: big });
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/CODEOWNERS is 3145733 bytes; GitHub does not load a CODEOWNERS file of 3145728 bytes \(3 MB\) or more/);
  });

  it("says when the CODEOWNERS file cannot be read", async () => {
    const r = await owners(["--codeowners", "nope", "x"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Could not read the CODEOWNERS file nope: ENOENT/);
  });
});

describe("nhi-steward owners --check", () => {
  const broken = ["* @everyone", "!secret.txt @a", "*.[ch] @c", "/docs/ @docs user"].join("\n");

  it("prints each error as FILE:LINE:COL: message (suggestion), saying its kind and line once, and exits 1", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "--check"], { CODEOWNERS: broken });
    expect(r.code).toBe(1);
    const lines = r.out.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^CODEOWNERS:2:1: Invalid pattern `!secret\.txt`: negation .* \(Write `secret\.txt` with no owners on a line after the broader rule\.\)$/,
    );
    expect(lines[1]).toMatch(
      /^CODEOWNERS:3:3: Invalid pattern `\*\.\[ch\]`: character ranges .* \(To match the brackets literally, write `\*\.\\\[ch\\\]`\.\)$/,
    );
    expect(lines[2]).toBe(
      "CODEOWNERS:4:14: Invalid owner `user`: an owner must be a @username, an @org/team-name or an email address; fix or remove it (the line's other owners still apply). (Did you mean `@user`?)",
    );
    for (const line of lines) expect(line).not.toMatch(/Invalid (owner|pattern).*Invalid (owner|pattern)| on line \d/);
  });

  it("prints GitHub's errors response shape with --json", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "--check", "--json"], { CODEOWNERS: broken });
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out) as { errors: Record<string, unknown>[] };
    expect(body.errors).toHaveLength(3);
    expect(body.errors[2]).toEqual({
      line: 4,
      column: 14,
      kind: "Invalid owner",
      source: "/docs/ @docs user",
      suggestion: "Did you mean `@user`?",
      message:
        "Invalid owner `user` on line 4: an owner must be a @username, an @org/team-name or an email address; fix or remove it (the line's other owners still apply).",
      path: "CODEOWNERS",
    });
  });

  it("says there are no errors and exits 0 for a valid file", async () => {
    const r = await owners(["--codeowners", "CODEOWNERS", "--check"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("CODEOWNERS: no errors (5 rules)");
  });
});

describe("nhi-steward owners --repo DIR --coverage", () => {
  function repo(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "nhi-owners-"));
    execFileSync("git", ["init", "-q", dir]);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    execFileSync("git", ["-C", dir, "add", "-A"]);
    return dir;
  }

  const checkout = () =>
    repo({
      ".github/CODEOWNERS": "* @acme/all\n/src/legacy/\n/docs/ @docs @acme/all\n/vendor/ not-an-owner\n",
      CODEOWNERS: "* @ignored\n",
      "README.md": "",
      "src/app.ts": "",
      "src/legacy/a.c": "",
      "src/legacy/b.c": "",
      "src/legacy/old/c.c": "",
      "docs/guide.md": "",
      "vendor/lib.js": "",
    });

  it("reports the share of owned files, the largest unowned directories and the top owners as JSON", async () => {
    const dir = checkout();
    const r = await owners(["--repo", dir, "--coverage", "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      codeowners: ".github/CODEOWNERS",
      rules: 4,
      errors: 1,
      files: 9,
      owned: 5,
      ownedPercent: 55.6,
      unowned: 4,
      unmatched: 0,
      noOwners: 4,
      unownedDirectories: [
        { directory: "src/legacy", files: 2 },
        { directory: "src/legacy/old", files: 1 },
        { directory: "vendor", files: 1 },
      ],
      topOwners: [
        { owner: "@acme/all", files: 5 },
        { owner: "@docs", files: 1 },
      ],
    });
  });

  it("prints the same as text", async () => {
    const r = await owners(["--repo", checkout(), "--coverage"]);
    expect(r.code).toBe(0);
    expect(r.out.split("\n")).toEqual([
      "CODEOWNERS: .github/CODEOWNERS (4 rules, 1 error: run owners --check)",
      "Files: 9 tracked, 5 owned (55.6%), 4 unowned (0 matched no line, 4 matched a line with no owners)",
      "",
      "Directories with the most unowned files (directly inside):",
      "       2  src/legacy",
      "       1  src/legacy/old",
      "       1  vendor",
      "",
      "Owners of the most files:",
      "       5  @acme/all",
      "       1  @docs",
    ]);
  });

  it("counts files no line matches, at the root as '.'", async () => {
    const dir = repo({ "docs/CODEOWNERS": "/src/ @dev\n", "src/a.ts": "", "b.txt": "", "c.txt": "" });
    const r = await owners(["--repo", dir, "--coverage", "--json"]);
    expect(JSON.parse(r.out)).toMatchObject({
      codeowners: "docs/CODEOWNERS",
      files: 4,
      owned: 1,
      ownedPercent: 25,
      unmatched: 3,
      noOwners: 0,
      unownedDirectories: [
        { directory: ".", files: 2 },
        { directory: "docs", files: 1 },
      ],
    });
  });

  it("uses the repository's CODEOWNERS to resolve paths and to --check", async () => {
    const dir = checkout();
    const resolved = await owners(["--repo", dir, "--json", "vendor/x.js", "src/app.ts"]);
    expect(JSON.parse(resolved.out)).toEqual({ "vendor/x.js": { owners: [], line: 4 }, "src/app.ts": { owners: ["@acme/all"], line: 1 } });
    const checked = await owners(["--repo", dir, "--check"]);
    expect(checked.code).toBe(1);
    expect(checked.out).toMatch(/^\.github\/CODEOWNERS:4:10: Invalid owner `[^`]+`: /);
  });

  it("refuses a CODEOWNERS of 3 MB or more, without falling back to another location", async () => {
    const dir = repo({ ".github/CODEOWNERS": "* @a\n" + "#".repeat(CODEOWNERS_MAX_BYTES), CODEOWNERS: "* @b\n", "x.txt": "" });
    const r = await owners(["--repo", dir, "--coverage"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain(
      `${join(dir, ".github/CODEOWNERS")} is 3145733 bytes; GitHub does not load a CODEOWNERS file of 3145728 bytes (3 MB) or more`,
    );
  });

  it("says when the checkout has no CODEOWNERS", async () => {
    const dir = repo({ "a.txt": "" });
    const r = await owners(["--repo", dir, "--coverage"]);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${dir} has no CODEOWNERS (looked for .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS), so GitHub names no code owners there.`,
    );
  });

  it("says when the directory is not a git checkout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nhi-not-git-"));
    const r = await owners(["--repo", dir, "--coverage"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Could not list the files git tracks in .*not a git repository/i);
  });
});

describe("nhi-steward owners: usage", () => {
  it.each([
    [["--bogus"], "Unknown option '--bogus'"],
    [[], "owners needs --codeowners FILE (or --repo DIR)."],
    [["--codeowners", "CODEOWNERS"], "Give the paths to resolve, as arguments or with --paths-from FILE."],
    [["--codeowners"], "Option '--codeowners <value>' argument missing"],
    [["--codeowners", "CODEOWNERS", "--coverage"], "--coverage needs --repo DIR: it lists the files git tracks there."],
    [["--codeowners", "CODEOWNERS", "--check", "a.js"], "--check takes no paths."],
    [["--repo", ".", "--coverage", "--check"], "--check and --coverage are separate runs; give one."],
    [["--codeowners", "CODEOWNERS", "--repo", ".", "x"], "Give --codeowners FILE or --repo DIR, not both."],
  ])("%j exits 2 with a usage message", async (argv, problem) => {
    const r = await owners(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.startsWith(problem)).toBe(true);
    expect(r.err).toContain("Usage:\n  nhi-steward owners --codeowners FILE");
  });

  it("prints the usage on --help and exits 0", async () => {
    const r = await owners(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("nhi-steward owners --repo DIR --coverage [--json]");
  });
});
