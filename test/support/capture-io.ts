import type { CliIo } from "../../src/cli/io.ts";

/** A CliIo that keeps what a command prints. */
export function captureIo(
  options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {},
): CliIo & { out(): string; err(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readFile: async (p) => (await import("node:fs/promises")).readFile(p, "utf8"),
    readStdin: async () => options.stdin ?? "",
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    out: () => out.join("\n"),
    err: () => err.join("\n"),
  };
}
