#!/usr/bin/env bash
# Starts a throwaway redis-server on 127.0.0.1:6390 for the lock tests and CI, installing it first
# (Debian's redis-server package) when it is missing. Idempotent: does nothing when one already
# answers. Prints the URL to use as REDIS_URL on stdout; everything else goes to stderr.
#
#   export REDIS_URL="$(bash scripts/redis.sh)"
#
# Stop it with: redis-cli -p 6390 shutdown nosave
set -euo pipefail

PORT="${NHI_REDIS_PORT:-6390}"
HOST=127.0.0.1
URL="redis://${HOST}:${PORT}"

say() { echo "redis.sh: $*" >&2; }

answering() {
  command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$HOST" -p "$PORT" ping 2>/dev/null)" = "PONG" ]
}

if answering; then
  say "redis already answering on ${HOST}:${PORT}"
  echo "$URL"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    say "redis-server is not installed and this is not root: install the redis-server package first"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "installing redis-server"
  # Try without refreshing the package lists first; refresh only if that fails.
  if ! apt-get install -y -q redis-server >&2; then
    say "install failed; running apt-get update and retrying"
    apt-get update -q >&2
    apt-get install -y -q redis-server >&2
  fi
fi

say "starting redis-server on ${HOST}:${PORT}"
redis-server --port "$PORT" --bind "$HOST" --save "" --appendonly no --daemonize yes \
  --dir /tmp --logfile "/tmp/nhi-steward-redis-${PORT}.log" >&2

# Wait (at most ~10 s) for it to answer.
for _ in $(seq 1 100); do
  if answering; then
    say "redis answering on ${HOST}:${PORT}"
    echo "$URL"
    exit 0
  fi
  sleep 0.1
done

say "redis-server did not answer PING on ${HOST}:${PORT} within 10 s; see /tmp/nhi-steward-redis-${PORT}.log"
exit 1
