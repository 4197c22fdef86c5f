/**
 * A bounded map that forgets the least recently used entry first: beyond `max` entries, and, with a
 * `budget`, beyond a total weight (e.g. records held), keeping at least the newest entry.
 */
export class Lru<V> {
  private readonly entries = new Map<string, V>();
  private readonly max: number;
  private readonly budget: { weight: (value: V) => number; max: number } | null;
  private weight = 0;

  constructor(max: number, budget?: { weight: (value: V) => number; max: number }) {
    this.max = max;
    this.budget = budget ?? null;
  }

  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: V): void {
    this.delete(key);
    this.entries.set(key, value);
    if (this.budget) this.weight += this.budget.weight(value);
    while (this.entries.size > this.max || (this.budget && this.weight > this.budget.max && this.entries.size > 1))
      this.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    if (this.budget) this.weight -= this.budget.weight(old);
  }

  get size(): number {
    return this.entries.size;
  }
}
