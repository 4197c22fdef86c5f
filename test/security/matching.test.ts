/**
 * Control: no exponential matching. Every CODEOWNERS line and every policy glob (`paths`,
 * `repositories`, `apps`) is matched in time polynomial in pattern × path: O(|pattern| × |path|)
 * character steps (src/core/glob.ts for the indexed engine and the policy; the reference engine,
 * src/core/codeowners/reference.ts, by a memo). So no line of a CODEOWNERS file and no glob of a
 * policy, both writable by anyone who can push to a repository, can stall the app's event loop
 * (CWE-1333 / CWE-407). Before, a 45-character line with several `**` took 15 s on a 145-character
 * path, and a segment with several `*` (a regular expression with as many `[^/]*`) was as bad.
 *
 * Proved without clocks. The matchers count their work in `matchWork.steps` (segment tests and
 * characters compared), and every case below runs under a budget of a small multiple of
 * |pattern| × |path| (`matchWork.limit`): an exponential matcher built from the same steps exceeds it
 * and throws MatchBudgetExceeded at once instead of running for minutes. The first case checks that
 * the matchers do count (a regular expression put back in their place would not); if they do not, the
 * adversarial cases fail without running. Inputs go up to GitHub's limits: 4,096-byte paths, and a
 * CODEOWNERS line of almost 3 MB.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CODEOWNERS_MAX_BYTES, parseCodeowners, parseCodeownersReference, type Codeowners } from "../../src/core/codeowners/index.ts";
import { matchWork, withMatchBudget } from "../../src/core/glob.ts";
import { selectorMatches, type AlertFacts } from "../../src/core/policy/select.ts";
import { deliver, PLANTED, responseIssues, worldPerTest } from "../support/world.ts";

/** Steps allowed per (pattern byte + 1) × (path byte + 1). */
const FACTOR = 4;
const budget = (pattern: string, path: string) => FACTOR * (pattern.length + 1) * (path.length + 1);

/** Runs `fn` under a budget of steps; returns its answer and the steps it took. */
const counted = withMatchBudget;

const ENGINES: [string, (text: string) => Codeowners][] = [
  ["indexed", (text) => parseCodeowners(text)],
  ["reference", (text) => parseCodeownersReference(text)],
];

/** Who owns `path` under `line` (after a catch-all `* @acme/fallback` on line 1), with the steps it took. */
function owner(
  engine: (text: string) => Codeowners,
  line: string,
  path: string,
  limit = budget(line, path),
): { owners: string[]; steps: number } {
  const co = engine(`* @acme/fallback\n${line} @mallory\n`);
  const { value, steps } = counted(limit, () => co.match(path));
  return { owners: value.kind === "owned" ? value.owners : [], steps };
}

let counting = false;
function adversarial(title: string, fn: () => void): void {
  it(title, () => {
    // If the matchers stopped counting their work, a budget cannot stop an exponential one.
    if (!counting) throw new Error("the matchers do not count their work (see the first test); not running adversarial inputs");
    fn();
  });
}

const a = (segments: number, last: string) => `${"a/".repeat(segments)}${last}`;
// The issue's line: 45 characters, nine `**`.
const MANY_GLOBSTARS = `${"**/a/".repeat(8)}**/b/`;
// One segment with 21 `*`, and one whose blocks hold `?` (searched character by character).
const MANY_STARS = `${"*a".repeat(20)}*b`;
const MANY_STARS_ONE = `${"*?a".repeat(14)}*b`;

describe("control: CODEOWNERS lines and policy globs are matched in polynomial time", () => {
  it("the matchers count their work (so that a budget can stop an exponential one)", () => {
    for (const [, engine] of ENGINES) {
      // `?x` must be looked for at each of 4,096 characters.
      const { owners, steps } = owner(engine, "*?x*", "b".repeat(4096));
      expect(owners).toEqual(["@acme/fallback"]);
      expect(steps).toBeGreaterThanOrEqual(4096);
    }
    const { steps } = counted(Infinity, () => selectorMatches({ paths: ["**/x/**"] }, facts(a(100, "b"))));
    expect(steps).toBeGreaterThanOrEqual(100);
    counting = true;
  });

  for (const [name, engine] of ENGINES) {
    adversarial(`${name}: the issue's line with nine \`**\`, on paths of 145 bytes up to 4,096`, () => {
      expect(MANY_GLOBSTARS).toHaveLength(45);
      // b is the last segment: the line (a directory pattern) does not own it.
      expect(owner(engine, MANY_GLOBSTARS, a(72, "b")).owners).toEqual(["@acme/fallback"]);
      expect(a(72, "b")).toHaveLength(145);
      expect(owner(engine, MANY_GLOBSTARS, a(2046, "b")).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, MANY_GLOBSTARS, a(2046, "b/c")).owners).toEqual(["@mallory"]);
      expect(owner(engine, MANY_GLOBSTARS, a(2047, "c")).owners).toEqual(["@acme/fallback"]);
      // Anchored, with the literal segments spread out.
      const anchored = `/a/${"**/a/".repeat(20)}**/b/**/c`;
      expect(owner(engine, anchored, a(2040, "b/a/d")).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, anchored, a(2040, "b/a/c")).owners).toEqual(["@mallory"]);
    });

    adversarial(`${name}: many \`*\` in one segment, on segments up to 4,096 bytes`, () => {
      expect(owner(engine, MANY_STARS, `x/${"a".repeat(143)}`).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, MANY_STARS, "a".repeat(4096)).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, MANY_STARS, `${"a".repeat(4095)}b`).owners).toEqual(["@mallory"]);
      expect(owner(engine, MANY_STARS, `${"ab".repeat(2047)}/c`).owners).toEqual(["@mallory"]);
      expect(owner(engine, MANY_STARS_ONE, "a".repeat(4096)).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, MANY_STARS_ONE, `${"a".repeat(4095)}b`).owners).toEqual(["@mallory"]);
      expect(owner(engine, MANY_STARS_ONE, `${"b".repeat(4095)}b`).owners).toEqual(["@acme/fallback"]);
      // Both at once: `**` between segments of many `*`, on many segments of many characters.
      const both = `${`**/${"*a".repeat(6)}*/`.repeat(5)}**/*c/`;
      expect(owner(engine, both, Array.from({ length: 60 }, () => "a".repeat(67)).join("/")).owners).toEqual(["@acme/fallback"]);
      expect(owner(engine, both, [...Array.from({ length: 59 }, () => "a".repeat(67)), "ac", "d"].join("/")).owners).toEqual(["@mallory"]);
    });

    adversarial(`${name}: a line of almost 3 MB (GitHub's limit for the whole file)`, () => {
      const line = `${"**/a/".repeat(Math.floor((CODEOWNERS_MAX_BYTES - 100) / 5) - 1)}**/b/`;
      expect(line.length).toBeLessThan(CODEOWNERS_MAX_BYTES - 50);
      // |pattern| × |path| would allow 10^10 steps here; no more than |path|² are needed, since a
      // pattern can use no more segments than the path has.
      for (const path of [a(2046, "b/c"), a(100, "b/c")])
        expect(owner(engine, line, path, FACTOR * (path.length + 1) ** 2).owners).toEqual(["@acme/fallback"]);
    });
  }

  adversarial("policy globs: `paths`, `repositories` and `apps` with many `**` and `*`", () => {
    const cases: [glob: string, path: string, matches: boolean][] = [];
    for (const glob of [`${"**/a/".repeat(8)}**/b`, `{x,y,${"**/a/".repeat(4)}}**/b`]) {
      cases.push([glob, a(2047, "c"), false], [glob, a(2047, "b"), true], [glob, `${"a".repeat(4095)}c`, false]);
    }
    const stars = `**/${"*a".repeat(20)}*b`;
    cases.push(
      [stars, a(2047, "b"), false],
      [stars, "a".repeat(4096), false],
      [stars, `${"a".repeat(4095)}b`, true],
      [stars, `x/${"a".repeat(4093)}b`, true],
    );
    for (const [glob, path, want] of cases) {
      // Braces: three alternatives, each within the budget.
      const { value } = counted(3 * budget(glob, path), () => selectorMatches({ paths: [glob] }, facts(path)));
      expect([glob.slice(0, 20), path.slice(-3), value]).toEqual([glob.slice(0, 20), path.slice(-3), want]);
    }
    const repoGlob = `${"*a".repeat(20)}*b`;
    expect(
      counted(budget(repoGlob, "x".repeat(200)), () => selectorMatches({ repositories: [repoGlob] }, facts("x", `acme/${"a".repeat(95)}`)))
        .value,
    ).toBe(false);
    expect(
      counted(budget(repoGlob, "x".repeat(200)), () =>
        selectorMatches({ repositories: [`acme/${repoGlob}`] }, facts("x", `acme/${"a".repeat(95)}b`)),
      ).value,
    ).toBe(true);
    const appGlob = `${"*A".repeat(20)}*B`;
    expect(
      counted(budget(appGlob, "x".repeat(200)), () => selectorMatches({ apps: [appGlob] }, { ...facts("x"), app: "a".repeat(200) })).value,
    ).toBe(false);
    expect(
      counted(budget(appGlob, "x".repeat(200)), () => selectorMatches({ apps: [appGlob] }, { ...facts("x"), app: `${"a".repeat(199)}b` }))
        .value,
    ).toBe(true);
  });

  it("a pattern with a long run of `/` after `\\#` is reported at once (was a quadratic regular expression)", () => {
    const co = parseCodeowners(`\\#${"/".repeat(200_000)}a @x\n`);
    expect(co.errors).toHaveLength(1);
    expect(co.errors[0]!.message).toMatch(/escaping a leading `#`/);
  });
});

function facts(path: string, repo = "acme/api"): AlertFacts {
  return {
    source: "secret_scanning",
    secretType: "github_personal_access_token",
    provider: null,
    identityClass: "personal-access-token" as never,
    repo,
    path,
    visibility: "private",
    properties: null,
  };
}

describe("control, end to end: an alert whose CODEOWNERS has adversarial lines gets the right owner", () => {
  const world = worldPerTest();
  afterEach(() => {
    matchWork.limit = Number.POSITIVE_INFINITY;
  });

  it("opens the issue for the owner of the deciding line, through the real App and the sandbox GitHub", async () => {
    if (!counting) throw new Error("the matchers do not count their work (see the first test); not running adversarial inputs");
    const s = world.sandbox.state;
    // acme/api's CODEOWNERS: `* @acme/platform`, `/infra/ @alice`, then the adversarial lines (later
    // lines are checked first); the organisation policy has an adversarial `paths` glob too.
    s.setFile(
      "acme",
      "api",
      ".github/CODEOWNERS",
      `# API owners\n* @acme/platform\n/infra/ @alice\n${MANY_GLOBSTARS} @mallory\n${MANY_STARS} @mallory\n/infra/${"**/a/".repeat(8)}**/c @mallory\n`,
    );
    s.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      `fallback_owner: "@acme/security"\nowners:\n  - match: { paths: ["${"**/a/".repeat(8)}**/c"] }\n    owners: ["@mallory"]\n`,
    );
    // 1,000 segments `a` (for the `**` lines), one of 2,000 `a` (for the `*` line), then `b`.
    const path = `infra/${a(1000, "a".repeat(2000))}/b`;
    expect(path.length).toBeLessThanOrEqual(4096);
    const n = s.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secretTypeDisplayName: "GitHub Personal Access Token",
      secret: PLANTED.pat,
      validity: "active",
      locations: [{ path, startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
    }).number;

    // The app runs in this process: the same counter and budget apply to it (the lines are under 50
    // bytes; 40 is room for every other match the delivery makes).
    const start = matchWork.steps;
    matchWork.limit = start + 40 * budget("x".repeat(50), path);
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    matchWork.limit = Number.POSITIVE_INFINITY;
    // The adversarial lines and the glob were tried (the index did not skip them).
    expect(matchWork.steps - start).toBeGreaterThan(2000);

    const issues = responseIssues(world, "acme/api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["alice"]);
    expect(issues[0]!.body).toContain("@alice (.github/CODEOWNERS line 3: `/infra/ @alice`)");
  });
});
