/** The minimal logger every layer takes. Context goes in the message: `org/repo alert#12: …`. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that keeps every line, for tests and leak hunts. */
export class MemoryLogger implements Logger {
  readonly lines: { level: "debug" | "info" | "warn" | "error"; message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: "debug", message });
  }
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  warn(message: string): void {
    this.lines.push({ level: "warn", message });
  }
  error(message: string): void {
    this.lines.push({ level: "error", message });
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join("\n");
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export function consoleLogger(prefix = "nhi-steward"): Logger {
  return {
    debug: (m) => process.env.NHI_DEBUG && console.error(`${prefix} debug: ${m}`),
    info: (m) => console.error(`${prefix}: ${m}`),
    warn: (m) => console.error(`${prefix} warning: ${m}`),
    error: (m) => console.error(`${prefix} error: ${m}`),
  };
}
