import { expect } from "vitest";
import type { LockTimers } from "../../../src/github/lock/index.ts";

/** Lets every promise chain that can move on do so (a macrotask turn: all pending microtasks run first). No timer, no clock. */
export async function settle(turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise the test resolves when it chooses. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Virtual time for a lock: nothing fires until the test calls advance(), and then in due order,
 * whatever the machine's load. `idle` runs after each timer (and before the first): what it takes
 * for the work a timer started to finish (for a RedisLock: a round trip on its connection).
 */
export class VirtualTimers implements LockTimers {
  private current = 0;
  private sequence = 0;
  private readonly pending: { at: number; sequence: number; fn: () => void }[] = [];
  private readonly idle: () => Promise<void>;

  constructor(idle: () => Promise<void> = () => settle()) {
    this.idle = idle;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), sequence: this.sequence++, fn };
    this.pending.push(timer);
    return () => {
      const i = this.pending.indexOf(timer);
      if (i >= 0) this.pending.splice(i, 1);
    };
  }

  /** When the timers now waiting are due. */
  get due(): number[] {
    return this.pending.map((t) => t.at).sort((a, b) => a - b);
  }

  /** Moves time forward by ms, firing each timer that falls due in order and letting its work finish. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    await this.idle();
    for (;;) {
      const next = this.pending
        .filter((t) => t.at <= until)
        .sort((a, b) => a.at - b.at || a.sequence - b.sequence)
        .at(0);
      if (!next) break;
      this.pending.splice(this.pending.indexOf(next), 1);
      this.current = next.at;
      next.fn();
      await this.idle();
    }
    this.current = until;
  }
}

/** Records the order critical sections entered and left (logical steps, not times), and how many were inside at once. */
export class Sections {
  readonly spans: { id: string; enter: number; exit: number }[] = [];
  private inside = 0;
  private step = 0;
  maxInside = 0;

  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.inside++;
    this.maxInside = Math.max(this.maxInside, this.inside);
    const enter = this.step++;
    try {
      return await work();
    } finally {
      this.inside--;
      this.spans.push({ id, enter, exit: this.step++ });
    }
  }

  expectNoOverlap(): void {
    expect(this.maxInside).toBe(1);
    const sorted = [...this.spans].sort((a, b) => a.enter - b.enter);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1]!;
      const after = sorted[i]!;
      expect(after.enter, `${after.id} entered before ${before.id} left`).toBeGreaterThan(before.exit);
    }
  }
}
