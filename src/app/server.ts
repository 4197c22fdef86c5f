import { createServer } from "node:http";
import { createNodeMiddleware, createProbot } from "probot";
import { createLock } from "../github/lock/index.ts";
import { consoleLogger } from "../log.ts";
import { nhiStewardApp } from "./app.ts";
import { guardDeliveries } from "./guard.ts";

// Reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, GHE_HOST, REDIS_URL… from the environment.
// With REDIS_URL, replicas share a per-alert lock (and Probot shares rate limits through the same Redis).
// NHI_SWEEP_INTERVAL_MINUTES: sweep every installation that often (self-hosted, without the Action).
const log = consoleLogger();
const lock = createLock({ redisUrl: process.env.REDIS_URL, log });
const apiUrl = process.env.GHE_HOST ? `${process.env.GHE_PROTOCOL ?? "https"}://${process.env.GHE_HOST}/api/v3` : "https://api.github.com";
const probot = createProbot();
const app = nhiStewardApp({ dryRun: process.env.NHI_DRY_RUN === "true", lock, sweepEveryMinutes: Number(process.env.NHI_SWEEP_INTERVAL_MINUTES ?? 0), apiUrl });
const middleware = await createNodeMiddleware(app, { probot });
const port = Number(process.env.PORT ?? 3000);
createServer(guardDeliveries(middleware)).listen(port, process.env.HOST ?? "0.0.0.0", () => log.info(`listening on :${port}, webhooks at /api/github/webhooks`));
