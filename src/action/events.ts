/** The events the Action sweeps on (shared by main.ts and work.ts without importing each other). */
export const SWEEP_EVENTS: readonly string[] = ["schedule", "workflow_dispatch"];
