import { execFileSync } from "node:child_process";

/**
 * The lock and concurrency tests need a real Redis on loopback. When REDIS_URL is not set,
 * scripts/redis.sh installs (if needed) and starts one on 127.0.0.1:6390, so `npm test` works on
 * a fresh machine as it does in CI.
 */
export default function setup(): void {
  if (process.env.REDIS_URL) return;
  const url = execFileSync("bash", ["scripts/redis.sh"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
  process.env.REDIS_URL = url;
}
