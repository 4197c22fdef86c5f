// The README is also the npm package's page, where docs/ and the rest of the repository are not: npm
// shows the README alone. So its links into the repository are absolute (to the repository on
// GitHub, at its default branch) and must name files that exist; a relative link would lead nowhere
// on npm. docs/ is read on GitHub, where relative links work: each must resolve to a file here.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REPOSITORY = "https://github.com/nhi-steward/nhi-steward";

/** The targets of a Markdown file's links (inline and reference definitions), outside fenced code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, "");
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const definitions = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...definitions];
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

/** Where a URL into this repository points: the path and whether GitHub shows it as a file or a folder. */
function repositoryPath(url: string): { path: string; kind: "blob" | "tree" | "raw" } | undefined {
  const github = url.match(/^https:\/\/github\.com\/nhi-steward\/nhi-steward\/(blob|tree)\/[^/]+\/([^#?]+)/);
  if (github) return { kind: github[1] as "blob" | "tree", path: decodeURIComponent(github[2]!) };
  const raw = url.match(/^https:\/\/raw\.githubusercontent\.com\/nhi-steward\/nhi-steward\/[^/]+\/([^#?]+)/);
  if (raw) return { kind: "raw", path: decodeURIComponent(raw[1]!) };
  return undefined;
}

describe("README.md, the npm package's page", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  it("has no relative links (npm shows the README without the repository's other files)", () => {
    const relativeLinks = linkTargets(readme).filter((t) => !isExternal(t) && !t.startsWith("#"));
    expect(relativeLinks).toEqual([]);
  });

  it("links into the repository only to files and folders that exist", () => {
    const urls = [...readme.matchAll(/https:\/\/(?:github\.com|raw\.githubusercontent\.com)\/nhi-steward\/nhi-steward\/[^\s)"'>`]+/g)].map(
      (m) => m[0],
    );
    const intoRepository = urls.map((url) => ({ url, at: repositoryPath(url) })).filter((u) => u.at !== undefined);
    // The front door links into docs/, policies/ and the examples: at least those.
    expect(intoRepository.length).toBeGreaterThan(20);
    const broken = intoRepository.filter(({ at }) => {
      const full = join(ROOT, at!.path);
      if (!existsSync(full) || relative(ROOT, full).startsWith("..")) return true;
      return at!.kind === "tree" ? !statSync(full).isDirectory() : !statSync(full).isFile();
    });
    expect(broken.map((b) => b.url)).toEqual([]);
  });

  it("points package managers and the npm page at the same repository", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      repository: { url: string };
      homepage: string;
      bugs: { url: string };
    };
    expect(pkg.repository.url).toBe(`git+${REPOSITORY}.git`);
    expect(pkg.homepage.startsWith(REPOSITORY)).toBe(true);
    expect(pkg.bugs.url).toBe(`${REPOSITORY}/issues`);
  });
});

describe("docs/ and policies/README.md", () => {
  const files = [
    ...readdirSync(join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `docs/${f}`),
    "policies/README.md",
  ];

  it.each(files)("%s: every relative link resolves to a file or folder in the repository", (file) => {
    const targets = linkTargets(readFileSync(join(ROOT, file), "utf8")).filter((t) => !isExternal(t) && !t.startsWith("#"));
    const broken = targets.filter((t) => {
      const path = normalize(join(dirname(file), decodeURIComponent(t.replace(/[#?].*$/, ""))));
      return path.startsWith("..") || !existsSync(join(ROOT, path));
    });
    expect(broken).toEqual([]);
  });
});
