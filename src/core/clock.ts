/** The one door time comes through. src/core never reads the real clock. */
export interface Clock {
  now(): Date;
}

/** A clock that stands still until moved: for tests, simulate and the sandbox. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
