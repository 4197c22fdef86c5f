import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import {
  CODEOWNERS_LOCATIONS,
  CODEOWNERS_MAX_BYTES,
  findCodeowners,
  parseCodeowners,
  tooLargeMessage,
  type Codeowners,
  type CodeownersMatch,
} from "../../core/codeowners/index.ts";
import type { CliIo } from "../io.ts";

export const OWNERS_USAGE = `Usage:
  nhi-steward owners --codeowners FILE [--paths-from FILE|-] [--json] [PATH...]
  nhi-steward owners --codeowners FILE --check [--json]
  nhi-steward owners --repo DIR --coverage [--json]

Says who owns each path, exactly as GitHub reads CODEOWNERS (last matching line wins).
  --codeowners FILE   the CODEOWNERS file to read
  --repo DIR          a git checkout; its CODEOWNERS is the first of ${CODEOWNERS_LOCATIONS.join(", ")}
                      (usable instead of --codeowners, and needed by --coverage)
  --paths-from FILE   also resolve the paths listed in FILE, one a line (- reads standard input)
  --json              print JSON: {"PATH": {"owners": [...], "line": N or null}, ...}
  --check             list the file's errors as FILE:LINE:COL: kind: message (suggestion); exit 1 if any
  --coverage          resolve every file git tracks in --repo and report how much is owned

Paths are repository-relative (src/app.js). Exit codes: 0 done, 1 errors found or a file
could not be read, 2 wrong usage.`;

const run = promisify(execFile);

type Source = { kind: "file"; path: string } | { kind: "repo"; dir: string };

export async function ownersCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        codeowners: { type: "string" },
        repo: { type: "string" },
        "paths-from": { type: "string" },
        json: { type: "boolean" },
        check: { type: "boolean" },
        coverage: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (e) {
    return usage(io, (e as Error).message);
  }
  if (values.help) {
    io.stdout(OWNERS_USAGE);
    return 0;
  }

  if (values.codeowners !== undefined && values.repo !== undefined) return usage(io, "Give --codeowners FILE or --repo DIR, not both.");
  if (values.codeowners === undefined && values.repo === undefined) return usage(io, "owners needs --codeowners FILE (or --repo DIR).");
  if (values.check && values.coverage) return usage(io, "--check and --coverage are separate runs; give one.");
  if (values.coverage && values.repo === undefined) return usage(io, "--coverage needs --repo DIR: it lists the files git tracks there.");
  const wantsPaths = positionals.length > 0 || values["paths-from"] !== undefined;
  if ((values.check || values.coverage) && wantsPaths) return usage(io, `--${values.check ? "check" : "coverage"} takes no paths.`);
  if (!values.check && !values.coverage && !wantsPaths)
    return usage(io, "Give the paths to resolve, as arguments or with --paths-from FILE.");

  const source: Source =
    values.repo !== undefined ? { kind: "repo", dir: resolve(io.cwd, values.repo) } : { kind: "file", path: values.codeowners! };
  const json = values.json === true;

  if (values.coverage) return coverage(io, (source as { dir: string }).dir, json);

  const loaded = await load(io, source);
  if (loaded === null) return 1;

  if (values.check) return check(io, loaded, json);

  const paths = [...positionals];
  if (values["paths-from"] !== undefined) {
    const from = values["paths-from"];
    let text: string;
    try {
      text = from === "-" ? await io.readStdin() : await io.readFile(resolve(io.cwd, from));
    } catch (e) {
      io.stderr(`Could not read the paths in ${from}: ${(e as Error).message}.`);
      return 1;
    }
    for (const line of text.split("\n")) {
      const path = line.replace(/\r$/, "");
      if (path.trim() !== "") paths.push(path);
    }
  }
  resolvePaths(io, loaded.codeowners, paths, json);
  return 0;
}

function usage(io: CliIo, problem: string): number {
  io.stderr(`${problem}\n\n${OWNERS_USAGE}`);
  return 2;
}

/** The CODEOWNERS to use, with the name to show for it; null (after saying why) when there is none to use. */
async function load(io: CliIo, source: Source): Promise<{ codeowners: Codeowners; shown: string } | null> {
  if (source.kind === "file") {
    let text: string;
    try {
      text = await io.readFile(resolve(io.cwd, source.path));
    } catch (e) {
      io.stderr(`Could not read the CODEOWNERS file ${source.path}: ${(e as Error).message}.`);
      return null;
    }
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes >= CODEOWNERS_MAX_BYTES) {
      io.stderr(tooLargeMessage(source.path, bytes));
      return null;
    }
    return { codeowners: parseCodeowners(text, { path: source.path }), shown: source.path };
  }
  const found = findInCheckout(source.dir);
  if (found.kind === "missing") {
    io.stderr(`${source.dir} has no CODEOWNERS (looked for ${CODEOWNERS_LOCATIONS.join(", ")}), so GitHub names no code owners there.`);
    return null;
  }
  if (found.kind === "too-large") {
    io.stderr(tooLargeMessage(join(source.dir, found.path), found.bytes));
    return null;
  }
  return { codeowners: found.codeowners, shown: found.codeowners.path };
}

function findInCheckout(dir: string): ReturnType<typeof findCodeowners> {
  return findCodeowners(
    (path) => {
      try {
        const s = statSync(join(dir, path));
        return s.isFile() ? { bytes: s.size } : undefined;
      } catch {
        return undefined;
      }
    },
    (path) => readFileSync(join(dir, path), "utf8"),
  );
}

function answerOf(m: CodeownersMatch): { owners: string[]; line: number | null } {
  if (m.kind === "owned") return { owners: m.owners, line: m.rule.line };
  if (m.kind === "no-owners") return { owners: [], line: m.rule.line };
  return { owners: [], line: null };
}

/** Repository-relative form of what a user may type: `./src/a.js` and `/src/a.js` mean `src/a.js`. */
function normalize(path: string): string {
  return path.replace(/^(?:\.\/|\/)+/, "");
}

function resolvePaths(io: CliIo, co: Codeowners, paths: string[], json: boolean): void {
  if (json) {
    const out: Record<string, { owners: string[]; line: number | null }> = {};
    for (const path of paths) out[path] = answerOf(co.match(normalize(path)));
    io.stdout(JSON.stringify(out, null, 2));
    return;
  }
  const width = Math.max(...paths.map((p) => p.length));
  const lines = paths.map((path) => {
    const m = co.match(normalize(path));
    const what =
      m.kind === "owned"
        ? `${m.owners.join(" ")}  (line ${m.rule.line})`
        : m.kind === "no-owners"
          ? `(unowned: matched line ${m.rule.line} with no owners)`
          : "(unowned: no rule matched)";
    return `${path.padEnd(width)}  ${what}`;
  });
  io.stdout(lines.join("\n"));
}

/**
 * An error's message without what is said already: it starts with its kind ("Invalid owner `x` on
 * line 4: …", as GitHub's errors API words it), and `FILE:LINE:COL:` in front gives the line.
 */
function checkMessage(e: { kind: string; line: number; message: string }): string {
  if (!e.message.startsWith(e.kind)) return `${e.kind}: ${e.message}`;
  return e.message.replace(` on line ${e.line}:`, ":");
}

function check(io: CliIo, loaded: { codeowners: Codeowners; shown: string }, json: boolean): number {
  const errors = loaded.codeowners.errors;
  if (json) {
    io.stdout(JSON.stringify({ errors }, null, 2));
  } else if (errors.length === 0) {
    io.stdout(`${loaded.shown}: no errors (${plural(loaded.codeowners.rules.length, "rule")})`);
  } else {
    io.stdout(
      errors.map((e) => `${loaded.shown}:${e.line}:${e.column}: ${checkMessage(e)}${e.suggestion ? ` (${e.suggestion})` : ""}`).join("\n"),
    );
  }
  return errors.length > 0 ? 1 : 0;
}

export interface CoverageReport {
  codeowners: string;
  rules: number;
  errors: number;
  files: number;
  owned: number;
  ownedPercent: number;
  unowned: number;
  /** Unowned because no line matched. */
  unmatched: number;
  /** Unowned because the deciding line names no owners. */
  noOwners: number;
  /** Directories with the most unowned files directly inside them ("." is the root). */
  unownedDirectories: { directory: string; files: number }[];
  /** Owners of the most files. */
  topOwners: { owner: string; files: number }[];
}

const TOP = 10;

async function coverage(io: CliIo, dir: string, json: boolean): Promise<number> {
  let files: string[];
  try {
    const { stdout } = await run("git", ["-C", dir, "ls-files", "-z"], { maxBuffer: 1 << 30, encoding: "utf8" });
    files = stdout.split("\0").filter((f) => f !== "");
  } catch (e) {
    const detail = (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
    io.stderr(`Could not list the files git tracks in ${dir}: ${detail}`);
    return 1;
  }
  const loaded = await load(io, { kind: "repo", dir });
  if (loaded === null) return 1;
  const report = coverageReport(loaded.codeowners, files);

  if (json) {
    io.stdout(JSON.stringify(report, null, 2));
    return 0;
  }
  const pct = (n: number) => (report.files === 0 ? "0.0" : ((100 * n) / report.files).toFixed(1));
  const lines = [
    `CODEOWNERS: ${report.codeowners} (${plural(report.rules, "rule")}${report.errors ? `, ${plural(report.errors, "error")}: run owners --check` : ""})`,
    `Files: ${report.files} tracked, ${report.owned} owned (${pct(report.owned)}%), ${report.unowned} unowned (${report.unmatched} matched no line, ${report.noOwners} matched a line with no owners)`,
  ];
  if (report.unownedDirectories.length > 0) {
    lines.push("", `Directories with the most unowned files (directly inside):`);
    for (const d of report.unownedDirectories) lines.push(`  ${String(d.files).padStart(6)}  ${d.directory}`);
  }
  if (report.topOwners.length > 0) {
    lines.push("", "Owners of the most files:");
    for (const o of report.topOwners) lines.push(`  ${String(o.files).padStart(6)}  ${o.owner}`);
  }
  io.stdout(lines.join("\n"));
  return 0;
}

function plural(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? "" : "s"}`;
}

export function coverageReport(co: Codeowners, files: string[]): CoverageReport {
  let owned = 0;
  let noOwners = 0;
  let unmatched = 0;
  const byDir = new Map<string, number>();
  const byOwner = new Map<string, number>();
  for (const file of files) {
    const m = co.match(file);
    if (m.kind === "owned") {
      owned++;
      for (const o of m.owners) byOwner.set(o, (byOwner.get(o) ?? 0) + 1);
      continue;
    }
    if (m.kind === "no-owners") noOwners++;
    else unmatched++;
    const slash = file.lastIndexOf("/");
    const dir = slash < 0 ? "." : file.slice(0, slash);
    byDir.set(dir, (byDir.get(dir) ?? 0) + 1);
  }
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, TOP);
  return {
    codeowners: co.path,
    rules: co.rules.length,
    errors: co.errors.length,
    files: files.length,
    owned,
    ownedPercent: files.length === 0 ? 0 : Math.round((1000 * owned) / files.length) / 10,
    unowned: noOwners + unmatched,
    unmatched,
    noOwners,
    unownedDirectories: top(byDir).map(([directory, n]) => ({ directory, files: n })),
    topOwners: top(byOwner).map(([owner, n]) => ({ owner, files: n })),
  };
}
