import { fork, type ChildProcess } from "node:child_process";

/**
 * A benchmark's sandbox GitHub in a child process (the same script started with `--sandbox`), so
 * CPU and memory figures are the measured process's alone. Calls and results cross by IPC.
 */
export class SandboxChild<Call> {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (result: unknown) => void>();
  private next = 1;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on("message", (m: { id: number; result: unknown }) => {
      this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
  }

  /** Forks `script --sandbox` and waits for its `ready` (id 0). */
  static async start<Call>(script: string): Promise<SandboxChild<Call>> {
    const child = fork(script, ["--sandbox"], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const c = new SandboxChild<Call>(child);
    await new Promise<void>((resolve) => c.waiting.set(0, () => resolve()));
    return c;
  }

  call<T>(call: Call): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve) => {
      this.waiting.set(id, resolve as (r: unknown) => void);
      this.child.send({ id, call });
    });
  }

  stop(): void {
    this.child.kill();
  }
}
