export * from "./record.ts";
export * from "./compute.ts";
export * from "./render.ts";
