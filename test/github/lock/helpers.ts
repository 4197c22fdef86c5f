import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";

export { sleep };

/** Records when each critical section entered and left, and how many were inside at once. */
export class Sections {
  readonly spans: { id: string; enter: number; exit: number }[] = [];
  private inside = 0;
  maxInside = 0;

  async run<T>(id: string, work: () => Promise<T>): Promise<T> {
    this.inside++;
    this.maxInside = Math.max(this.maxInside, this.inside);
    const enter = performance.now();
    try {
      return await work();
    } finally {
      this.inside--;
      this.spans.push({ id, enter, exit: performance.now() });
    }
  }

  expectNoOverlap(): void {
    expect(this.maxInside).toBe(1);
    const sorted = [...this.spans].sort((a, b) => a.enter - b.enter);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1]!;
      const after = sorted[i]!;
      expect(after.enter, `${after.id} entered before ${before.id} left`).toBeGreaterThanOrEqual(before.exit);
    }
  }
}
