import { run } from "probot";
import { createLock } from "../github/lock/index.ts";
import { consoleLogger } from "../log.ts";
import { nhiStewardApp } from "./app.ts";

// Reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, PORT and friends from the environment.
// With REDIS_URL, replicas share a per-alert lock (and Probot shares rate limits through the same Redis).
const lock = createLock({ redisUrl: process.env.REDIS_URL, log: consoleLogger() });
// NHI_SWEEP_INTERVAL_MINUTES: sweep every installation that often (self-hosted, without the Action).
const apiUrl = process.env.GHE_HOST ? `${process.env.GHE_PROTOCOL ?? "https"}://${process.env.GHE_HOST}/api/v3` : "https://api.github.com";
await run(nhiStewardApp({ dryRun: process.env.NHI_DRY_RUN === "true", lock, sweepEveryMinutes: Number(process.env.NHI_SWEEP_INTERVAL_MINUTES ?? 0), apiUrl }));
