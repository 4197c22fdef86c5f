import type { CliIo } from "./io.ts";
import { processIo } from "./io.ts";

const USAGE = `nhi-steward: turns non-human-identity alerts into owned, time-boxed issues.

Usage: nhi-steward <command> [options]

Commands:
  simulate   run the app and the Action against an in-memory GitHub with a demo organisation
  plan       print the plan the app would execute for a webhook payload (no network)
  owners     resolve paths against a CODEOWNERS file; --check it; --coverage of a checkout
  validate   check policy files (.github/nhi-steward.yml) and say what to fix
  sweep      open missing response issues, advance SLA clocks, escalate (needs GITHUB_TOKEN)
  report     metrics: time to acknowledge and remediate, SLA compliance, backlog (needs GITHUB_TOKEN)

Run \`nhi-steward <command> --help\` for a command's options.`;

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
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stdout(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr(`Unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  return (await load())(rest, io);
}
