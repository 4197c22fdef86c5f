import type { CliIo } from "./io.ts";
import { processIo } from "./io.ts";
import { describeError } from "../github/explain-error.ts";

const USAGE = `nhi-steward: turns non-human-identity alerts into owned, time-boxed issues.

Usage: nhi-steward <command> [options]

Commands:
  simulate   run the app and the Action against an in-memory GitHub with a demo organisation
  plan       print the plan the app would execute for a webhook payload (no network)
  owners     resolve paths against a CODEOWNERS file; --check it; --coverage of a checkout
  validate   check policy files (.github/nhi-steward.yml) and say what to fix
  sweep      open missing response issues, advance SLA clocks, escalate (needs GITHUB_TOKEN)
  report     metrics: time to acknowledge and remediate, SLA compliance, backlog (needs GITHUB_TOKEN)

Run \`nhi-steward <command> --help\` for a command's options; --verbose prints an error with its details.`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  simulate: async () => (await import("./commands/simulate.ts")).simulateCommand,
  plan: async () => (await import("./commands/plan.ts")).planCommand,
  owners: async () => (await import("./commands/owners.ts")).ownersCommand,
  validate: async () => (await import("./commands/validate.ts")).validateCommand,
  report: async () => (await import("./commands/report.ts")).reportCommand,
  sweep: async () => (await import("./commands/sweep.ts")).sweepCommand,
};

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  // --verbose (anywhere): an unexpected error is printed with its stack and causes, not as one line.
  const verbose = argv.includes("--verbose");
  const [name, ...rest] = argv.filter((a) => a !== "--verbose");
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  const command = await load();
  try {
    return await command(rest, io);
  } catch (e) {
    io.stderr(
      verbose
        ? `nhi-steward ${name}: ${describeError(e, "cli")}\n\n${details(e)}`
        : `nhi-steward ${name}: ${describeError(e, "cli")} (--verbose shows the details)`,
    );
    return 1;
  }
}

/** The error's stack and its causes', for --verbose. */
function details(e: unknown): string {
  const parts: string[] = [];
  for (let at: unknown = e, depth = 0; at !== undefined && at !== null && depth < 5; at = (at as { cause?: unknown }).cause, depth++) {
    parts.push(at instanceof Error ? (at.stack ?? at.message) : String(at));
  }
  return parts.join("\ncaused by: ");
}
