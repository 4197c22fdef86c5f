export * from "./duration.ts";
export * from "./calendar.ts";
export * from "./deadlines.ts";
export * from "./format.ts";
