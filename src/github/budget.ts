/**
 * How many GitHub writes one run may make (the Action's `max-operations`). Like actions/stale's
 * budget, but spent per whole change: a change that does not fit waits for the next run.
 */
export class OperationsBudget {
  readonly max: number | null;
  private spentCount = 0;

  constructor(max: number | null) {
    this.max = max;
  }

  get spent(): number {
    return this.spentCount;
  }

  get remaining(): number {
    return this.max === null ? Number.POSITIVE_INFINITY : Math.max(0, this.max - this.spentCount);
  }

  canAfford(operations: number): boolean {
    return operations <= this.remaining;
  }

  spend(operations = 1): void {
    this.spentCount += operations;
  }
}
