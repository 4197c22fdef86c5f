import { formatProblem, validatePolicyText } from "../../core/policy/validate.ts";
import type { CliIo } from "../io.ts";

export const VALIDATE_USAGE = `Usage: nhi-steward validate FILE...

Checks nhi-steward policy files (.github/nhi-steward.yml): YAML syntax, unknown keys, types,
identity classes, owners and teams. Prints every problem as FILE:LINE:COLUMN: message and exits 1
when there is any.`;

export async function validateCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(VALIDATE_USAGE);
    return 0;
  }
  const files = argv.filter((a) => a !== "--");
  const unknown = files.filter((f) => f.startsWith("-") && f !== "-");
  if (unknown.length || files.length === 0) {
    io.stderr(`${unknown.length ? `Unknown option ${unknown[0]}.` : "Name at least one policy file."}\n\n${VALIDATE_USAGE}`);
    return 2;
  }
  let failed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = file === "-" ? await io.readStdin() : await io.readFile(file);
    } catch (e) {
      io.stderr(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
      failed++;
      continue;
    }
    const { problems, extendsFrom } = validatePolicyText(text, file);
    if (problems.length) {
      failed++;
      for (const p of problems) io.stdout(formatProblem(p));
    } else {
      io.stdout(`${file}: ok${extendsFrom ? ` (extends ${extendsFrom}; that file is checked when it is loaded)` : ""}`);
    }
  }
  return failed ? 1 : 0;
}
