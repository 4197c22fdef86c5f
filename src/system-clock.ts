import type { Clock } from "./core/clock.ts";

/** The real clock: used only at the edges (app server, Action, CLI), passed inward as a Clock. */
export const systemClock: Clock = { now: () => new Date() };
