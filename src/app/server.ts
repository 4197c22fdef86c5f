import { run } from "probot";
import { nhiStewardApp } from "./app.ts";

// Reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT and friends from the environment.
await run(nhiStewardApp({ dryRun: process.env.NHI_DRY_RUN === "true" }));
