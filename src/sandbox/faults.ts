/** Injected faults: the next `times` requests matching method and path get a status, headers, a delay, a reset or no answer. */
import type { Fault } from "./types.ts";

interface ActiveFault {
  fault: Fault;
  remaining: number;
}

export class Faults {
  private active: ActiveFault[] = [];

  inject(fault: Fault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1) throw new Error("sandbox: a fault needs times >= 1");
    this.active.push({ fault, remaining: fault.times });
  }

  clear(): void {
    this.active = [];
  }

  /** Faults still waiting for requests. */
  pending(): Fault[] {
    return this.active.map((a) => a.fault);
  }

  /** The first fault matching this request (by its decoded or its raw path), consuming one of its `times`. */
  take(method: string, ...paths: string[]): Fault | undefined {
    const matches = (pattern: string | RegExp, path: string): boolean => {
      if (typeof pattern === "string") return pattern === path;
      pattern.lastIndex = 0;
      return pattern.test(path);
    };
    const hit = this.active.find(({ fault }) => {
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
      return paths.some((p) => matches(fault.path, p));
    });
    if (!hit) return undefined;
    hit.remaining--;
    if (hit.remaining <= 0) this.active = this.active.filter((a) => a !== hit);
    return hit.fault;
  }
}
